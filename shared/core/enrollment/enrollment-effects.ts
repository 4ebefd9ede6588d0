import { WORKFLOWS_SOURCE, type WorkflowDetailType } from '../events/event-names.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { EnrollingWorkflow, SkipReason } from './enrollment-decision.ts';
import { lineDigest } from './enrollment-id.ts';
import type { Enrollment, EnrollmentRepository, StartResult } from './enrollment-repository.ts';
import type { HistoryRepository } from './history-repository.ts';

/** `Enrollment Started`, `Enrollment Ended`, `Goal Met` (events.md): what applications subscribe to. */
export interface WorkflowEvent {
  readonly source: typeof WORKFLOWS_SOURCE;
  readonly detailType: WorkflowDetailType;
  readonly detail: EnrollmentEventDetail;
}

export interface EnrollmentEventDetail {
  readonly workflowId: string;
  readonly revision: number;
  readonly enrollmentId: string;
  readonly objectType: string;
  readonly recordId: string;
  /** `Enrollment Ended` only. */
  readonly outcome?: 'completed' | 'unenrolled' | 'goal_met' | 'failed';
  /** `Action Failed` only: the action and its error (`code`: the error's name). */
  readonly actionId?: string;
  readonly error?: { readonly code?: string; readonly message: string };
}

/** Puts the system's own events on the bus; rejects when they were not accepted (the caller is retried). */
export type PublishWorkflowEvents = (events: readonly WorkflowEvent[]) => Promise<void>;

/** The enrollment an execution port acts on. */
export interface EnrollmentTarget {
  readonly workflowId: string;
  readonly revision: number;
  readonly enrollmentId: string;
  readonly objectType: ObjectType;
  readonly recordId: string;
}

/**
 * What runs an enrollment's actions (Step Functions on AWS, the local runner embedded): each port is optional
 * until executions exist. Without `startExecution` an enrollment is recorded and stays `active`, no action runs;
 * without `stopExecution` there is nothing to stop; without `answerEventWait` a wait's answer is not given.
 * Every port is called at least once per decision (a redelivered event calls it again): an execution named by
 * the enrollment id refuses a second start.
 */
export interface ExecutionPorts {
  /** `replayed`: the enrollment was started by an earlier call with the same trigger (a redelivery, a retry). */
  readonly startExecution?: (
    enrollment: Enrollment,
    workflow: EnrollingWorkflow,
    replayed: boolean,
  ) => Promise<void>;
  readonly stopExecution?: (enrollment: EnrollmentTarget, reason: string) => Promise<void>;
  readonly answerEventWait?: (wait: EnrollmentTarget & { readonly actionId: string }) => Promise<void>;
  /**
   * Resumes a retried enrollment (set back to `active`, its `retries` counted) at `actionId`, the action it failed
   * at: an execution named by the enrollment id and the retry's number, so a repeated call starts it once.
   */
  readonly retryExecution?: (enrollment: Enrollment, actionId: string) => Promise<void>;
}

export interface EffectPorts {
  readonly enrollments: EnrollmentRepository;
  readonly history: HistoryRepository;
  readonly publish: PublishWorkflowEvents;
  readonly executions: ExecutionPorts;
}

/** A `crm.workflows` event about an enrollment; `Enrollment Ended` carries its `outcome`. */
export const workflowEvent = (
  detailType: WorkflowDetailType,
  target: EnrollmentTarget,
  outcome?: EnrollmentEventDetail['outcome'],
): WorkflowEvent => ({
  source: WORKFLOWS_SOURCE,
  detailType,
  detail: {
    workflowId: target.workflowId,
    revision: target.revision,
    enrollmentId: target.enrollmentId,
    objectType: target.objectType,
    recordId: target.recordId,
    ...(outcome ? { outcome } : {}),
  },
});

const targetOf = (enrollment: Enrollment): EnrollmentTarget => ({
  workflowId: enrollment.workflowId,
  revision: enrollment.revision,
  enrollmentId: enrollment.id,
  objectType: enrollment.objectType as ObjectType,
  recordId: enrollment.recordId,
});

