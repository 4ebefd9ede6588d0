import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition, TaskState } from '../../../shared/core/compiler/asl.types.ts';
import { CompileError } from '../../../shared/core/compiler/compile-error.ts';
import { compileWorkflow, MAX_DEFINITION_BYTES } from '../../../shared/core/compiler/compile-workflow.ts';
import { MAX_HISTORY_EVENTS, worstCaseHistoryEvents } from '../../../shared/core/compiler/history-bound.ts';
import { WEBHOOK_RETRY } from '../../../shared/core/compiler/retry-policies.ts';
import { timeoutSeconds } from '../../../shared/core/contract/step-functions-limits.ts';
import {
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import {
  everyActionType,
  GOLDEN,
  nurtureFrenchLeads,
  renewalReminders,
  waitForReply,
} from '../../fixtures/compiler-workflows.ts';
import { aslProblems } from '../../helpers/asl-checks.ts';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor';
const compile = (workflow: Parameters<typeof compileWorkflow>[0]) =>
  compileWorkflow(workflow, { actionFunctionArn: ARN });
const task = (definition: StateMachineDefinition, name: string) => definition.States[name] as TaskState;

const linear = (
  count: number,
  make: (index: number) => Record<string, unknown>,
  idOf = (i: number) => `a${i}`,
) =>
  WorkflowDefinitionSchema.parse({
    name: 'Long',
    objectType: 'contacts',
    enrollment: { trigger: 'manual' },
    startActionId: idOf(0),
    actions: Array.from({ length: count }, (_, i) => {
      const action: Record<string, unknown> = { id: idOf(i), ...make(i) };
      return action.type === 'valueBranch' ? action : { ...action, next: i + 1 < count ? idOf(i + 1) : null };
    }),
  } as WorkflowDefinitionInput);

describe('compileWorkflow', () => {
  it.each(Object.entries(GOLDEN))(
    'emits valid ASL for %s (asl-validator and statelint)',
    (_name, workflow) => {
      // Act
      const definition = compile(workflow);
      // Assess
      expect(aslProblems(definition)).toEqual([]);
    },
  );

  // The golden files are vitest file snapshots: after a deliberate change to the compiled ASL, run
  // `npx vitest run test/core/compiler/compile-workflow.test.ts -u` and review the diff of test/fixtures/asl/.
  it.each(Object.entries(GOLDEN))('matches the golden file of %s', async (name, workflow) => {
    // Act
    const asl = compileWorkflow(workflow, { actionFunctionArn: ARN, workflowId: name, revision: 1 });
    // Assess
    await expect(`${JSON.stringify(asl, null, 2)}\n`).toMatchFileSnapshot(`../../fixtures/asl/${name}.json`);
  });

  it('folds a delay into the instant of the next action: no state of its own', () => {
    const definition = compile(nurtureFrenchLeads);
    expect(Object.keys(definition.States).filter((name) => name.endsWith(':a2'))).toEqual([]);
    expect(task(definition, 'Run:a1').Next).toBe('Wait:a3');
  });

  it('waits before every action that runs, with the instant the previous step computed', () => {
    const definition = compile(nurtureFrenchLeads);
    for (const id of ['a1', 'a3', 'a4', 'a5']) {
      expect(definition.States[`Wait:${id}`]).toEqual({
        Type: 'Wait',
        TimestampPath: '$.runAt',
        Next: `Run:${id}`,
      });
    }
  });

  it('evaluates a branch when the record reaches it and routes with a Choice', () => {
    const definition = compile(nurtureFrenchLeads);
    expect(task(definition, 'Run:a3').Parameters).toMatchObject({ kind: 'branch', actionId: 'a3' });
    expect(definition.States['Route:a3']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.branch', NumericEquals: 0, Next: 'Wait:a4' }],
      Default: 'Wait:a5',
    });
  });

  it('goes straight to a branch that no delay precedes', () => {
    const definition = compile(everyActionType);
    expect(task(definition, 'Run:enroll').Next).toBe('Run:byStage');
    expect(definition.States['Route:byStage']).toMatchObject({ Default: 'Done' });
  });

  it('waits for an event on a task token, its timeout the state timeout', () => {
    const definition = compile(waitForReply);
    const wait = task(definition, 'Run:wait');
    expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(wait.TimeoutSeconds).toBe(3 * 86_400);
    expect(wait.Parameters).toMatchObject({
      FunctionName: ARN,
      Payload: { kind: 'waitForEvent', 'taskToken.$': '$$.Task.Token' },
    });
    expect(wait.Catch).toContainEqual({
      ErrorEquals: ['States.Timeout'],
      Next: 'TimedOut:wait',
      ResultPath: '$.error',
    });
    expect(wait.Next).toBe('Wait:thanks');
    expect(task(definition, 'TimedOut:wait').Next).toBe('Wait:escalate');
  });

  it('ends through a Wait and a completion task after a trailing delay', () => {
    const definition = compile(waitForReply);
    expect(task(definition, 'Run:escalate').Next).toBe('Wait:$end');
    expect(definition.States['Wait:$end']).toMatchObject({ Type: 'Wait', Next: 'Complete' });
    expect(task(definition, 'Complete').Next).toBe('Done');
  });

  it('sends a failed action to its onError: continue goes on, stop ends in the Fail state', () => {
    const definition = compile(renewalReminders);
    expect(task(definition, 'Failed:first').Next).toBe('Wait:second');
    expect(task(definition, 'Failed:second').Next).toBe('Stopped');
    expect(definition.States.Stopped).toMatchObject({ Type: 'Fail', Error: 'Workflow.Stopped' });
  });

  it('catches every failure of every task: no path ends in an unhandled failure', () => {
    for (const workflow of Object.values(GOLDEN)) {
      for (const [name, state] of Object.entries(compile(workflow).States)) {
        if (state.Type !== 'Task') continue;
        expect(
          state.Catch?.flatMap((catcher) => catcher.ErrorEquals),
          name,
        ).toContain('States.ALL');
        expect(state.Catch?.[0], name).toEqual({ ErrorEquals: ['Workflow.Exit'], Next: 'Exit' });
      }
    }
  });

  it('retries webhooks answering 5xx or 429 for up to three days, other failures never', () => {
    const hook = task(compile(everyActionType), 'Run:hook');
    expect(hook.Retry?.[0]).toBe(WEBHOOK_RETRY);
    expect(hook.Retry?.flatMap((retrier) => retrier.ErrorEquals)).not.toContain('Webhook.Rejected');
    let total = 0;
    for (let attempt = 0; attempt < (WEBHOOK_RETRY.MaxAttempts ?? 0); attempt++) {
      total += Math.min(
        (WEBHOOK_RETRY.IntervalSeconds ?? 1) * (WEBHOOK_RETRY.BackoffRate ?? 2) ** attempt,
        WEBHOOK_RETRY.MaxDelaySeconds ?? 0,
      );
    }
    expect(total).toBeLessThanOrEqual(3 * 86_400);
    expect(total).toBeGreaterThan(2.5 * 86_400);
  });

  it('retries transient faults with backoff and full jitter', () => {
    const set = task(compile(nurtureFrenchLeads), 'Run:a1');
    expect(set.Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: expect.arrayContaining(['Action.Transient', 'Lambda.TooManyRequestsException']),
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      }),
    ]);
  });

  it('can resume at any action; a delay resumes at the Wait its edge leads to', () => {
    const resume = compile(nurtureFrenchLeads).States.Resume;
    expect(resume).toMatchObject({ Type: 'Choice', Default: 'UnknownResumeAction' });
    const rules = resume?.Type === 'Choice' ? resume.Choices : [];
    expect(rules[0]).toEqual({ Not: { Variable: '$.resumeAt', IsPresent: true }, Next: 'Wait:a1' });
    expect(rules.slice(1).map((rule) => [rule.StringEquals, rule.Next])).toEqual([
      ['a1', 'Wait:a1'],
      ['a2', 'Wait:a3'],
      ['a3', 'Wait:a3'],
      ['a4', 'Wait:a4'],
      ['a5', 'Wait:a5'],
    ]);
  });

  it('keeps execution input small: tasks receive the state, never a record', () => {
    const run = task(compile(nurtureFrenchLeads), 'Run:a1');
    expect(run.Parameters).toEqual({
      kind: 'action',
      actionId: 'a1',
      'state.$': '$',
      'executionId.$': '$$.Execution.Id',
      'startedAt.$': '$$.Execution.StartTime',
    });
  });

  it('compiles 500 actions under the size and history limits', () => {
    const workflow = linear(500, (i) => ({ type: 'setProperty', property: 'score', value: i }));
    const definition = compile(workflow);
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThan(MAX_DEFINITION_BYTES);
    expect(worstCaseHistoryEvents(definition)).toBeLessThan(MAX_HISTORY_EVENTS);
    expect(aslProblems(definition)).toEqual([]);
  });

  it('refuses a path whose history could exceed 25,000 events', () => {
    const workflow = linear(300, () => ({ type: 'webhook', url: 'https://hooks.example.com/x' }));
    expect(() => compile(workflow)).toThrowError(CompileError);
    try {
      compile(workflow);
    } catch (error) {
      expect((error as CompileError).issues).toEqual([
        {
          path: 'actions',
          message: expect.stringMatching(/could write \d+ history events .* over the 25,000/),
        },
      ]);
    }
  });

  it('refuses a definition over 1 MiB', () => {
    const id = (i: number) => `${'x'.repeat(58)}${String(i).padStart(6, '0')}`;
    const workflow = linear(
      500,
      (i) =>
        i % 10 === 0
          ? {
              type: 'valueBranch',
              property: 'firstname',
              cases: Array.from({ length: 20 }, (_, c) => ({
                value: `v${c}`,
                next: i + 1 < 500 ? id(i + 1) : null,
              })),
              defaultNext: i + 1 < 500 ? id(i + 1) : null,
            }
          : { type: 'setProperty', property: 'firstname', value: 'y'.repeat(2000) },
      id,
    );
    expect(() => compile(workflow)).toThrowError(/over the 1 MiB Step Functions accepts/);
  });

  it('refuses an event wait longer than an execution can hold', () => {
    const workflow = linear(1, () => ({
      type: 'delayUntilEvent',
      criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }],
      timeout: 'P400D',
    }));
    expect(() => compile(workflow)).toThrowError(CompileError);
    expect(() => compile(workflow)).toThrowError(
      'actions[0].timeout: must be at most 359 days (an execution lives one year)',
    );
  });

  it('refuses an invalid workflow with the validation issues (a cycle of delays would never end)', () => {
    const input = {
      name: 'Loop',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'd1',
      actions: [
        { id: 'd1', type: 'delay', duration: 'P1D', next: 'd2' },
        { id: 'd2', type: 'delay', duration: 'P1D', next: 'd1' },
      ],
    };
    expect(() => compile(input)).toThrowError(CompileError);
    try {
      compile(input);
    } catch (error) {
      expect((error as CompileError).code).toBe('VALIDATION_FAILED');
      expect((error as CompileError).issues).toContainEqual(
        expect.objectContaining({ message: expect.stringContaining('d1 → d2 → d1') }),
      );
    }
  });

  it.each([
    ['PT1S', 1],
    ['PT90M', 5400],
    ['P3D', 259_200],
    ['P1W', 604_800],
    ['P1M', 2_592_000],
    ['P1Y', 31_536_000],
  ])('counts an event-wait timeout of %s as %i seconds', (text, seconds) => {
    expect(timeoutSeconds(text)).toBe(seconds);
  });
});
