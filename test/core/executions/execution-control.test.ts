import { describe, expect, it } from 'vitest';
import type { ExecutionState } from '../../../shared/core/contract/task-contract.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import type { CurrentEnrollment, Enrollment } from '../../../shared/core/enrollment/enrollment-repository.ts';
import {
  createExecutionControl,
  type RegisteredEventWait,
} from '../../../shared/core/executions/execution-control.ts';
import {
  executionArnOf,
  type StartExecutionRequest,
  standsAfter,
} from '../../../shared/core/executions/executions.ts';
import type { ParkedExecution } from '../../../shared/core/executions/parked-executions.ts';
import { DEFAULT_RESUME_CONCURRENCY } from '../../../shared/core/executions/resume-parked.ts';
import type { ExecutorPorts } from '../../../shared/core/executor/ports.ts';
import type { WorkflowDefinition } from '../../../shared/core/workflow/workflow.schema.ts';
import { WorkflowDefinitionSchema } from '../../../shared/core/workflow/workflow.schema.ts';

const DAY = 86_400_000;
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:crm-wf-wf_1-r1';

const workflow: WorkflowDefinition = WorkflowDefinitionSchema.parse({
  name: 'Nurture',
  objectType: 'contacts',
  enrollment: { trigger: 'manual' },
  startActionId: 'wait',
  actions: [
    { id: 'wait', type: 'delay', duration: 'P7D', next: 'tag' },
    { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: null },
  ],
});

