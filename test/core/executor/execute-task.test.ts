import { describe, expect, it } from 'vitest';
import type { ExecutionState, TaskKind, TaskRequest } from '../../../shared/core/contract/task-contract.ts';
import {
  ActionNotApplicable,
  ActionTransient,
  WorkflowContinued,
  WorkflowExit,
} from '../../../shared/core/contract/task-errors.ts';
import { splitRoll } from '../../../shared/core/executor/choose-successor.ts';
import { answerParkedWait, eventMet, executeTask } from '../../../shared/core/executor/execute-task.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import {
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import { InMemoryWorld } from '../../helpers/in-memory-world.ts';
import { ENROLLMENT } from './enrollment.ts';

const NOW = '2026-11-30T08:00:00.000Z';
const DAY_MS = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.parse(NOW) + days * DAY_MS).toISOString();

const parse = (input: WorkflowDefinitionInput): WorkflowDefinition => WorkflowDefinitionSchema.parse(input);
const filter = (property: string, value: string | number) => [
  { filters: [{ property, operator: 'eq' as const, value }] },
];

/**
 * tag → (2 days) → route: Hot (score ≥ 50) → greet, else listen for a reply (3 days) → greet,
 * or on timeout → alert → (1 day) → end.
 */
const nurture = parse({
  name: 'Nurture',
  objectType: 'contacts',
  enrollment: { trigger: 'manual' },
  startActionId: 'tag',
  actions: [
    { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'pause' },
    { id: 'pause', type: 'delay', duration: 'P2D', next: 'route' },
    {
      id: 'route',
      type: 'branch',
      branches: [
        {
          name: 'Hot',
          criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 50 }] }],
          next: 'greet',
        },
      ],
      defaultNext: 'listen',
    },
    { id: 'greet', type: 'sendEmail', subject: 'Hi {{firstname}}', body: 'Welcome', next: null },
    {
      id: 'listen',
      type: 'delayUntilEvent',
      criteria: filter('status', 'replied'),
      timeout: 'P3D',
      next: 'greet',
      timeoutNext: 'alert',
    },
    {
      id: 'alert',
      type: 'sendNotification',
      message: 'No reply from {{firstname}}',
      onError: 'stop',
      next: 'rest',
    },
    { id: 'rest', type: 'delay', duration: 'P1D', next: null },
  ],
  goal: { criteria: filter('lifecyclestage', 'customer') },
  settings: { unenrollmentCriteria: filter('leadstatus', 'bad'), suppressionLists: ['do-not-contact'] },
});

const ADA: Properties = { firstname: 'Ada', email: 'ada@example.fr', score: 60 };

/** A world holding the workflow (revision 1 of wf-1) and the enrolled contact rec-1. */
const worldWith = (properties: Properties = ADA, workflow: WorkflowDefinition = nurture) => {
  const world = new InMemoryWorld(NOW);
  world.addWorkflow('wf-1', 1, workflow);
  world.addRecord('contacts', properties, 'rec-1');
  return world;
};

interface RequestOptions {
  readonly state?: Partial<ExecutionState>;
  readonly startedAt?: string;
  readonly taskToken?: string;
}

const request = (kind: TaskKind, actionId: string | null, options: RequestOptions = {}): TaskRequest => ({
  kind,
  actionId,
  state: { enrollment: ENROLLMENT, runAt: NOW, ...options.state },
  executionId: 'exec-1',
  startedAt: options.startedAt ?? NOW,
  ...(options.taskToken === undefined ? {} : { taskToken: options.taskToken }),
});

const eventsOf = (world: InMemoryWorld) => world.history.map((line) => [line.event, line.actionId ?? null]);

