import type { EnrollmentRef } from '../contract/task-contract.ts';
import {
  type EnrollmentTarget,
  type PublishWorkflowEvents,
  workflowEvent,
} from '../enrollment/enrollment-effects.ts';
import type { EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import type { EnrollmentService } from '../enrollment/enrollment-service.ts';
import type { HistoryRepository } from '../enrollment/history-repository.ts';
import type { ListRepository } from '../lists/list-repository.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { isObjectType } from '../records/object-types.ts';
import type { ListService, RecordService } from '../services/crm-services.ts';
import type { StateMachineRegistry } from '../workflow/state-machines.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';
import { actionFailedEvent, type PublishActionEvent } from './action-messages.ts';
import { applyOncePerKey } from './apply-once.ts';
import { cachedRevisions, liveRevisions } from './cached-revisions.ts';
import type { EffectIntentStore } from './effect-intents.ts';
import { actionIdOfEffectKey } from './effect-key.ts';
import type { EventWaitStore } from './event-wait-store.ts';
import { eventWaits } from './event-waits.ts';
import type { CounterRef, CounterStore } from './executor-counters.ts';
import type { OutsideWorld } from './outside-world.ts';
import type { ExecutorPorts } from './ports.ts';
import { enrolledRecord, recordReads } from './record-reads.ts';
import { resolveEffect, resolvesWithoutWrites } from './resolve-effect.ts';
import { runEffect } from './run-effect.ts';

/** Everything the executor's ports are made of: the system's services and stores, as ports. */
export interface SystemExecutorDeps {
  readonly clock: Clock;
  /** Waits longer than this (ms) are parked as timers instead of held by their execution (see ExecutorPorts). */
  readonly parkLongerThanMs?: number;
  /** Ids of the records `createRecord` and `createTask` make (drawn once per effect, kept in its intent). */
  readonly newId: IdGenerator;
  /** The revision an execution runs; the workflow, for the revision it runs now. */
  readonly revisions: Pick<WorkflowRepository, 'revision' | 'get'>;
  /**
   * How long (ms, on `clock`) the revision a workflow runs now is kept once read (`liveRevision`; default 0: read at
   * every Task). An edit of an active workflow reaches the enrolled records' next actions at most this late.
   */
  readonly liveRevisionCacheMs?: number;
  /**
   * The revisions' state machines: an enrollment moves to a live revision once its state machine is published (asked
   * when a move is due; a published one is remembered). Absent: every revision counts as published.
   */
  readonly stateMachines?: Pick<StateMachineRegistry, 'stateMachineOf'>;
  /** Record reads and writes; writes carry the enrollment's cause. */
  readonly records: Pick<RecordService, 'get' | 'associations' | 'create' | 'update' | 'associate'>;
  readonly lists: Pick<ListService, 'addMember' | 'removeMember'>;
  /** The static lists a record belongs to. */
  readonly memberships: Pick<ListRepository, 'listsOf'>;
  /** `enrollInWorkflow`. */
  readonly enrollment: Pick<EnrollmentService, 'enrollManually'>;
  readonly enrollments: Pick<
    EnrollmentRepository,
    'end' | 'setWaiting' | 'current' | 'setRevision' | 'setCurrentAction'
  >;
  readonly history: Pick<HistoryRepository, 'append'>;
  /** `Enrollment Ended`, `Goal Met`, `Action Failed` (source `crm.workflows`). */
  readonly publish: PublishWorkflowEvents;
  /** The events of `publishEvent` actions. */
  readonly publishActionEvent: PublishActionEvent;
  readonly outside: OutsideWorld;
  readonly intents: EffectIntentStore;
  readonly counters: CounterStore;
  readonly eventWaits: EventWaitStore;
  /** Starts the execution that takes over (the execution side's). */
  readonly continueAsNew: ExecutorPorts['continueAsNew'];
  /** Answers a task token (the execution side's); the wait it answered is forgotten after. */
  readonly succeedEventWait: ExecutorPorts['succeedEventWait'];
}

const targetOf = (enrollment: EnrollmentRef): EnrollmentTarget => ({
  workflowId: enrollment.workflowId,
  revision: enrollment.revision,
  enrollmentId: enrollment.enrollmentId,
  objectType: enrolledRecord(enrollment).objectType,
  recordId: enrollment.recordId,
});

const attemptsOf = (executionId: string, actionId: string): CounterRef => ({
  kind: 'attempts',
  scope: executionId,
  name: actionId,
});

/**
 * The executor's ports over the real system: records, lists and enrollments through their services (every record
 * write with the enrollment's cause, one deeper), effects once per key through their intents, history and events
 * through their repository and the bus, the outside world through its ports.
 * @example createSystemExecutorPorts({ clock, newId, revisions, records, lists, memberships, enrollment, … })
 */
export const createSystemExecutorPorts = (deps: SystemExecutorDeps): ExecutorPorts => {
  const revisionOf = cachedRevisions(deps.revisions);
  const reads = recordReads(deps.records);
  const waits = eventWaits(deps.eventWaits, deps.enrollments, deps.clock);
  /** Revisions whose state machine was found published (it stays so). */
  const published = new Set<string>();
  const resolution = { reads, newId: deps.newId, counters: deps.counters };
  const apply = applyOncePerKey({
    intents: deps.intents,
    clock: deps.clock,
    resolve: (effect, enrollment, key) =>
      resolveEffect(resolution, { effect, enrollment, actionId: actionIdOfEffectKey(key) }),
    resolvesWithoutWrites,
    run: (effect, enrollment, key) => runEffect(deps, effect, enrollment, key),
  });

  return {
    now: () => deps.clock.now(),
    ...(deps.parkLongerThanMs === undefined ? {} : { parkLongerThanMs: deps.parkLongerThanMs }),
    workflow: revisionOf,
    liveRevision: liveRevisions(deps.revisions, deps.clock, deps.liveRevisionCacheMs),
    async revisionPublished(workflowId, revision) {
      const key = `${workflowId}#${revision}`;
      if (deps.stateMachines === undefined || published.has(key)) return true;
      if ((await deps.stateMachines.stateMachineOf(workflowId, revision)) === undefined) return false;
      published.add(key);
      if (published.size > 1_000) published.delete(published.values().next().value as string);
      return true;
    },
    async noteCurrentAction(enrollment, actionId) {
      const { workflowId, objectType, recordId, enrollmentId } = targetOf(enrollment);
      await deps.enrollments.setCurrentAction({ workflowId, objectType, recordId, enrollmentId }, actionId);
    },
    async moveEnrollment(enrollment, revision) {
      const { workflowId, objectType, recordId } = targetOf(enrollment);
      await deps.enrollments.setRevision(
        { workflowId, objectType, recordId, enrollmentId: enrollment.enrollmentId },
        revision,
      );
    },
    record: (objectType, id) =>
      isObjectType(objectType) ? reads.properties({ objectType, id }) : Promise.resolve(undefined),
    async associated(objectType, id, types) {
      const found = await Promise.all(
        types.map(async (type) => {
          const records =
            isObjectType(objectType) && isObjectType(type)
              ? await reads.associated({ objectType, id }, type)
              : [];
          return [type, records.map((record) => record.properties)] as const;
        }),
      );
      return Object.fromEntries(found);
    },
    lists: (objectType, id) =>
      isObjectType(objectType) ? deps.memberships.listsOf({ objectType, id }) : Promise.resolve([]),
    apply,
    async history(event) {
      const { objectType } = await revisionOf(event.workflowId, event.revision);
      const line = { ...event, objectType };
      await deps.history.append(line);
      if (
        line.event === 'action.scheduled' &&
        line.enrollmentId !== undefined &&
        line.actionId !== undefined
      ) {
        const { workflowId, recordId, enrollmentId } = line;
        await deps.enrollments.setCurrentAction(
          { workflowId, objectType, recordId, enrollmentId },
          line.actionId,
        );
      }
      if (event.event !== 'action.failed' || event.enrollmentId === undefined) return;
      await deps.publish([
        actionFailedEvent(line, {
          workflowId: event.workflowId,
          revision: event.revision,
          enrollmentId: event.enrollmentId,
          objectType,
          recordId: event.recordId,
        }),
      ]);
    },
    async endEnrollment(enrollment, outcome, detail) {
      const target = targetOf(enrollment);
      const ended = await deps.enrollments.end({
        workflowId: target.workflowId,
        objectType: target.objectType,
        recordId: target.recordId,
        enrollmentId: target.enrollmentId,
        status: outcome,
        ...(detail.reason === undefined ? {} : { reason: detail.reason }),
        ...(outcome === 'failed' && detail.actionId !== undefined ? { failedActionId: detail.actionId } : {}),
        at: deps.clock.now().toISOString(),
      });
      if (!ended) return;
      await deps.publish([
        ...(outcome === 'goal_met' ? [workflowEvent('Goal Met', target)] : []),
        workflowEvent('Enrollment Ended', target, outcome),
      ]);
    },
    registerEventWait: (enrollment, actionId, taskToken, _criteria, execution) =>
      waits.register(enrollment, actionId, taskToken, execution),
    parkEventWait: (enrollment, actionId, timer, timesOutAt) =>
      waits.park(enrollment, actionId, timer, timesOutAt),
    claimEventWait: (enrollment, actionId, outcome, executionId) =>
      waits.claim(enrollment, actionId, outcome, executionId),
    settleEventWait: (enrollment, actionId) => waits.unnote(enrollment, actionId),
    parkedEventWait: (enrollment, actionId) => waits.parked(enrollment.enrollmentId, actionId),
    async notedExecution(enrollment) {
      const target = targetOf(enrollment);
      const current = await deps.enrollments.current(target.workflowId, target.objectType, target.recordId);
      const active = current?.latest.id === target.enrollmentId && current.latest.status === 'active';
      return active ? current.executionArn : undefined;
    },
    countAttempt: (executionId, actionId) => deps.counters.add(attemptsOf(executionId, actionId), 1),
    attempts: (executionId, actionId) => deps.counters.get(attemptsOf(executionId, actionId)),
    async succeedEventWait(taskToken, state) {
      await deps.succeedEventWait(taskToken, state);
      await waits.forgetToken(state.enrollment, taskToken);
    },
    continueAsNew: (input, from) => deps.continueAsNew(input, from),
  };
};