export interface StartInput {
  readonly workflow: EnrollingWorkflow;
  readonly objectType: ObjectType;
  readonly recordId: string;
  readonly enrolledBecause: string;
  readonly trigger: string;
  readonly at: Date;
  /** The `cause.depth` of the change that enrolls the record (absent: 0). */
  readonly depth?: number;
}

export interface SkipInput {
  readonly workflowId: string;
  readonly revision: number;
  readonly objectType: ObjectType;
  readonly recordId: string;
  readonly reason: SkipReason;
  readonly trigger: string;
  readonly at: Date;
}

export interface EndInput {
  readonly target: EnrollmentTarget;
  readonly status: 'goal_met' | 'unenrolled';
  readonly reason?: string;
  readonly at: Date;
}

/**
 * The writes a decision makes, each safe to repeat: the enrollment store's start and end are conditional, the
 * history keeps one line per key, events and execution ports are at least once (same enrollment id).
 */
export const enrollmentEffects = (ports: EffectPorts) => {
  /** After a start (or its replay): the `enrolled` line; the event and the execution while it is active. */
  const started = async (
    enrollment: Enrollment,
    workflow: EnrollingWorkflow,
    replayed: boolean,
  ): Promise<void> => {
    const target = targetOf(enrollment);
    await ports.history.append({
      at: enrollment.enrolledAt,
      workflowId: target.workflowId,
      revision: target.revision,
      enrollmentId: target.enrollmentId,
      recordId: target.recordId,
      objectType: target.objectType,
      event: 'enrolled',
      reason: enrollment.enrolledBecause,
    });
    if (enrollment.status !== 'active') return;
    await ports.publish([workflowEvent('Enrollment Started', target)]);
    await ports.executions.startExecution?.(enrollment, workflow, replayed);
  };

  /** `enrollment.skipped`, once per workflow, record, reason and trigger (a redelivered change keeps one line). */
  const skip = (input: SkipInput): Promise<void> =>
    ports.history.append(
      {
        at: input.at.toISOString(),
        workflowId: input.workflowId,
        revision: input.revision,
        recordId: input.recordId,
        objectType: input.objectType,
        event: 'enrollment.skipped',
        reason: input.reason,
      },
      lineDigest([input.workflowId, input.recordId, 'enrollment.skipped', input.reason, input.trigger]),
    );

  /** Starts an enrollment; a record enrolled now by another trigger gets `skip already_enrolled` when asked. */
  const start = async (input: StartInput): Promise<StartResult> => {
    const result = await ports.enrollments.start({
      workflowId: input.workflow.id,
      revision: input.workflow.revision,
      objectType: input.objectType,
      recordId: input.recordId,
      enrolledBecause: input.enrolledBecause,
      at: input.at.toISOString(),
      trigger: input.trigger,
      ...(input.depth ? { depth: input.depth } : {}),
    });
    if (result.started) await started(result.enrollment, input.workflow, result.replayed);
    return result;
  };

  /** Ends the enrollment; the line, the events and the stop only when this call ended it (the first outcome wins). */
  const end = async (input: EndInput): Promise<boolean> => {
    const { target, status } = input;
    const ended = await ports.enrollments.end({
      workflowId: target.workflowId,
      objectType: target.objectType,
      recordId: target.recordId,
      enrollmentId: target.enrollmentId,
      status,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      at: input.at.toISOString(),
    });
    if (!ended) return false;
    await ports.history.append({
      at: input.at.toISOString(),
      workflowId: target.workflowId,
      revision: target.revision,
      enrollmentId: target.enrollmentId,
      recordId: target.recordId,
      objectType: target.objectType,
      event: status === 'goal_met' ? 'goal.met' : 'unenrolled',
      ...(input.reason === undefined ? {} : { reason: input.reason }),
    });
    await ports.executions.stopExecution?.(target, input.reason ?? status);
    await ports.publish([
      ...(status === 'goal_met' ? [workflowEvent('Goal Met', target)] : []),
      workflowEvent('Enrollment Ended', target, status),
    ]);
    return true;
  };

  return { start, started, skip, end };
};

export type EnrollmentEffects = ReturnType<typeof enrollmentEffects>;