describe('executeTask', () => {
  describe('action', () => {
    it('runs the action, records action.completed with the attempt and returns the state of the next action', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const next = await executeTask(request('action', 'tag'), world.ports());
      // Assess
      expect(world.properties('rec-1').leadstatus).toBe('open');
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: daysFromNow(2) });
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.completed',
          actionId: 'tag',
          at: NOW,
          enrollmentId: 'enr-1',
          details: { type: 'setProperty', attempt: 1 },
        }),
        expect.objectContaining({
          event: 'action.scheduled',
          actionId: 'route',
          details: { runAt: daysFromNow(2) },
        }),
      ]);
    });

    it('records completed and ends the enrollment after the last action', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const next = await executeTask(request('action', 'greet'), world.ports());
      // Assess
      expect(world.outbox).toEqual([
        { kind: 'email', to: 'ada@example.fr', subject: 'Hi Ada', body: 'Welcome' },
      ]);
      expect(eventsOf(world)).toEqual([
        ['action.completed', 'greet'],
        ['completed', null],
      ]);
      expect(world.ended).toEqual([{ enrollment: ENROLLMENT, outcome: 'completed' }]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    });

    it('counts each attempt of the action in its execution', async () => {
      // Prepare
      const world = worldWith();
      await world.ports().countAttempt('exec-1', 'tag');
      // Act
      await executeTask(request('action', 'tag'), world.ports());
      // Assess
      expect(world.events('action.completed')[0]?.details).toEqual({ type: 'setProperty', attempt: 2 });
    });

    it('applies each effect once when a retried Task runs the action again', async () => {
      // Prepare: the first attempt sends the email, then fails writing its history line
      const world = worldWith();
      world.historyFaults.set('action.completed', {
        name: 'ProvisionedThroughputExceededException',
        times: 1,
      });
      await expect(executeTask(request('action', 'greet'), world.ports())).rejects.toThrow(
        'ProvisionedThroughputExceededException',
      );
      // Act: the retry
      await executeTask(request('action', 'greet'), world.ports());
      // Assess
      expect(world.outbox).toHaveLength(1);
      expect(world.events('action.completed')).toEqual([
        expect.objectContaining({ actionId: 'greet', details: { type: 'sendEmail', attempt: 2 } }),
      ]);
    });

    it('throws Action.NotApplicable for an email to a record without an address, recording nothing', async () => {
      // Prepare
      const world = worldWith({ firstname: 'Léa' });
      // Act
      const running = executeTask(request('action', 'greet'), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(ActionNotApplicable);
      await expect(running).rejects.toMatchObject({ name: 'Action.NotApplicable' });
      expect(world.history).toEqual([]);
      expect(world.outbox).toEqual([]);
    });

    it('records the action as skipped while skipping forward to the next anchor delay', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const next = await executeTask(request('action', 'tag', { state: { skipping: true } }), world.ports());
      // Assess
      expect(world.properties('rec-1').leadstatus).toBeUndefined();
      expect(world.history.map((line) => [line.event, line.actionId, line.reason])).toEqual([
        ['action.skipped', 'tag', 'anchor_passed'],
        ['action.skipped', 'pause', 'anchor_passed'],
      ]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW, skipping: true });
    });

    it('fails clearly for an action the revision does not have', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const running = executeTask(request('action', 'gone'), world.ports());
      // Assess
      await expect(running).rejects.toThrow('action "gone" is not in revision 1');
    });
  });

  describe('a workflow edited while the enrollment runs (its new revision live)', () => {
    /** Revision 2 of the nurture: a new subject for `greet`, and whatever `change` does to it. */
    const edited = (change: (input: WorkflowDefinitionInput) => WorkflowDefinitionInput = (input) => input) =>
      parse(
        change({
          ...nurture,
          actions: nurture.actions.map((action) =>
            action.id === 'greet' ? { ...action, subject: 'Hello again {{firstname}}' } : action,
          ),
        } as WorkflowDefinitionInput),
      );
    const MOVED = { ...ENROLLMENT, revision: 2 };
    /** A world whose workflow runs `revision2` now (its revision 2), the record enrolled on revision 1. */
    const liveOn = (revision2: WorkflowDefinition = edited(), properties: Properties = ADA) => {
      const world = worldWith(properties);
      world.addWorkflow('wf-1', 2, revision2);
      world.liveRevision = 2;
      return world;
    };

    it('moves the enrollment at its next action and continues there on the new revision, running nothing on the old', async () => {
      // Prepare
      const world = liveOn();
      // Act
      const running = executeTask(request('action', 'greet'), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.moves).toEqual([{ enrollmentId: 'enr-1', revision: 2 }]);
      expect(world.continuations).toEqual([{ enrollment: MOVED, runAt: NOW, resumeAt: 'greet' }]);
      expect(world.continuedFrom).toEqual(['exec-1']);
      expect([world.history.length, world.outbox.length]).toEqual([0, 0]);
      // and the new revision's execution runs the action as it is now
      await executeTask(request('action', 'greet', { state: { enrollment: MOVED } }), world.ports());
      expect(world.outbox).toEqual([expect.objectContaining({ kind: 'email', subject: 'Hello again Ada' })]);
      expect(world.currentActions).toEqual(['greet']);
      expect(world.events('action.completed')).toEqual([
        expect.objectContaining({ actionId: 'greet', revision: 2 }),
      ]);
    });

    it('stays on the revision it runs when its action is not in the live one', async () => {
      // Prepare: revision 2 renamed greet
      const world = liveOn(
        edited((input) => ({
          ...input,
          actions: input.actions.map((action) => {
            const renamed = { ...action, ...(action.id === 'greet' ? { id: 'hello' } : {}) };
            return 'next' in renamed && renamed.next === 'greet' ? { ...renamed, next: 'hello' } : renamed;
          }),
        })),
      );
      // Act
      await executeTask(request('action', 'greet'), world.ports());
      // Assess
      expect([world.moves.length, world.continuations.length]).toEqual([0, 0]);
      expect(world.outbox).toEqual([expect.objectContaining({ kind: 'email', subject: 'Hi Ada' })]);
      expect(world.events('action.completed')).toEqual([
        expect.objectContaining({ actionId: 'greet', revision: 1 }),
      ]);
    });

    it("waits for the new revision's execution window when it holds the action back", async () => {
      // Prepare: revision 2 runs actions on Mondays 10:00–11:00 UTC only (now: Monday 08:00 UTC)
      const world = liveOn(
        edited((input) => ({
          ...input,
          settings: {
            ...input.settings,
            executionWindows: [{ days: ['mon'], start: '10:00', end: '11:00' }],
          },
        })),
      );
      // Act
      const running = executeTask(request('action', 'greet'), world.ports());
      // Assess: at the window's opening, spread over its first 15 minutes
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      const runAt = world.continuations[0]?.runAt ?? '';
      expect(runAt >= '2026-11-30T10:00:00.000Z' && runAt < '2026-11-30T10:15:00.000Z').toBe(true);
      expect(world.continuations).toEqual([{ enrollment: MOVED, runAt, resumeAt: 'greet' }]);
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.scheduled',
          actionId: 'greet',
          revision: 2,
          details: { runAt },
        }),
      ]);
    });

    it("moves at a branch and at an event wait too, but not at a wait's timeout", async () => {
      // Prepare
      const world = liveOn();
      // Act
      const branch = executeTask(request('branch', 'route'), world.ports());
      const wait = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      await expect(branch).rejects.toBeInstanceOf(WorkflowContinued);
      await expect(wait).rejects.toBeInstanceOf(WorkflowContinued);
      await executeTask(request('eventTimeout', 'listen'), world.ports());
      // Assess
      expect(world.continuations.map((state) => state.resumeAt)).toEqual(['route', 'listen']);
      expect(world.eventWaits.size).toBe(0);
      expect(world.history).toEqual([
        expect.objectContaining({ event: 'action.completed', actionId: 'listen', revision: 1 }),
      ]);
    });

    it('stays for that edit, and says so along the run, when its action is a delay in the live revision', async () => {
      // Prepare: revision 2 made `tag` a delay
      const world = liveOn(
        edited((input) => ({
          ...input,
          actions: input.actions.map((action) =>
            action.id === 'tag' ? { id: 'tag', type: 'delay', duration: 'P30D', next: 'pause' } : action,
          ),
        })),
      );
      // Act
      const next = await executeTask(request('action', 'tag'), world.ports());
      // Assess: tag ran on revision 1; the state carries that revision 2 was declined
      expect(world.moves).toEqual([]);
      expect(next).toEqual({ enrollment: { ...ENROLLMENT, keptFrom: 2 }, runAt: daysFromNow(2) });
      expect(world.events('action.completed')).toEqual([
        expect.objectContaining({ actionId: 'tag', revision: 1 }),
      ]);
    });

    it('declined once, stays at its later actions, and moves again for a later edit', async () => {
      // Prepare: revision 2 is live and was declined; revision 3 goes live after
      const world = liveOn(edited());
      world.addWorkflow('wf-1', 3, edited());
      const declined = { ...ENROLLMENT, keptFrom: 2 };
      // Act
      await executeTask(request('action', 'greet', { state: { enrollment: declined } }), world.ports());
      world.liveRevision = 3;
      const later = executeTask(
        request('action', 'greet', { state: { enrollment: declined } }),
        world.ports(),
      );
      // Assess
      await expect(later).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.moves).toEqual([{ enrollmentId: 'enr-1', revision: 3 }]);
      expect(world.continuations).toEqual([
        { enrollment: { ...ENROLLMENT, revision: 3 }, runAt: NOW, resumeAt: 'greet' },
      ]);
      expect(world.events('action.completed')).toEqual([
        expect.objectContaining({ actionId: 'greet', revision: 1 }),
      ]);
    });

    it('runs its action where it is while the live revision has no state machine yet, and moves nothing', async () => {
      // Prepare: revision 2 written, its state machine not published yet
      const world = liveOn();
      world.unpublished.add(2);
      // Act
      await executeTask(request('action', 'greet'), world.ports());
      // Assess
      expect([world.moves.length, world.continuations.length]).toEqual([0, 0]);
      expect(world.outbox).toEqual([expect.objectContaining({ subject: 'Hi Ada' })]);
    });

    it('a wait Task retried after it parked its timeout stays with its timer', async () => {
      // Prepare: the first attempt parked the timeout (kept wait, timer noted), then failed; then the edit
      const world = worldWith({ ...ADA, status: 'new' });
      world.parkLongerThanMs = DAY_MS;
      const TIMER = 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:enr-1-c1';
      world.parkedWaits.set('enr-1#listen', { timer: TIMER, timesOutAt: daysFromNow(3), noted: true });
      world.noted = TIMER;
      world.addWorkflow('wf-1', 2, edited());
      world.liveRevision = 2;
      const retry = {
        ...request('waitForEvent', 'listen', { taskToken: 'tok-2' }),
        executionId: 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:enr-1',
      };
      // Act
      const retried = executeTask(retry, world.ports());
      // Assess: not moved; the kept wait is checked again, nothing parked again
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect([world.moves.length, world.continuations.length]).toEqual([0, 0]);
      expect(world.noted).toBe(TIMER);
    });

    it('a wait Task retried after it handed over to the new revision asks for that execution again', async () => {
      // Prepare: the first attempt moved the enrollment and started revision 2's execution, which parked the wait's
      // timeout on its own state machine; then the first attempt failed
      const world = worldWith({ ...ADA, status: 'new' });
      world.parkLongerThanMs = DAY_MS;
      const TIMER = 'arn:aws:states:eu-west-1:123456789012:execution:wf-1-r2:enr-1-c2';
      world.parkedWaits.set('enr-1#listen', { timer: TIMER, timesOutAt: daysFromNow(3), noted: true });
      world.addWorkflow('wf-1', 2, edited());
      world.liveRevision = 2;
      const retry = {
        ...request('waitForEvent', 'listen', { taskToken: 'tok-2' }),
        executionId: 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:enr-1',
      };
      // Act
      const retried = executeTask(retry, world.ports());
      // Assess: the same move and successor asked for again (Step Functions starts it once, by its name)
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.moves).toEqual([{ enrollmentId: 'enr-1', revision: 2 }]);
      expect(world.continuations).toEqual([{ enrollment: MOVED, runAt: NOW, resumeAt: 'listen' }]);
    });

    it('moves the enrollment before it asks for the successor: a start that fails leaves it moved, and a retry asks again', async () => {
      // Prepare: Step Functions refuses the first start of the successor
      const world = liveOn();
      const ports = world.ports();
      let refusals = 1;
      const refusing = {
        ...ports,
        continueAsNew: async (...args: Parameters<typeof ports.continueAsNew>) => {
          if (refusals-- > 0) throw new ActionTransient('StartExecution refused for now');
          return ports.continueAsNew(...args);
        },
      };
      // Act
      const first = executeTask(request('action', 'greet'), refusing);
      await expect(first).rejects.toBeInstanceOf(ActionTransient);
      const movedBeforeStart = [...world.moves];
      const retried = executeTask(request('action', 'greet'), refusing);
      // Assess
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(movedBeforeStart).toEqual([{ enrollmentId: 'enr-1', revision: 2 }]);
      expect(world.continuations).toEqual([{ enrollment: MOVED, runAt: NOW, resumeAt: 'greet' }]);
      expect(world.outbox).toEqual([]);
    });

    it('a retried wait Task does not note where the enrollment is (the answer may have moved it on)', async () => {
      // Prepare: the wait's first attempt counted already
      const world = worldWith({ ...ADA, status: 'new' });
      await world.ports().countAttempt('exec-1', 'listen');
      // Act
      await executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-2' }), world.ports());
      await executeTask(request('action', 'greet'), world.ports());
      // Assess
      expect(world.currentActions).toEqual(['greet']);
    });

    it('stays when the workflow runs no later revision (not active, or this one)', async () => {
      // Prepare
      const world = worldWith();
      world.addWorkflow('wf-1', 2, edited());
      // Act
      await executeTask(request('action', 'greet'), world.ports());
      world.liveRevision = 1;
      await executeTask(request('action', 'tag'), world.ports());
      // Assess
      expect([world.moves.length, world.continuations.length]).toEqual([0, 0]);
      expect(world.events('action.completed').map((line) => line.actionId)).toEqual(['greet', 'tag']);
    });
  });

  describe('the execution horizon (continue-as-new)', () => {
    it('sleeps until the horizon and keeps the real instant in continueAt when the next step is past it', async () => {
      // Prepare: the execution began 359 days ago, its horizon is tomorrow
      const world = worldWith();
      // Act
      const next = await executeTask(
        request('action', 'tag', { startedAt: daysFromNow(-359) }),
        world.ports(),
      );
      // Assess
      expect(next).toEqual({
        enrollment: ENROLLMENT,
        runAt: daysFromNow(1),
        continueAt: { resumeAt: 'route', runAt: daysFromNow(2) },
      });
    });

    it('starts a new execution resuming at the action, then throws Workflow.Continued without running it', async () => {
      // Prepare
      const world = worldWith();
      const continueAt = { resumeAt: 'route', runAt: daysFromNow(1) };
      // Act
      const running = executeTask(request('branch', 'route', { state: { continueAt } }), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      await expect(running).rejects.toMatchObject({ name: 'Workflow.Continued' });
      expect(world.continuations).toEqual([
        { enrollment: ENROLLMENT, runAt: daysFromNow(1), resumeAt: 'route' },
      ]);
      expect(world.history).toEqual([]);
    });
  });

  describe('branch', () => {
    it.each([
      [60, { branch: 'Hot', index: 0 }],
      [10, { branch: 'default', index: 1 }],
    ])('records branch.taken and returns the chosen index (score %i)', async (score, taken) => {
      // Prepare
      const world = worldWith({ ...ADA, score });
      // Act
      const next = await executeTask(request('branch', 'route'), world.ports());
      // Assess
      expect(world.history).toEqual([
        expect.objectContaining({ event: 'branch.taken', actionId: 'route', details: taken }),
      ]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW, branch: taken.index });
    });

    it('matches the cases of a value branch without regard to case', async () => {
      // Prepare
      const byPlan = parse({
        name: 'By plan',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        startActionId: 'plan',
        actions: [
          {
            id: 'plan',
            type: 'valueBranch',
            property: 'plan',
            cases: [{ value: 'free' }, { value: 'pro' }],
          },
        ],
      });
      const world = worldWith({ plan: 'PRO' }, byPlan);
      // Act
      const next = await executeTask(request('branch', 'plan'), world.ports());
      // Assess
      expect(next?.branch).toBe(1);
      expect(world.events('branch.taken')[0]?.details).toEqual({ branch: 'pro', index: 1 });
    });

    it('centres a yearly anchor after the branch on the chosen path only, not on an anchor delay of another branch', async () => {
      // Prepare: pro plans wait for 60 days after the birthday, the others for the birthday, then an email. The
      // birthday was 10 days ago, so only the other branch's delay is still ahead this year.
      const birthdayOrRenewal = parse({
        name: 'Birthday or renewal',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        anchor: { type: 'dateProperty', property: 'birthdate', recurAnnually: true },
        startActionId: 'plan',
        actions: [
          {
            id: 'plan',
            type: 'valueBranch',
            property: 'plan',
            cases: [{ value: 'pro', next: 'renewal' }],
            defaultNext: 'birthday',
          },
          { id: 'renewal', type: 'delayUntilAnchor', offset: 'P60D', time: '09:00', next: 'renew' },
          { id: 'renew', type: 'sendNotification', message: 'Renew {{firstname}}', next: null },
          { id: 'birthday', type: 'delayUntilAnchor', offset: 'P0D', time: '09:00', next: 'greet' },
          { id: 'greet', type: 'sendEmail', subject: 'Happy birthday', body: 'Hi {{firstname}}', next: null },
        ],
      });
      const world = worldWith({ ...ADA, plan: 'free', birthdate: '1990-11-20' }, birthdayOrRenewal);
      // Act
      const next = await executeTask(request('branch', 'plan'), world.ports());
      // Assess: next year's birthday, nothing skipped, the enrollment still running
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: '2027-11-20T09:00:00.000Z', branch: 1 });
      expect(world.history.map((line) => [line.event, line.actionId ?? null])).toEqual([
        ['branch.taken', 'plan'],
        ['action.scheduled', 'greet'],
      ]);
      expect(world.events('action.scheduled')[0]?.details).toEqual({ runAt: '2027-11-20T09:00:00.000Z' });
    });

    it('takes the path the enrollment and split ids draw, the same when the Task is retried', async () => {
      // Prepare
      const split = parse({
        name: 'Split',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        startActionId: 'split',
        actions: [{ id: 'split', type: 'randomSplit', paths: [{ percent: 50 }, { percent: 50 }] }],
      });
      const world = worldWith(ADA, split);
      const expected = splitRoll('enr-1:split') < 50 ? 0 : 1;
      // Act
      const first = await executeTask(request('branch', 'split'), world.ports());
      const retried = await executeTask(request('branch', 'split'), world.ports());
      // Assess
      expect([first?.branch, retried?.branch]).toEqual([expected, expected]);
    });
  });

  describe('waitForEvent', () => {
    it('registers the task token, records when the wait times out and answers nothing yet', async () => {
      // Prepare
      const world = worldWith({ ...ADA, status: 'new' });
      // Act
      const answer = await executeTask(
        request('waitForEvent', 'listen', { taskToken: 'tok-1' }),
        world.ports(),
      );
      // Assess
      expect(answer).toBeUndefined();
      expect([...world.eventWaits]).toEqual([['tok-1', { enrollment: ENROLLMENT, actionId: 'listen' }]]);
      expect(world.tokenAnswers.size).toBe(0);
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.scheduled',
          actionId: 'listen',
          details: { runAt: daysFromNow(3), waitingFor: 'criteria', timeout: 'P3D' },
        }),
      ]);
    });

    it('answers the token at once when the record already meets the criteria', async () => {
      // Prepare
      const world = worldWith({ ...ADA, status: 'replied' });
      // Act
      await executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      expect(world.tokenAnswers.get('tok-1')).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
      expect(world.eventWaits.size).toBe(0);
      expect(world.events('action.completed')[0]?.details).toEqual({
        type: 'delayUntilEvent',
        outcome: 'met',
      });
    });

    it('continues in a new execution before registering when its timeout would outlive this one', async () => {
      // Prepare: begun 363 days ago, a 3-day wait would end past the execution's last day
      const world = worldWith({ ...ADA, status: 'new' });
      const waiting = request('waitForEvent', 'listen', { taskToken: 'tok-1', startedAt: daysFromNow(-363) });
      // Act
      const running = executeTask(waiting, world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.eventWaits.size).toBe(0);
      expect(world.continuations).toEqual([{ enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'listen' }]);
    });

    it('refuses a request without a task token', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const running = executeTask(request('waitForEvent', 'listen'), world.ports());
      // Assess
      await expect(running).rejects.toThrow('action "listen" does not wait for an event');
    });
  });

  describe('a parked event wait (longer than the parking threshold)', () => {
    const TIMER = 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:continued-1';
    const parkingWorld = (properties: Properties) => {
      const world = worldWith(properties);
      world.parkLongerThanMs = DAY_MS;
      return world;
    };
    /** The world after `listen` parked: the timer noted as `continued-1`, the wait kept without a token. */
    /** The timer a parked wait keeps, noted on the enrollment (unlike the ARNs the world's continuations get). */
    const PARKED = 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:enr-1-c1';
    const parkedWorld = (properties: Properties) => {
      const world = parkingWorld(properties);
      world.parkedWaits.set('enr-1#listen', { timer: PARKED, timesOutAt: daysFromNow(3), noted: true });
      world.noted = PARKED;
      return world;
    };
    const timer = { executionId: PARKED, startedAt: NOW };
    /** The timeout execution's request: its `eventTimeout` Task, or, compiled before `TimeoutWait`, its wait Task. */
    const timedOut = (kind: 'eventTimeout' | 'waitForEvent' = 'eventTimeout', enrollment = ENROLLMENT) => ({
      ...request(kind, 'listen', {
        state: { enrollment, resumeAt: 'listen', eventTimedOut: true, runAt: daysFromNow(3) },
        ...(kind === 'waitForEvent' ? { taskToken: 'tok-timer' } : {}),
      }),
      executionId: PARKED,
    });
    const along = { enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'greet' };

    it('parks its timeout as a new execution, keeps the wait without a token, and ends this execution', async () => {
      // Prepare
      const world = parkingWorld({ ...ADA, status: 'new' });
      // Act
      const running = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([
        { enrollment: ENROLLMENT, runAt: daysFromNow(3), resumeAt: 'listen', eventTimedOut: true },
      ]);
      expect(world.continuedFrom).toEqual(['exec-1']);
      expect([...world.parkedWaits]).toEqual([
        ['enr-1#listen', { timer: TIMER, timesOutAt: daysFromNow(3), noted: true }],
      ]);
      expect([world.eventWaits.size, world.tokenAnswers.size]).toEqual([0, 0]);
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.scheduled',
          actionId: 'listen',
          details: { runAt: daysFromNow(3), waitingFor: 'criteria', timeout: 'P3D', parked: true },
        }),
      ]);
    });

    it('keeps no wait and records nothing when the enrollment ended while its timeout was handed over', async () => {
      // Prepare: unenrolled while the Task parks the timeout (the launch notes nothing, so nothing is noted)
      const world = parkingWorld({ ...ADA, status: 'new' });
      const ports = world.ports();
      const ending = {
        ...ports,
        continueAsNew: async (...args: Parameters<typeof ports.continueAsNew>) => {
          const arn = await ports.continueAsNew(...args);
          world.noted = undefined;
          return arn;
        },
      };
      // Act
      const running = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), ending);
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect([world.parkedWaits.size, world.history.length, world.tokenAnswers.size]).toEqual([0, 0, 0]);
    });

    it('answers the token at once, parking nothing, when the record already meets the criteria', async () => {
      // Prepare
      const world = parkingWorld({ ...ADA, status: 'replied' });
      // Act
      await executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      expect(world.tokenAnswers.get('tok-1')).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
      expect([world.continuations.length, world.parkedWaits.size]).toEqual([0, 0]);
    });

    it('goes on along next itself when the record meets the criteria while the wait is being kept', async () => {
      // Prepare: the reply lands after the Task read the record and before the wait is kept
      const world = parkingWorld({ ...ADA, status: 'new' });
      const ports = world.ports();
      const keeping = {
        ...ports,
        parkEventWait: async (...args: Parameters<typeof ports.parkEventWait>) => {
          world.properties('rec-1').status = 'replied';
          await ports.parkEventWait(...args);
        },
      };
      // Act
      const running = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), keeping);
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([
        { enrollment: ENROLLMENT, runAt: daysFromNow(3), resumeAt: 'listen', eventTimedOut: true },
        { enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'greet' },
      ]);
      expect(world.continuedFrom).toEqual(['exec-1', TIMER]);
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: TIMER,
        timesOutAt: daysFromNow(3),
        claimedBy: 'met',
        noted: false,
      });
      expect(world.events('action.completed').map((line) => line.details)).toEqual([
        { type: 'delayUntilEvent', outcome: 'met' },
      ]);
    });

    it('once met, records it, starts the execution along next from the timer and takes the note off; repeated, asks for the same one', async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'replied' });
      // Act
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      // Assess: the same input from the same timer (a deterministic name: Step Functions starts it once)
      const along = { enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'greet' };
      expect(world.continuations).toEqual([along, along]);
      expect(world.continuedFrom).toEqual([PARKED, PARKED]);
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'met',
        noted: false,
      });
      expect(world.events('action.completed').map((line) => line.details?.outcome)).toEqual(['met', 'met']);
    });

    it('records and starts nothing when the enrollment ended before the answer took the wait', async () => {
      // Prepare: the enrollment unenrolled while the record's answer was on its way (nothing noted on it any more)
      const world = parkedWorld({ ...ADA, status: 'replied' });
      world.noted = undefined;
      // Act
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      // Assess
      expect([world.continuations.length, world.history.length]).toEqual([0, 0]);
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'met',
        noted: false,
      });
    });

    it('starts nothing when the record leaves on the way along next, and still takes the note off', async () => {
      // Prepare: a date delay after the wait, on a record without the date
      const leaving = parse({
        ...nurture,
        actions: nurture.actions
          .map((action) => (action.id === 'listen' ? { ...action, next: 'until' } : action))
          .concat([
            {
              id: 'until',
              type: 'delayUntilDate',
              property: 'renewal',
              ifMissing: 'unenroll',
              next: 'greet',
            },
          ]),
      } as WorkflowDefinitionInput);
      const world = parkedWorld({ ...ADA, status: 'replied' });
      world.addWorkflow('wf-1', 1, leaving);
      // Act
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      // Assess
      expect(world.continuations).toEqual([]);
      expect(world.ended).toEqual([expect.objectContaining({ outcome: 'unenrolled' })]);
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'met',
        noted: false,
      });
    });

    it("a retried Task that finds its wait taken by the record, the answer's execution not noted, asks for it again", async () => {
      // Prepare: the first try parked, kept the wait and answered it, then its note failed (the timer still noted)
      const world = parkedWorld({ ...ADA, status: 'replied' });
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      world.noted = PARKED;
      // Act
      const retried = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess: the same successor of the timer again (started once by its name; see execution control), no timer
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([along, along]);
      expect(world.continuedFrom).toEqual([PARKED, PARKED]);
      expect(world.tokenAnswers.size).toBe(0);
    });

    it("a retried Task that finds its wait taken by the record, the answer's execution noted, asks nothing", async () => {
      // Prepare: answered and noted; the record changed since (travelling along next again would read it anew)
      const world = parkedWorld({ ...ADA, status: 'replied' });
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      world.properties('rec-1').status = 'new';
      // Act
      const retried = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([along]);
      expect(world.events('action.completed')).toHaveLength(1);
    });

    it('a retried Task that finds its wait taken by the timeout ends, parking and asking nothing', async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'replied' });
      world.parkedWaits.set('enr-1#listen', {
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'timedOut',
        noted: false,
      });
      // Act
      const retried = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect([world.continuations.length, world.tokenAnswers.size]).toEqual([0, 0]);
    });

    it('a retried Task that finds its wait kept and not taken parks nothing again and checks the record', async () => {
      // Prepare: the first try parked and kept the wait, then failed; the record meets the criteria by the retry
      const world = parkedWorld({ ...ADA, status: 'replied' });
      // Act
      const retried = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess: not answered through the token (the wait is parked), but through the execution along next
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([{ enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'greet' }]);
      expect(world.continuedFrom).toEqual([PARKED]);
      expect(world.tokenAnswers.size).toBe(0);
    });

    it('the timer goes on along timeoutNext when the timeout takes the wait, the same on a retried Task', async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'new' });
      // Act
      const next = await executeTask(timedOut(), world.ports());
      const retried = await executeTask(timedOut(), world.ports());
      // Assess
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
      expect(retried).toEqual(next);
      expect(world.events('action.completed')[0]?.details).toEqual({
        type: 'delayUntilEvent',
        outcome: 'timedOut',
      });
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'timedOut',
        noted: false,
      });
      // A reply now finds the wait taken
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      expect(world.continuations).toEqual([]);
    });

    it("the timer ends, recording nothing, when the record met the criteria first and the answer's execution is noted", async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'replied' });
      await answerParkedWait(ENROLLMENT, 'listen', timer, world.ports());
      // Act
      const running = executeTask(timedOut(), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([along]);
      expect(world.events('action.completed').map((line) => line.details?.outcome)).toEqual(['met']);
    });

    it('the timer goes on with the answer when the record met the criteria and its answer never started', async () => {
      // Prepare: the enrollment function took the wait for `met`, then failed for good before starting anything
      const world = parkedWorld({ ...ADA, status: 'replied' });
      world.parkedWaits.set('enr-1#listen', {
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'met',
        noted: true,
      });
      // Act
      const running = executeTask(timedOut(), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([along]);
      expect(world.continuedFrom).toEqual([PARKED]);
      expect(world.parkedWaits.get('enr-1#listen')?.noted).toBe(false);
    });

    it('a timer of an earlier run finds no wait of its own and ends, recording nothing', async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'new' });
      // Act
      const running = executeTask({ ...timedOut(), executionId: 'an-earlier-timer' }, world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect([world.history.length, world.continuations.length]).toEqual([0, 0]);
      expect(world.parkedWaits.get('enr-1#listen')?.claimedBy).toBeUndefined();
    });

    it("in a machine compiled before TimeoutWait, the timer's wait Task goes on along timeoutNext in a new execution", async () => {
      // Prepare
      const world = parkedWorld({ ...ADA, status: 'new' });
      // Act
      const running = executeTask(timedOut('waitForEvent'), world.ports());
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([{ enrollment: ENROLLMENT, runAt: NOW, resumeAt: 'alert' }]);
      expect(world.continuedFrom).toEqual([PARKED]);
      expect(world.events('action.completed')[0]?.details).toEqual({
        type: 'delayUntilEvent',
        outcome: 'timedOut',
      });
      expect(world.parkedWaits.get('enr-1#listen')).toMatchObject({ claimedBy: 'timedOut', noted: false });
      expect(world.tokenAnswers.size).toBe(0);
    });

    it('a retried Task that kept nothing yet goes through the parked wait even when met, never its token', async () => {
      // Prepare: an earlier attempt may have parked the timer before it failed
      const world = parkingWorld({ ...ADA, status: 'replied' });
      await world.ports().countAttempt('exec-1', 'listen');
      // Act
      const retried = executeTask(request('waitForEvent', 'listen', { taskToken: 'tok-1' }), world.ports());
      // Assess
      await expect(retried).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([
        { enrollment: ENROLLMENT, runAt: daysFromNow(3), resumeAt: 'listen', eventTimedOut: true },
        along,
      ]);
      expect(world.tokenAnswers.size).toBe(0);
    });

    it('a Task of a retried enrollment parks anew over the wait its earlier run kept', async () => {
      // Prepare: run 0 timed out at the wait (its claim kept), then the enrollment failed and was retried
      const world = parkedWorld({ ...ADA, status: 'new' });
      world.parkedWaits.set('enr-1#listen', {
        timer: PARKED,
        timesOutAt: daysFromNow(3),
        claimedBy: 'timedOut',
        noted: false,
      });
      const retry = { ...ENROLLMENT, retry: 1 };
      // Act
      const running = executeTask(
        request('waitForEvent', 'listen', { taskToken: 'tok-r1', state: { enrollment: retry } }),
        world.ports(),
      );
      // Assess
      await expect(running).rejects.toBeInstanceOf(WorkflowContinued);
      expect(world.continuations).toEqual([
        { enrollment: retry, runAt: daysFromNow(3), resumeAt: 'listen', eventTimedOut: true },
      ]);
      expect(world.parkedWaits.get('enr-1#listen')).toEqual({
        timer: 'arn:aws:states:eu-west-1:123456789012:execution:wf-1:continued-1',
        timesOutAt: daysFromNow(3),
        noted: true,
        retry: 1,
      });
    });
  });

  describe('eventMet', () => {
    it('records the awaited event and returns the state advanced along next', async () => {
      // Prepare
      const world = worldWith({ ...ADA, status: 'replied' });
      const state = { enrollment: ENROLLMENT, runAt: NOW };
      // Act
      const next = await eventMet(state, 'listen', { executionId: 'exec-1', startedAt: NOW }, world.ports());
      // Assess
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.completed',
          actionId: 'listen',
          details: { type: 'delayUntilEvent', outcome: 'met' },
        }),
      ]);
    });
  });

  describe('eventTimeout', () => {
    it('records the timeout and advances along timeoutNext', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const next = await executeTask(request('eventTimeout', 'listen'), world.ports());
      // Assess
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.completed',
          actionId: 'listen',
          details: { type: 'delayUntilEvent', outcome: 'timedOut' },
        }),
      ]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    });
  });

  describe('actionFailed', () => {
    it('records action.failed with the error and attempts, and goes on (onError: continue by default)', async () => {
      // Prepare: the email failed twice in this execution
      const world = worldWith();
      await world.ports().countAttempt('exec-1', 'greet');
      await world.ports().countAttempt('exec-1', 'greet');
      const error = { Error: 'Webhook.Rejected', Cause: 'the webhook answered 404' };
      // Act
      const next = await executeTask(request('actionFailed', 'greet', { state: { error } }), world.ports());
      // Assess
      expect(world.history).toEqual([
        expect.objectContaining({
          event: 'action.failed',
          actionId: 'greet',
          details: { error: 'Webhook.Rejected', cause: 'the webhook answered 404', attempts: 2 },
        }),
        expect.objectContaining({ event: 'completed' }),
      ]);
      expect(world.ended).toEqual([{ enrollment: ENROLLMENT, outcome: 'completed' }]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    });

    it('marks the enrollment failed at the action when its onError is stop', async () => {
      // Prepare
      const world = worldWith();
      const error = { Error: 'Action.Transient' };
      // Act
      const next = await executeTask(request('actionFailed', 'alert', { state: { error } }), world.ports());
      // Assess
      expect(world.ended).toEqual([
        { enrollment: ENROLLMENT, outcome: 'failed', actionId: 'alert', reason: 'Action.Transient' },
      ]);
      expect(world.events('action.failed')[0]?.details).toEqual({
        error: 'Action.Transient',
        cause: null,
        attempts: 0,
      });
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    });

    it.each(['route', 'listen'])(
      'stops the enrollment when %s (a branch or an event wait) fails',
      async (id) => {
        // Prepare
        const world = worldWith();
        // Act
        await executeTask(request('actionFailed', id), world.ports());
        // Assess
        expect(world.ended).toEqual([
          { enrollment: ENROLLMENT, outcome: 'failed', actionId: id, reason: 'Unknown' },
        ]);
      },
    );
  });

  describe('complete', () => {
    it('records completed and ends the enrollment', async () => {
      // Prepare
      const world = worldWith();
      // Act
      const next = await executeTask(request('complete', null), world.ports());
      // Assess
      expect(eventsOf(world)).toEqual([['completed', null]]);
      expect(world.ended).toEqual([{ enrollment: ENROLLMENT, outcome: 'completed' }]);
      expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    });
  });

  describe('a record that leaves', () => {
    it.each<[string, (world: InMemoryWorld) => void, string, string, Record<string, unknown>]>([
      [
        'meets the goal',
        (world) => {
          world.properties('rec-1').lifecyclestage = 'customer';
        },
        'goal_met',
        'goal_met',
        { event: 'goal.met', actionId: 'tag' },
      ],
      [
        'meets the unenrollment criteria',
        (world) => {
          world.properties('rec-1').leadstatus = 'bad';
        },
        'unenrollment_criteria',
        'unenrolled',
        { event: 'unenrolled', actionId: 'tag', reason: 'unenrollment_criteria' },
      ],
      [
        'is in a suppression list',
        (world) => world.addToList('do-not-contact', 'rec-1'),
        'suppressed',
        'unenrolled',
        { event: 'unenrolled', actionId: 'tag', reason: 'suppressed' },
      ],
      [
        'was deleted',
        (world) => world.records.delete('rec-1'),
        'record_deleted',
        'unenrolled',
        { event: 'unenrolled', reason: 'record_deleted' },
      ],
    ])(
      'throws Workflow.Exit with the history line when the record %s',
      async (_case, change, reason, outcome, line) => {
        // Prepare
        const world = worldWith();
        change(world);
        // Act
        const running = executeTask(request('action', 'tag'), world.ports());
        // Assess
        await expect(running).rejects.toBeInstanceOf(WorkflowExit);
        await expect(running).rejects.toMatchObject({ name: 'Workflow.Exit', reason });
        expect(world.history).toEqual([expect.objectContaining(line)]);
        expect(world.ended).toEqual([expect.objectContaining({ outcome })]);
        expect(world.records.get('rec-1')?.properties.leadstatus).not.toBe('open');
      },
    );

    it('unenrolls when a delay after the action needs a date the record lacks (ifMissing: unenroll)', async () => {
      // Prepare
      const renewal = parse({
        name: 'Renewal',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        startActionId: 'tag',
        actions: [
          { id: 'tag', type: 'addToList', listId: 'renewals', next: 'until' },
          {
            id: 'until',
            type: 'delayUntilDate',
            property: 'renewaldate',
            ifMissing: 'unenroll',
            next: 'note',
          },
          { id: 'note', type: 'sendNotification', message: 'Renewal', next: null },
        ],
      });
      const world = worldWith(ADA, renewal);
      // Act
      const running = executeTask(request('action', 'tag'), world.ports());
      // Assess
      await expect(running).rejects.toMatchObject({ name: 'Workflow.Exit', reason: 'date_missing' });
      expect(world.events('unenrolled')).toEqual([
        expect.objectContaining({ actionId: 'until', reason: 'date_missing' }),
      ]);
      expect(world.ended).toEqual([
        { enrollment: ENROLLMENT, outcome: 'unenrolled', reason: 'date_missing', actionId: 'until' },
      ]);
    });
  });
});

