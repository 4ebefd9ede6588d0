import {
  CreateStateMachineCommand,
  type CreateStateMachineCommandInput,
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { ExecutionState } from '../../shared/core/contract/task-contract.ts';
import { executionArnOf } from '../../shared/core/executions/executions.ts';
import { answerSends } from '../helpers/stub-answers.ts';

/** A StartExecution token bucket: its size, and tokens added a second. */
export interface StartQuota {
  readonly bucket: number;
  readonly refillPerSecond: number;
}

/** Assumed: us-east-1's StartExecution quota for Standard workflows (token bucket 1,300, refill 300 a second). */
export const US_EAST_1_START_EXECUTION: StartQuota = { bucket: 1_300, refillPerSecond: 300 };

/** An execution Step Functions accepted. */
export interface AcceptedStart {
  readonly name: string;
  readonly executionArn: string;
  readonly input: ExecutionState;
}

/** What the simulated StartExecution saw. */
export interface StartCounters {
  /** The system's calls (accepted, throttled, refused as duplicates), and how many in each second. */
  calls: number;
  throttled: number;
  duplicates: number;
  readonly callsPerSecond: Map<number, number>;
  /** Starts other callers of the account asked for. */
  other: number;
}

export interface SimulatedStepFunctions {
  readonly counters: StartCounters;
  /** Other callers of the account take up to `count` tokens now (what they do not get is theirs to retry). */
  drawOther(count: number): void;
  /** Forgets the calls the mock keeps for inspection (at a million calls, most of the heap); not during a call. */
  forgetCalls(): void;
  /** Takes the mock off `SFNClient`. */
  restore(): void;
}

/**
 * StartExecution (and CreateStateMachine, with `stateMachineArnPrefix`) of Step Functions behind `aws-sdk-client-mock` on every `SFNClient`, on the caller's clock: a name
 * used once is refused (ExecutionAlreadyExists), and each call draws a token from `quota`'s bucket, refilled
 * continuously; an empty bucket answers ThrottlingException. `onStart` runs for each accepted start before the call
 * answers (it may run the execution's first Task at once).
 */
export const simulateStepFunctions = (options: {
  readonly now: () => number;
  readonly quota: StartQuota;
  readonly onStart: (start: AcceptedStart) => Promise<void>;
  /** The ARNs CreateStateMachine answers: this, then the machine's name (absent: no CreateStateMachine). */
  readonly stateMachineArnPrefix?: string;
}): SimulatedStepFunctions => {
  const { now, quota } = options;
  const sfn = mockClient(SFNClient);
  let tokens = quota.bucket;
  let refilledAt = now();
  const refill = () => {
    tokens = Math.min(quota.bucket, tokens + ((now() - refilledAt) * quota.refillPerSecond) / 1_000);
    refilledAt = now();
  };
  const names = new Set<string>();
  const counters: StartCounters = {
    calls: 0,
    throttled: 0,
    duplicates: 0,
    callsPerSecond: new Map(),
    other: 0,
  };

  const { stateMachineArnPrefix } = options;
  const createStateMachine = (command: CreateStateMachineCommandInput) => {
    if (stateMachineArnPrefix === undefined) throw new Error('no CreateStateMachine in this simulation');
    return { stateMachineArn: `${stateMachineArnPrefix}${command.name}`, creationDate: new Date(now()) };
  };
  const startExecution = async (command: StartExecutionCommandInput) => {
    const second = Math.floor(now() / 1_000);
    counters.callsPerSecond.set(second, (counters.callsPerSecond.get(second) ?? 0) + 1);
    counters.calls += 1;
    refill();
    if (tokens < 1) {
      counters.throttled += 1;
      throw new SFNServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      });
    }
    tokens -= 1;
    const name = command.name!;
    if (names.has(name)) {
      counters.duplicates += 1;
      throw new ExecutionAlreadyExists({
        $metadata: { httpStatusCode: 400 },
        message: 'Execution Already Exists',
      });
    }
    names.add(name);
    const executionArn = executionArnOf(command.stateMachineArn!, name);
    await options.onStart({ name, executionArn, input: JSON.parse(command.input!) as ExecutionState });
    return { executionArn, startDate: new Date(now()) };
  };
  // The stub's `send` dispatching on the command's class (matching each call against per-command fakes would cost
  // more than the simulation).
  answerSends(sfn, async (command) => {
    if (command instanceof StartExecutionCommand) return startExecution(command.input);
    if (command instanceof CreateStateMachineCommand) return createStateMachine(command.input);
    throw new Error(
      `the simulated Step Functions does not take ${(command.constructor as { name: string }).name}`,
    );
  });

  return {
    counters,
    drawOther(count) {
      refill();
      tokens -= Math.min(tokens, count);
      counters.other += count;
    },
    forgetCalls: () => sfn.resetHistory(),
    restore: () => sfn.restore(),
  };
};