/** Step Functions, the parked store and the enrollment state in memory, behind the control's ports. */
const world = (options: { parkAfterMs?: number; wait?: RegisteredEventWait } = {}) => {
  const claims: string[] = [];
  let now = new Date('2027-01-04T09:00:00.000Z');
  const started: StartExecutionRequest[] = [];
  const names = new Set<string>();
  const stopped: string[] = [];
  const parked = new Map<string, ParkedExecution>();
  const enrollment: Enrollment = {
    id: 'enr_1',
    workflowId: 'wf_1',
    revision: 1,
    objectType: 'contacts',
    recordId: 'c_1',
    count: 1,
    status: 'active',
    enrolledBecause: 'manual',
    enrolledAt: now.toISOString(),
  };
  const state: { current: CurrentEnrollment } = {
    current: {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId: 'c_1',
      count: 1,
      latest: enrollment,
      waitingActionIds: [],
    },
  };
  const history: string[] = [];
  /** Runs before each start: a fault, or what the new execution does before the start returns. */
  const hooks: {
    beforeStart?: (request: StartExecutionRequest) => Promise<void>;
    beforePark?: () => void;
    beforeNote?: () => void;
  } = {};
  const control = createExecutionControl({
    clock: { now: () => now },
    executions: {
      start: async (request) => {
        await hooks.beforeStart?.(request);
        const executionArn = executionArnOf(request.stateMachineArn, request.name);
        if (names.has(request.name)) return { executionArn, alreadyStarted: true };
        names.add(request.name);
        started.push(request);
        return { executionArn, alreadyStarted: false };
      },
      stop: async (executionArn) => void stopped.push(executionArn),
      sendTaskSuccess: async () => undefined,
    },
    stateMachines: { arnOf: async () => SM },
    enrollments: {
      current: async () => state.current,
      setExecution: async (ref, executionArn, expected) => {
        hooks.beforeNote?.();
        const { latest } = state.current;
        if (latest.id !== ref.enrollmentId || latest.status !== 'active') return false;
        if (expected !== undefined && (state.current.executionArn ?? null) !== expected) return false;
        state.current = { ...state.current, executionArn };
        return true;
      },
    },
    executor: () =>
      ({
        now: () => now,
        workflow: async () => workflow,
        record: async () => ({ email: 'ada@example.com' }),
        history: async (line: { event: string; actionId?: string }) =>
          void history.push(`${line.event}:${line.actionId ?? ''}`),
        endEnrollment: async () => undefined,
        claimEventWait: async (_enrollment: unknown, actionId: string) => {
          claims.push(actionId);
          return 'gone';
        },
      }) as unknown as ExecutorPorts,
    eventWaits: { find: async () => options.wait, forget: async () => undefined },
    ...(options.parkAfterMs === undefined
      ? {}
      : {
          parking: {
            afterMs: options.parkAfterMs,
            executions: {
              park: async (execution) => {
                hooks.beforePark?.();
                const id = execution.input.enrollment.enrollmentId;
                if (standsAfter(parked.get(id)?.name, execution.name, id)) return false;
                parked.set(id, execution);
                return true;
              },
              cancel: async (enrollmentId, name) => {
                if (name === undefined || parked.get(enrollmentId)?.name === name)
                  parked.delete(enrollmentId);
              },
              due: async (at, limit) =>
                [...parked.values()]
                  .filter((execution) => execution.dueAt <= at)
                  .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
                  .slice(0, limit),
            },
          },
        }),
  });
  return {
    control,
    hooks,
    enrollment,
    started,
    stopped,
    parked,
    history,
    claims,
    state,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
};

describe('execution control', () => {
  it('starts the first execution named by the enrollment, at the first action instant', async () => {
    const w = world();
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    expect(w.started).toHaveLength(1);
    expect(w.started[0]).toMatchObject({ stateMachineArn: SM, name: 'enr_1' });
    expect(w.started[0]?.input.runAt).toBe('2027-01-11T09:00:00.000Z');
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1'));
    expect(w.history).toEqual(['action.scheduled:tag']);
  });

  it('parks an execution whose first step is beyond the threshold, and starts it once when due', async () => {
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    expect(w.started).toEqual([]);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1', dueAt: '2027-01-11T09:00:00.000Z' });

    w.advance(6 * DAY);
    expect(await w.control.resumeParked(100)).toEqual({ due: 0, started: 0, throttled: false });
    w.advance(DAY);
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
    expect(w.parked.size).toBe(0);
    expect(await w.control.resumeParked(100)).toEqual({ due: 0, started: 0, throttled: false });
    expect(w.started).toHaveLength(1);
  });

  it('leaves a parked execution parked when Step Functions refuses its start for now, and starts it on the next try', async () => {
    // Prepare
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.advance(7 * DAY);
    w.hooks.beforeStart = async () => {
      w.hooks.beforeStart = undefined;
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };

    // Act
    const throttled = await w.control.resumeParked(100);

    // Assess
    expect(throttled).toEqual({ due: 1, started: 0, throttled: true });
    expect(w.started).toEqual([]);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1' });
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
    expect(w.parked.size).toBe(0);
  });

  it('parks a first start Step Functions refuses for now, due at its first step, and the resumer starts it once', async () => {
    // Prepare: a threshold beyond the 7-day delay, so the execution is started, and a throttled start.
    const w = world({ parkAfterMs: 30 * DAY });
    w.hooks.beforeStart = async () => {
      w.hooks.beforeStart = undefined;
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };

    // Act
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);

    // Assess: parked under the execution's own name, noted on the enrollment, started when due and only then.
    expect(w.started).toEqual([]);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1', dueAt: '2027-01-11T09:00:00.000Z' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1'));
    expect(await w.control.resumeParked(100)).toEqual({ due: 0, started: 0, throttled: false });
    w.advance(7 * DAY);
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
    expect(w.parked.size).toBe(0);
  });

  it('fails a first start refused for good, or refused for now without parking, and parks nothing', async () => {
    const refusedForGood = world({ parkAfterMs: 30 * DAY });
    refusedForGood.hooks.beforeStart = async () => {
      throw new Error('StateMachineDoesNotExist');
    };
    await expect(
      refusedForGood.control.ports.startExecution?.(refusedForGood.enrollment, {} as never, false),
    ).rejects.toThrow('StateMachineDoesNotExist');
    expect(refusedForGood.parked.size).toBe(0);
    expect(refusedForGood.state.current.executionArn).toBeUndefined();

    const withoutParking = world();
    withoutParking.hooks.beforeStart = async () => {
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };
    await expect(
      withoutParking.control.ports.startExecution?.(withoutParking.enrollment, {} as never, false),
    ).rejects.toThrow(ActionTransient);
    expect(withoutParking.state.current.executionArn).toBeUndefined();
  });

  it('launches a replayed start whose enrollment notes no execution yet (the first call stopped before it)', async () => {
    const w = world();
    await w.control.ports.startExecution?.(w.enrollment, {} as never, true);
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1'));
  });

  it('does nothing on a replayed start once the enrollment notes one of its executions, even a later one', async () => {
    // Prepare: the first execution parked, resumed a week later, continued as new into a parked successor; then
    // Step Functions refusing starts.
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.advance(7 * DAY);
    await w.control.resumeParked(100);
    await w.control.continueAsNew(
      { ...w.started[0]!.input, runAt: '2027-01-25T09:00:00.000Z', resumeAt: 'tag' },
      { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-11T09:00:00.000Z' },
    );
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1' });
    w.hooks.beforeStart = async () => {
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };

    // Act: the enrollment's trigger delivered again.
    await w.control.ports.startExecution?.(w.enrollment, {} as never, true);

    // Assess: the successor stays parked and noted; nothing was started or parked for the first execution.
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1', dueAt: '2027-01-25T09:00:00.000Z' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c1'));
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
  });

  it('keeps the successor a resumed execution parked before its own timer was forgotten', async () => {
    // Prepare: the started execution's first Task continues as new before the start returns.
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.advance(7 * DAY);
    w.hooks.beforeStart = async (request) => {
      const runAt = '2027-01-18T09:00:00.000Z';
      await w.control.continueAsNew(
        { ...request.input, runAt, resumeAt: 'tag' },
        { executionId: executionArnOf(SM, request.name), startedAt: '2027-01-11T09:00:00.000Z' },
      );
    };

    // Act
    await w.control.resumeParked(100);

    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1']);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1', dueAt: '2027-01-18T09:00:00.000Z' });
  });

  it('parks a continue-as-new Step Functions refuses for now, due at its next step, instead of failing the Task', async () => {
    // Prepare: a threshold beyond the delays, the first execution started, then refused starts.
    const w = world({ parkAfterMs: 30 * DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.hooks.beforeStart = async () => {
      throw new ActionTransient('StartExecution refused for now: ExecutionLimitExceeded: open executions');
    };

    // Act: the first execution's Task continues as new.
    await w.control.continueAsNew(
      { ...w.started[0]!.input, runAt: '2027-01-12T09:00:00.000Z', resumeAt: 'tag' },
      { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' },
    );

    // Assess: the successor parked under its own name and noted; the resumer starts it when due.
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1', dueAt: '2027-01-12T09:00:00.000Z' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c1'));
    w.hooks.beforeStart = undefined;
    w.advance(8 * DAY);
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started.map((start) => start.name)).toEqual(['enr_1', 'enr_1-c1']);
  });

  it('starts what falls due within the look-ahead: its own Wait ends on time', async () => {
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.advance(7 * DAY - 30_000);
    expect(await w.control.resumeParked(100)).toMatchObject({ due: 0 });
    expect(await w.control.resumeParked(100, 60_000)).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started[0]?.input.runAt).toBe('2027-01-11T09:00:00.000Z');
  });

  it('forgets a parked execution when the enrollment is stopped, and never starts it', async () => {
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    await w.control.ports.stopExecution?.(
      { workflowId: 'wf_1', revision: 1, enrollmentId: 'enr_1', objectType: 'contacts', recordId: 'c_1' },
      'goal_met',
    );
    w.advance(30 * DAY);
    expect(await w.control.resumeParked(100)).toMatchObject({ due: 0 });
    expect(w.started).toEqual([]);
    expect(w.stopped).toEqual([executionArnOf(SM, 'enr_1')]);
  });

  it('drops a due parked execution whose enrollment has ended meanwhile', async () => {
    const w = world({ parkAfterMs: DAY });
    await w.control.ports.startExecution?.(w.enrollment, {} as never, false);
    w.state.current = { ...w.state.current, latest: { ...w.enrollment, status: 'unenrolled' } };
    w.advance(8 * DAY);
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 0, throttled: false });
    expect(w.started).toEqual([]);
    expect(w.parked.size).toBe(0);
  });

  it('continues as new once per calling execution: a retried Task starts nothing more', async () => {
    const w = world();
    const input = continuation;
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2026-01-08T09:00:00.000Z' };
    await w.control.continueAsNew(input, from);
    await w.control.continueAsNew(input, from);
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c1'));
  });

  it('asked again for a successor the enrollment has moved past, launches nothing and keeps the note', async () => {
    // Prepare: c1 started from the first execution, then c1 parked its own successor c2
    const w = world({ parkAfterMs: DAY });
    const input: ExecutionState = { ...continuation, runAt: '2027-01-04T09:00:00.000Z' };
    const first = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    await w.control.continueAsNew(input, first);
    const later = { ...continuation, runAt: '2027-01-14T09:00:00.000Z' };
    await w.control.continueAsNew(later, {
      executionId: executionArnOf(SM, 'enr_1-c1'),
      startedAt: input.runAt,
    });
    // Act: the first execution's successor asked for again (a repeated answer, a late retry)
    const arn = await w.control.continueAsNew(input, first);
    // Assess
    expect(arn).toBe(executionArnOf(SM, 'enr_1-c1'));
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c2' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c2'));
  });

  it('answers a parked wait of the run the enrollment is in, and leaves alone one an earlier run kept', async () => {
    const parkedBy = (retry?: number): RegisteredEventWait => ({
      executionId: executionArnOf(SM, 'enr_1-c1'),
      startedAt: '2027-01-04T09:00:00.000Z',
      ...(retry === undefined ? {} : { retry }),
    });
    const retried = (w: ReturnType<typeof world>) => {
      w.state.current = {
        ...w.state.current,
        latest: { ...w.enrollment, retries: 1 },
        executionArn: executionArnOf(SM, 'enr_1-c1'),
      };
    };
    const target = {
      workflowId: 'wf_1',
      revision: 1,
      enrollmentId: 'enr_1',
      objectType: 'contacts' as const,
    };
    const answer = { ...target, recordId: 'c_1', actionId: 'listen' };
    const earlier = world({ parkAfterMs: DAY, wait: parkedBy() });
    retried(earlier);
    const own = world({ parkAfterMs: DAY, wait: parkedBy(1) });
    retried(own);
    const answered = world({ parkAfterMs: DAY, wait: parkedBy(1) });
    retried(answered);
    answered.state.current = { ...answered.state.current, executionArn: executionArnOf(SM, 'enr_1-c2') };
    await earlier.control.ports.answerEventWait?.(answer);
    await own.control.ports.answerEventWait?.(answer);
    await answered.control.ports.answerEventWait?.(answer);
    expect(earlier.claims).toEqual([]);
    expect(own.claims).toEqual(['listen']);
    // Once the answer's execution is noted, a later change asks nothing
    expect(answered.claims).toEqual([]);
  });

  it('leaves the note and what was launched when a launch that raced it noted the same execution first', async () => {
    // Prepare: two answers at once ask for the same successor; the other one notes it while this one parks it
    const w = world({ parkAfterMs: DAY });
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    const later = { ...continuation, runAt: '2027-01-14T09:00:00.000Z' };
    w.hooks.beforePark = () => {
      w.hooks.beforePark = undefined;
      w.state.current = { ...w.state.current, executionArn: executionArnOf(SM, 'enr_1-c1') };
    };
    // Act
    await w.control.continueAsNew(later, from);
    // Assess: parked and noted, nothing forgotten
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c1'));
  });

  it('leaves a later note alone when the first start notes after its execution continued as new', async () => {
    // Prepare: the first execution continues as new (parking c1) before its start is noted (a threshold of a month
    // keeps the first start from parking)
    const v = world({ parkAfterMs: 30 * DAY });
    v.hooks.beforeStart = async (request) => {
      v.hooks.beforeStart = undefined;
      await v.control.continueAsNew(
        { ...request.input, runAt: '2027-03-20T09:00:00.000Z', resumeAt: 'tag' },
        { executionId: executionArnOf(SM, request.name), startedAt: '2027-01-04T09:00:00.000Z' },
      );
    };
    // Act
    await v.control.ports.startExecution?.(v.enrollment, {} as never, false);
    // Assess: the successor stays noted and parked; the first execution is not stopped
    expect(v.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c1'));
    expect(v.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c1' });
    expect(v.stopped).toEqual([]);
  });

  it('does not take the note back when the enrollment moved on while a repeated successor was asked for', async () => {
    // Prepare: c1 started and noted; asked for again, and while that start is answered, c1 parks its successor c2
    const w = world({ parkAfterMs: DAY });
    const first = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    await w.control.continueAsNew(continuation, first);
    w.hooks.beforeStart = async () => {
      w.hooks.beforeStart = undefined;
      await w.control.continueAsNew(
        { ...continuation, runAt: '2027-01-14T09:00:00.000Z' },
        { executionId: executionArnOf(SM, 'enr_1-c1'), startedAt: continuation.runAt },
      );
    };
    // Act
    await w.control.continueAsNew(continuation, first);
    // Assess: c1 left running (it is not this call's to stop), c2 parked and still noted
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
    expect(w.stopped).toEqual([]);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c2' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c2'));
  });

  it('a repeated retry leaves the note on the execution the retry moved on to', async () => {
    // Prepare: the failed enrollment retried at `tag`; its -r1 execution continued as new into a parked -r1-c1
    const w = world({ parkAfterMs: DAY });
    const retried = { ...w.enrollment, retries: 1 };
    w.state.current = { ...w.state.current, latest: retried };
    await w.control.ports.retryExecution?.(retried, 'tag');
    await w.control.continueAsNew(
      {
        ...continuation,
        enrollment: { ...continuation.enrollment, retry: 1 },
        runAt: '2027-01-20T09:00:00.000Z',
      },
      { executionId: executionArnOf(SM, 'enr_1-r1'), startedAt: '2027-01-04T09:00:00.000Z' },
    );
    // Act: the same retry asked for again (an HTTP retry of POST /retry)
    await w.control.ports.retryExecution?.(retried, 'tag');
    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-r1']);
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-r1-c1'));
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-r1-c1' });
  });

  it("stops the retry's execution when the enrollment is unenrolled before it is noted", async () => {
    // Prepare: the failed enrollment retried at `tag`, and unenrolled while Step Functions answers the retry's start
    // (the unenrollment's stop found the failed execution noted)
    const w = world();
    const retried = { ...w.enrollment, retries: 1 };
    w.state.current = { ...w.state.current, latest: retried, executionArn: executionArnOf(SM, 'enr_1') };
    w.hooks.beforeStart = async () => {
      w.hooks.beforeStart = undefined;
      w.state.current = { ...w.state.current, latest: { ...retried, status: 'unenrolled' } };
    };
    // Act
    await w.control.ports.retryExecution?.(retried, 'tag');
    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-r1']);
    expect(w.stopped).toEqual([executionArnOf(SM, 'enr_1-r1')]);
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1'));
  });

  it("leaves the retry's execution running when a repeated retry finds the enrollment ended", async () => {
    // Prepare: the retry's execution started and noted, then ran to the end of the workflow (completed)
    const w = world();
    const retried = { ...w.enrollment, retries: 1 };
    w.state.current = { ...w.state.current, latest: retried };
    await w.control.ports.retryExecution?.(retried, 'tag');
    w.state.current = { ...w.state.current, latest: { ...retried, status: 'completed' } };
    // Act: the same retry asked for again (an HTTP retry of POST /retry)
    await w.control.ports.retryExecution?.(retried, 'tag');
    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-r1']);
    expect(w.stopped).toEqual([]);
  });

  it('a late launch of an earlier successor parks nothing over a later one, and notes nothing', async () => {
    // Prepare: c2 parked and noted; a repeated ask for c1 that read the note before c1 moved on
    const w = world({ parkAfterMs: DAY });
    const first = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    w.hooks.beforePark = () => {
      w.hooks.beforePark = undefined;
      const c2 = { ...continuation, runAt: '2027-01-25T09:00:00.000Z' };
      w.parked.set('enr_1', { name: 'enr_1-c2', stateMachineArn: SM, input: c2, dueAt: c2.runAt });
      w.state.current = { ...w.state.current, executionArn: executionArnOf(SM, 'enr_1-c2') };
    };
    // Act
    await w.control.continueAsNew({ ...continuation, runAt: '2027-01-18T09:00:00.000Z' }, first);
    // Assess
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1-c2' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1-c2'));
  });

  it('stops what a repeated launch started as the enrollment ended', async () => {
    // Prepare: c1 parked (refused for now) and noted; asked for again, and unenrolled while that start is answered
    const w = world({ parkAfterMs: 30 * DAY });
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    w.hooks.beforeStart = async () => {
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };
    await w.control.continueAsNew(continuation, from);
    w.hooks.beforeStart = async () => {
      w.hooks.beforeStart = undefined;
      w.state.current = { ...w.state.current, latest: { ...w.enrollment, status: 'unenrolled' } };
    };
    // Act
    await w.control.continueAsNew(continuation, from);
    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
    expect(w.stopped).toEqual([executionArnOf(SM, 'enr_1-c1')]);
  });

  it('parks an execution once it is noted: a resumer run in between finds nothing to drop', async () => {
    // Prepare: a refused start parked due at once; the resumer runs between its note and its park
    const w = world({ parkAfterMs: 30 * DAY });
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    w.hooks.beforeStart = async () => {
      throw new ActionTransient('StartExecution refused for now: ThrottlingException: Rate exceeded');
    };
    let between: unknown;
    w.hooks.beforePark = () => {
      w.hooks.beforePark = undefined;
      between = { noted: w.state.current.executionArn, parked: w.parked.size };
    };
    // Act
    await w.control.continueAsNew(continuation, from);
    w.hooks.beforeStart = undefined;
    const resumed = await w.control.resumeParked(100);
    // Assess: noted before it was parked; started when the resumer came
    expect(between).toEqual({ noted: executionArnOf(SM, 'enr_1-c1'), parked: 0 });
    expect(resumed).toEqual({ due: 1, started: 1, throttled: false });
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
  });

  it('parks the first execution again on a replay when its launch noted it and stopped before the park', async () => {
    // Prepare: the first start noted, its park lost (the launch stopped in between)
    const w = world({ parkAfterMs: DAY });
    w.hooks.beforePark = () => {
      w.hooks.beforePark = undefined;
      throw new Error('the process died');
    };
    await expect(w.control.ports.startExecution?.(w.enrollment, {} as never, false)).rejects.toThrow('died');
    const lost = w.parked.size;
    // Act: the trigger delivered again
    await w.control.ports.startExecution?.(w.enrollment, {} as never, true);
    // Assess
    expect(lost).toBe(0);
    expect(w.parked.get('enr_1')).toMatchObject({ name: 'enr_1', dueAt: '2027-01-11T09:00:00.000Z' });
    expect(w.state.current.executionArn).toBe(executionArnOf(SM, 'enr_1'));
  });

  it('drops a parked execution the enrollment moved past', async () => {
    const w = world({ parkAfterMs: DAY });
    w.state.current = { ...w.state.current, executionArn: executionArnOf(SM, 'enr_1-c3') };
    w.parked.set('enr_1', {
      name: 'enr_1-c2',
      stateMachineArn: SM,
      input: continuation,
      dueAt: continuation.runAt,
    });
    expect(await w.control.resumeParked(100)).toEqual({ due: 1, started: 0, throttled: false });
    expect([w.started.length, w.parked.size]).toEqual([0, 0]);
  });

  it('launches nothing for an enrollment that has ended', async () => {
    const w = world({ parkAfterMs: DAY });
    w.state.current = { ...w.state.current, latest: { ...w.enrollment, status: 'unenrolled' } };
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    await w.control.continueAsNew({ ...continuation, runAt: '2027-01-04T09:00:00.000Z' }, from);
    await w.control.continueAsNew({ ...continuation, runAt: '2027-01-11T09:00:00.000Z' }, from);
    expect([w.started.length, w.parked.size, w.stopped.length]).toEqual([0, 0, 0]);
  });

  it('undoes a successor launched while the enrollment ended: the started one stopped, the parked one never parked', async () => {
    // Prepare: the enrollment unenrolled while its Task was handing over (after the successor was checked)
    const w = world({ parkAfterMs: DAY });
    const unenroll = async () => {
      w.state.current = { ...w.state.current, latest: { ...w.enrollment, status: 'unenrolled' } };
    };
    w.hooks.beforeStart = unenroll;
    const from = { executionId: executionArnOf(SM, 'enr_1'), startedAt: '2027-01-04T09:00:00.000Z' };
    // Act: a successor due now (started)
    await w.control.continueAsNew({ ...continuation, runAt: '2027-01-04T09:00:00.000Z' }, from);
    // and, the enrollment active again (a second world), one due in a week (parked)
    const v = world({ parkAfterMs: DAY });
    v.hooks.beforeNote = () => {
      v.hooks.beforeNote = undefined;
      v.state.current = { ...v.state.current, latest: { ...v.enrollment, status: 'unenrolled' } };
    };
    await v.control.continueAsNew({ ...continuation, runAt: '2027-01-11T09:00:00.000Z' }, from);
    // Assess
    expect(w.started.map((start) => start.name)).toEqual(['enr_1-c1']);
    expect(w.stopped).toEqual([executionArnOf(SM, 'enr_1-c1')]);
    expect(w.state.current.executionArn).toBeUndefined();
    expect(v.parked.size).toBe(0);
    expect(v.state.current.executionArn).toBeUndefined();
  });
});