describe('executeTask reads', () => {
  /** The world's ports, with the reads of the record and of its lists counted. */
  const counted = (world: InMemoryWorld) => {
    const ports = world.ports();
    const reads = { record: 0, lists: 0 };
    return {
      reads,
      ports: {
        ...ports,
        record: (objectType: string, id: string) => {
          reads.record += 1;
          return ports.record(objectType, id);
        },
        lists: (objectType: string, id: string) => {
          reads.lists += 1;
          return ports.lists(objectType, id);
        },
      },
    };
  };

  /** mark (setProperty `renewaldate`) → `between` → note. */
  const markThenNote = (
    between: readonly Record<string, unknown>[],
    settings: Record<string, unknown> = {},
  ) =>
    parse({
      name: 'Mark',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'mark',
      actions: [
        {
          id: 'mark',
          type: 'setProperty',
          property: 'renewaldate',
          value: '2026-12-10',
          next: between[0]?.id ?? 'note',
        },
        ...between,
        { id: 'note', type: 'sendNotification', message: 'Renewal', next: null },
      ] as WorkflowDefinitionInput['actions'],
      settings,
    });

  it('reads the record once and not its lists when nothing the Task checks names a list', async () => {
    // Prepare
    const world = worldWith(ADA, markThenNote([]));
    const { ports, reads } = counted(world);
    // Act
    const next = await executeTask(request('action', 'mark'), ports);
    // Assess
    expect(world.properties('rec-1').renewaldate).toBe('2026-12-10');
    expect(next).toEqual({ enrollment: ENROLLMENT, runAt: NOW });
    expect(reads).toEqual({ record: 1, lists: 0 });
  });

  it.each([
    ['a suppression list', markThenNote([], { suppressionLists: ['do-not-contact'] })],
    [
      'a list filter in the unenrollment criteria',
      markThenNote([], {
        unenrollmentCriteria: [{ filters: [{ operator: 'inList', listId: 'do-not-contact' }] }],
      }),
    ],
  ])('reads the lists when the workflow checks %s', async (_case, workflow) => {
    // Prepare
    const world = worldWith(ADA, workflow);
    world.addToList('do-not-contact', 'rec-1');
    const { ports, reads } = counted(world);
    // Act
    const running = executeTask(request('action', 'mark'), ports);
    // Assess
    await expect(running).rejects.toMatchObject({ name: 'Workflow.Exit' });
    expect(reads.lists).toBe(1);
  });

  it('reads the record again after the action when a delay on the way reads its values', async () => {
    // Prepare
    const until = { id: 'until', type: 'delayUntilDate', property: 'renewaldate', next: 'note' };
    const world = worldWith(ADA, markThenNote([until]));
    const { ports, reads } = counted(world);
    // Act
    const next = await executeTask(request('action', 'mark'), ports);
    // Assess: the delay waits until the date the action wrote.
    expect(next).toEqual({ enrollment: ENROLLMENT, runAt: '2026-12-10T00:00:00.000Z' });
    expect(reads.record).toBe(2);
  });

  it('does not read the record again when the delays on the way read none of its values', async () => {
    // Prepare
    const pause = { id: 'pause', type: 'delay', duration: 'P2D', next: 'note' };
    const world = worldWith(ADA, markThenNote([pause]));
    const { ports, reads } = counted(world);
    // Act
    const next = await executeTask(request('action', 'mark'), ports);
    // Assess
    expect(next).toEqual({ enrollment: ENROLLMENT, runAt: daysFromNow(2) });
    expect(reads.record).toBe(1);
  });
});