const continuation: ExecutionState = {
  enrollment: {
    workflowId: 'wf_1',
    revision: 1,
    enrollmentId: 'enr_1',
    recordId: 'c_1',
    objectType: 'contacts',
  },
  runAt: '2027-01-04T09:00:00.000Z',
  resumeAt: 'tag',
};

/** 30 enrollments parked, due at once, over Step Functions whose starts are answered one tick later (or refused). */
const parkedMany = (options: {
  count: number;
  refuse?: (index: number) => boolean;
  concurrency?: number;
}) => {
  const now = new Date('2027-01-11T09:00:00.000Z');
  const parked = new Map<string, ParkedExecution>();
  const currents = new Map<string, CurrentEnrollment>();
  for (let index = 0; index < options.count; index += 1) {
    const id = `enr_${String(index).padStart(2, '0')}`;
    const enrollment: Enrollment = {
      id,
      workflowId: 'wf_1',
      revision: 1,
      objectType: 'contacts',
      recordId: `c_${index}`,
      count: 1,
      status: 'active',
      enrolledBecause: 'manual',
      enrolledAt: '2027-01-04T09:00:00.000Z',
    };
    const ref = {
      workflowId: 'wf_1',
      revision: 1,
      enrollmentId: id,
      recordId: `c_${index}`,
      objectType: 'contacts',
    };
    parked.set(id, {
      name: id,
      stateMachineArn: SM,
      dueAt: '2027-01-11T09:00:00.000Z',
      input: { enrollment: ref, runAt: '2027-01-11T09:00:00.000Z' },
    });
    currents.set(`c_${index}`, {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId: `c_${index}`,
      count: 1,
      latest: enrollment,
      waitingActionIds: [],
      executionArn: executionArnOf(SM, id),
    });
  }
  const calls: string[] = [];
  const flight = { now: 0, most: 0 };
  const control = createExecutionControl({
    clock: { now: () => now },
    executions: {
      start: async (request) => {
        const index = calls.push(request.name) - 1;
        flight.now += 1;
        flight.most = Math.max(flight.most, flight.now);
        await new Promise((resolve) => setImmediate(resolve));
        flight.now -= 1;
        if (options.refuse?.(index))
          throw new ActionTransient('StartExecution refused for now: ThrottlingException');
        return { executionArn: executionArnOf(request.stateMachineArn, request.name), alreadyStarted: false };
      },
      stop: async () => undefined,
      sendTaskSuccess: async () => undefined,
    },
    stateMachines: { arnOf: async () => SM },
    enrollments: {
      current: async (_workflowId, _objectType, recordId) => currents.get(recordId),
      setExecution: async () => true,
    },
    executor: () => {
      throw new Error('resuming parked executions needs no executor');
    },
    eventWaits: { find: async () => undefined, forget: async () => undefined },
    parking: {
      afterMs: DAY,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      executions: {
        park: async (execution) => {
          parked.set(execution.input.enrollment.enrollmentId, execution);
          return true;
        },
        cancel: async (enrollmentId, name) => {
          if (name === undefined || parked.get(enrollmentId)?.name === name) parked.delete(enrollmentId);
        },
        due: async (at, limit) =>
          [...parked.values()]
            .filter((execution) => execution.dueAt <= at)
            .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.name.localeCompare(b.name))
            .slice(0, limit),
      },
    },
  });
  return { control, parked, calls, flight };
};

describe('resuming a batch of parked executions', () => {
  it(`keeps ${DEFAULT_RESUME_CONCURRENCY} starts in flight at most, several at once, and starts each due execution once`, async () => {
    const w = parkedMany({ count: 30 });
    expect(await w.control.resumeParked(25)).toEqual({ due: 25, started: 25, throttled: false });
    expect(w.flight.most).toBe(DEFAULT_RESUME_CONCURRENCY);
    expect(new Set(w.calls).size).toBe(25);
    expect([...w.parked.keys()].sort()).toEqual(['enr_25', 'enr_26', 'enr_27', 'enr_28', 'enr_29']);
  });

  it('takes no further start once one is refused for now: the refused one and those not taken stay parked', async () => {
    // The 13th start is refused; the 10 in flight with it finish, nothing after them is tried.
    const w = parkedMany({ count: 30, refuse: (index) => index === 12 });
    const batch = await w.control.resumeParked(30);
    expect(batch.throttled).toBe(true);
    expect(batch.due).toBe(30);
    expect(w.calls.length).toBeLessThanOrEqual(12 + DEFAULT_RESUME_CONCURRENCY);
    expect(batch.started).toBe(w.calls.length - 1);
    expect(w.parked.size).toBe(30 - batch.started);
    expect(w.parked.has(w.calls[12] as string)).toBe(true);
    for (const name of w.calls.filter((_, index) => index !== 12)) expect(w.parked.has(name)).toBe(false);
  });

  it('starts one at a time with a concurrency of 1', async () => {
    const w = parkedMany({ count: 5, concurrency: 1 });
    expect(await w.control.resumeParked(5)).toEqual({ due: 5, started: 5, throttled: false });
    expect(w.flight.most).toBe(1);
    expect(w.calls).toEqual(['enr_00', 'enr_01', 'enr_02', 'enr_03', 'enr_04']);
  });
});
