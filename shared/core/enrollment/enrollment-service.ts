import { ConflictError, NotFoundError } from '../errors/app-error.ts';
import type { PropertyBag } from '../filters/filter-input.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import type { AssociationRepository, RecordRef } from '../records/association-repository.ts';
import {
  ENROLLABLE_OBJECT_TYPES,
  type EnrollableObjectType,
  type ObjectType,
} from '../records/object-types.ts';
import type { StoredWorkflow } from '../workflow/stored-workflow.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';
import type { ActiveWorkflows } from './active-workflows.ts';
import type { AssociatedChange, EnrollmentChange } from './change-views.ts';
import { decideExisting, decideManualEnrollment } from './decide-manual.ts';
import { createEnrollmentDecider } from './enrollment-decider.ts';
import type { EnrollmentDecision, EnrollmentState, SkipReason } from './enrollment-decision.ts';
import {
  type EnrollmentTarget,
  type ExecutionPorts,
  enrollmentEffects,
  type PublishWorkflowEvents,
} from './enrollment-effects.ts';
import { lineDigest } from './enrollment-id.ts';
import { EnrollmentRefused } from './enrollment-refused.ts';
import {
  type CurrentEnrollment,
  type Enrollment,
  type EnrollmentRepository,
  type EnrollmentStatus,
  enrollmentState,
} from './enrollment-repository.ts';
import type { HistoryLine, HistoryQuery, HistoryRepository } from './history-repository.ts';
import type { EvaluationOptions } from './part-reader.ts';
import {
  needsNothing,
  type RecordReader,
  type SurroundingsReader,
  surroundingsNeeds,
} from './record-surroundings.ts';
import { partsOf, partsReadAssociated } from './workflow-parts.ts';

/** How many associated records one change re-evaluates per associated object type, by default. */
export const DEFAULT_FAN_OUT_LIMIT = 1_000;

/** The reason of the `enrollment.skipped` line a change writes when its fan-out was cut at the limit. */
export const FAN_OUT_CUT = 'fan_out_limit';

/** An enrollment as the API answers it (api.md, `GET /workflows/{id}/enrollments`). */
export interface EnrollmentView {
  readonly id: string;
  readonly recordId: string;
  readonly revision: number;
  readonly status: EnrollmentStatus;
  readonly reason?: string;
  readonly enrolledAt: string;
  readonly endedAt?: string;
  readonly currentActionId?: string;
}

/** An enrollment as the API shows it; `currentActionId` only while it is active. */
export const toEnrollmentView = (enrollment: Enrollment): EnrollmentView => ({
  id: enrollment.id,
  recordId: enrollment.recordId,
  revision: enrollment.revision,
  status: enrollment.status,
  ...(enrollment.reason === undefined ? {} : { reason: enrollment.reason }),
  enrolledAt: enrollment.enrolledAt,
  ...(enrollment.endedAt === undefined ? {} : { endedAt: enrollment.endedAt }),
  ...(enrollment.status !== 'active' || enrollment.currentActionId === undefined
    ? {}
    : { currentActionId: enrollment.currentActionId }),
});

export interface EnrollmentServiceOptions {
  readonly workflows: Pick<WorkflowRepository, 'get'>;
  /** The active workflows by type, cached (`createActiveWorkflows`). */
  readonly active: ActiveWorkflows;
  readonly enrollments: EnrollmentRepository;
  readonly history: HistoryRepository;
  readonly records: RecordReader;
  readonly surroundings: SurroundingsReader;
  /** `Enrollment Started`, `Enrollment Ended`, `Goal Met` (source `crm.workflows`). */
  readonly publish: PublishWorkflowEvents;
  readonly clock: Clock;
  /** Names a manual enrollment's request when the caller gives no trigger. */
  readonly newId: IdGenerator;
  /** Optional until executions exist: without them enrollments are recorded and stay active. */
  readonly executions?: ExecutionPorts;
  readonly evaluation?: EvaluationOptions;
  /**
   * The association store: a change of a record re-evaluates the records associated with it for the workflows of
   * their type that read what it changed (fan-out). Without it there is no fan-out.
   */
  readonly associations?: Pick<AssociationRepository, 'page'>;
  /** At most this many associated records per change and associated object type (default 1,000). */
  readonly fanOutLimit?: number;
}

export interface ManualEnrollmentOptions {
  /**
   * What asked (a `Workflow Enroll` event's id): the same trigger again answers the enrollment it started instead
   * of a 409, so a redelivered event enrolls once. Without it each call is a request of its own.
   */
  readonly trigger?: string;
  /** Why it enrolls, as its `enrolled` line says (default `manual`; `workflow:<id>` for an `enrollInWorkflow`). */
  readonly enrolledBecause?: string;
}

/** A record as activation reads it (a page of the type's records). */
export interface ExistingRecord {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** What `enrollExisting` did: `matched` the criteria now, `enrolled` (an enrollment started or replayed). */
export interface ExistingOutcome {
  readonly matched: boolean;
  readonly enrolled: boolean;
}

/** The enrollment engine short of executions: record changes, manual enrollment and unenrollment, their reads. */
export interface EnrollmentService {
  /** Decides what a `Record Changed` does to every active workflow of its type and applies it; returns the decisions. */
  onRecordChanged(change: EnrollmentChange): Promise<readonly EnrollmentDecision[]>;
  /**
   * Manual enrollment: 404 unknown workflow or record; 409 not active (ConflictError), or refused by the record's
   * state — enrolled now, re-enrollment off, a gate (EnrollmentRefused, with the reason).
   */
  enrollManually(
    workflowId: string,
    recordId: string,
    options?: ManualEnrollmentOptions,
  ): Promise<EnrollmentView>;
  /** Ends the active enrollment with reason `manual`: 404 unknown workflow or not enrolled now. */
  unenrollManually(workflowId: string, recordId: string): Promise<void>;
  /**
   * Resumes the record's failed enrollment at the action it failed at: back to `active`, an `enrolled` line with
   * reason `retry`, a new execution of its revision (`retryExecution`). 404 unknown workflow or record; 409 when the
   * workflow is not active or the record's latest enrollment has no failed action. Safe to repeat: asked again
   * while the retried enrollment is active, it answers the same and starts nothing new.
   */
  retry(workflowId: string, recordId: string): Promise<EnrollmentView>;
  /**
   * Activation with `enrollExisting`: enrolls `record` (reason `existing`) when it meets `workflow`'s criteria now
   * and no gate stops it; a gate writes its skip line. `trigger` names the activation (the same one again replays).
   */
  enrollExisting(workflow: StoredWorkflow, record: ExistingRecord, trigger: string): Promise<ExistingOutcome>;
  /** Ends the record's active enrollment with `reason` (deactivation: `workflow_deactivated`); false when none. */
  unenroll(workflowId: string, recordId: string, reason: string): Promise<boolean>;
  /** A workflow's enrollments, newest first (404 unknown workflow). */
  page(
    workflowId: string,
    status: EnrollmentStatus | undefined,
    page: PageRequest,
  ): Promise<Page<EnrollmentView>>;
  /** A workflow's history, newest first, by record and event (404 unknown workflow). */
  history(workflowId: string, query: HistoryQuery, page: PageRequest): Promise<Page<HistoryLine>>;
  /** Reads the active workflows again at the next change (all types, or one). */
  invalidate(objectType?: EnrollableObjectType): void;
}

const isEnrollable = (objectType: string): objectType is EnrollableObjectType =>
  (ENROLLABLE_OBJECT_TYPES as readonly string[]).includes(objectType);

/**
 * The states the decisions read. A workflow whose latest enrollment `trigger` started (a redelivered change) is
 * read as it was before that enrollment — never enrolled (the first) or ended (a later one: a start needs the
 * previous one ended) — so the change decides the same again and its start replays, instead of `already_enrolled`.
 */
const statesOf = (
  current: Readonly<Record<string, CurrentEnrollment>>,
  trigger?: string,
): Record<string, EnrollmentState> =>
  Object.fromEntries(
    Object.entries(current).map(([id, enrollment]) => [
      id,
      trigger !== undefined && enrollment.trigger === trigger
        ? enrollment.count > 1
          ? { status: 'ended' }
          : { status: 'none' }
        : enrollmentState(enrollment),
    ]),
  );

/** The message of a manual enrollment's 409, per reason. */
const REFUSALS: Record<SkipReason, string> = {
  already_enrolled: 'is enrolled in it now',
  reenrollment_off: 'was enrolled in it before and re-enrollment is off',
  suppressed: 'is in one of its suppression lists',
  unenrollment_criteria: 'meets its unenrollment criteria',
  goal_already_met: 'meets its goal already',
  loop_guard: 'was changed by too deep a chain of workflows',
};

/**
 * The enrollment service over its ports.
 * @example createEnrollmentService({ workflows, active, enrollments, history, records, surroundings, publish, clock, newId })
 */
export const createEnrollmentService = (options: EnrollmentServiceOptions): EnrollmentService => {
  const { clock, enrollments } = options;
  const decider = createEnrollmentDecider(options.evaluation);
  const effects = enrollmentEffects({
    enrollments,
    history: options.history,
    publish: options.publish,
    executions: options.executions ?? {},
  });

  const workflowOf = async (workflowId: string): Promise<StoredWorkflow> => {
    const workflow = await options.workflows.get(workflowId);
    if (!workflow) throw new NotFoundError(`workflow ${workflowId} not found`);
    return workflow;
  };

  interface Applying {
    readonly objectType: ObjectType;
    readonly recordId: string;
    readonly trigger: string;
    readonly at: Date;
    readonly workflows: ReadonlyMap<string, StoredWorkflow>;
    readonly current: Readonly<Record<string, CurrentEnrollment>>;
    /** The `cause.depth` of the change that decided (absent: 0). */
    readonly depth?: number;
  }

  const targetIn = (context: Applying, workflowId: string, enrollmentId: string, revision?: number) => {
    const latest = context.current[workflowId]?.latest;
    return {
      workflowId,
      revision: revision ?? latest?.revision ?? 1,
      enrollmentId,
      objectType: context.objectType,
      recordId: context.recordId,
    } satisfies EnrollmentTarget;
  };

  /** Applies the decisions in order; an `unenrollElsewhere` follows only an enrollment that did start. */
  const apply = async (decisions: readonly EnrollmentDecision[], context: Applying): Promise<void> => {
    const notStarted = new Set<string>();
    for (const decision of decisions) {
      switch (decision.kind) {
        case 'enroll': {
          const workflow = context.workflows.get(decision.workflowId);
          if (!workflow) break;
          const result = await effects.start({
            workflow,
            objectType: context.objectType,
            recordId: context.recordId,
            enrolledBecause: decision.reason,
            trigger: context.trigger,
            at: context.at,
            ...(context.depth ? { depth: context.depth } : {}),
          });
          if (!result.started) {
            // Another trigger enrolled the record between the read and the start.
            notStarted.add(decision.workflowId);
            await effects.skip({ ...context, ...decision, reason: 'already_enrolled' });
          }
          break;
        }
        case 'skip':
          await effects.skip({ ...context, ...decision });
          break;
        case 'exitGoal':
        case 'unenroll':
          await effects.end({
            target: targetIn(context, decision.workflowId, decision.enrollmentId, decision.revision),
            ...(decision.kind === 'exitGoal'
              ? { status: 'goal_met' as const }
              : { status: 'unenrolled' as const, reason: decision.reason }),
            at: context.at,
          });
          break;
        case 'unenrollElsewhere': {
          if (notStarted.has(decision.reason.slice('other_workflow:'.length))) break;
          await effects.end({
            target: targetIn(context, decision.workflowId, decision.enrollmentId),
            status: 'unenrolled',
            reason: decision.reason,
            at: context.at,
          });
          break;
        }
        case 'answerEventWait':
          await options.executions?.answerEventWait?.({
            ...targetIn(context, decision.workflowId, decision.enrollmentId),
            actionId: decision.actionId,
          });
          break;
      }
    }
  };

  const unenroll: EnrollmentService['unenroll'] = async (workflowId, recordId, reason) => {
    const workflow = await workflowOf(workflowId);
    const current = await enrollments.current(workflowId, workflow.objectType, recordId);
    const latest = current?.latest;
    if (latest?.status !== 'active') return false;
    return effects.end({
      target: {
        workflowId,
        revision: latest.revision,
        enrollmentId: latest.id,
        objectType: workflow.objectType,
        recordId,
      },
      status: 'unenrolled',
      reason,
      at: clock.now(),
    });
  };

  const fanOutLimit = options.fanOutLimit ?? DEFAULT_FAN_OUT_LIMIT;

  /** One associated record of the changed one, decided as a change of its own that changed nothing but `via`. */
  const reevaluate = async (
    ref: RecordRef & { readonly objectType: EnrollableObjectType },
    workflows: readonly StoredWorkflow[],
    via: AssociatedChange,
    triggering: EnrollmentChange,
    at: Date,
  ): Promise<void> => {
    const record = await options.records.get(ref.objectType, ref.id).catch(() => undefined);
    if (!record) return; // deleted in the meantime: its own deletion decides
    // Once per triggering change and associated record: a redelivered change replays the same starts.
    const trigger = `${triggering.objectType}#${triggering.id}#${triggering.version}#${ref.id}`;
    const current = await enrollments.ofRecord(ref.objectType, ref.id);
    const surroundings = await options.surroundings(ref, surroundingsNeeds(workflows));
    const image = { properties: record.properties };
    const decisions = decider.decide({
      // The record as it is: nothing of its own changed (no change log version is written for it).
      change: {
        objectType: ref.objectType,
        id: ref.id,
        change: 'updated',
        version: triggering.version,
        before: image,
        after: image,
        changedProperties: [],
        ...(triggering.cause ? { cause: triggering.cause } : {}),
      },
      workflows,
      states: statesOf(current, trigger),
      surroundings,
      now: at,
      via,
    });
    await apply(decisions, {
      objectType: ref.objectType,
      recordId: ref.id,
      trigger,
      at,
      workflows: new Map(workflows.map((workflow) => [workflow.id, workflow])),
      current,
      ...(triggering.cause ? { depth: triggering.cause.depth } : {}),
    });
  };

  /**
   * Fan-out: the records of other types associated with the changed one are re-evaluated for the active workflows
   * of their type that read a property the change touched (any, for a creation or deletion), at most
   * `fanOutLimit` of them per type; past it each such workflow gets one `enrollment.skipped fan_out_limit` line.
   */
  const fanOut = async (change: EnrollmentChange, at: Date): Promise<void> => {
    const { associations } = options;
    if (!associations) return;
    const whole = change.change === 'created' || change.change === 'deleted';
    const changedProperties = whole ? undefined : change.changedProperties;
    if (changedProperties?.length === 0) return;
    const via: AssociatedChange = {
      objectType: change.objectType,
      id: change.id,
      ...(change.before ? { before: { id: change.id, properties: change.before.properties } } : {}),
      ...(change.after ? { after: { id: change.id, properties: change.after.properties } } : {}),
      ...(changedProperties ? { changedProperties } : {}),
    };
    const from = { objectType: change.objectType, id: change.id };
    for (const objectType of ENROLLABLE_OBJECT_TYPES) {
      if (objectType === change.objectType) continue;
      const workflows = await options.active.of(objectType);
      const readers = workflows.filter((workflow) =>
        partsReadAssociated(partsOf(workflow), change.objectType, changedProperties),
      );
      if (readers.length === 0) continue;
      let evaluated = 0;
      let cursor: string | undefined;
      let cut = false;
      do {
        const page = await associations.page(from, objectType, {
          limit: Math.min(100, fanOutLimit - evaluated + 1),
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const ref of page.results) {
          if (evaluated === fanOutLimit) {
            cut = true;
            break;
          }
          evaluated += 1;
          await reevaluate({ objectType, id: ref.id }, workflows, via, change, at);
        }
        cursor = page.nextCursor ?? undefined;
      } while (!cut && cursor !== undefined);
      if (cut) {
        for (const workflow of readers) {
          await options.history.append(
            {
              at: at.toISOString(),
              workflowId: workflow.id,
              revision: workflow.revision,
              recordId: change.id,
              objectType: change.objectType,
              event: 'enrollment.skipped',
              reason: FAN_OUT_CUT,
              details: { associatedObjectType: objectType, evaluated, version: change.version },
            },
            lineDigest([workflow.id, change.objectType, change.id, String(change.version), FAN_OUT_CUT]),
          );
        }
      }
    }
  };

  /** The record's own workflows: what the change does to the record itself. */
  const decideOwn = async (change: EnrollmentChange, at: Date): Promise<readonly EnrollmentDecision[]> => {
    const { objectType, id: recordId } = change;
    if (!isEnrollable(objectType)) return [];
    const workflows = await options.active.of(objectType);
    if (workflows.length === 0) return [];
    const trigger = `${objectType}#${recordId}#${change.version}`;
    const current = await enrollments.ofRecord(objectType, recordId);
    const needs = surroundingsNeeds(workflows);
    const surroundings =
      change.change === 'deleted' || needsNothing(needs)
        ? undefined
        : await options.surroundings(
            { objectType, id: recordId },
            needs,
            change.change === 'dissociated' && change.association
              ? { objectType: change.association.toObjectType, id: change.association.toId }
              : undefined,
          );
    const decisions = decider.decide({
      change,
      workflows,
      states: statesOf(current, trigger),
      ...(surroundings ? { surroundings } : {}),
      now: at,
    });
    await apply(decisions, {
      objectType,
      recordId,
      trigger,
      at,
      workflows: new Map(workflows.map((workflow) => [workflow.id, workflow])),
      current,
      ...(change.cause ? { depth: change.cause.depth } : {}),
    });
    return decisions;
  };

  return {
    async onRecordChanged(change) {
      const at = clock.now();
      const decisions = await decideOwn(change, at);
      await fanOut(change, at);
      return decisions;
    },

    async enrollManually(workflowId, recordId, manual = {}) {
      const workflow = await workflowOf(workflowId);
      if (workflow.status !== 'active') {
        throw new ConflictError(`workflow ${workflowId} is ${workflow.status}: only active workflows enroll`);
      }
      const { objectType } = workflow;
      const record = await options.records.get(objectType, recordId);
      const current = await enrollments.ofRecord(objectType, recordId);
      const mine = current[workflowId];
      if (manual.trigger !== undefined && mine?.trigger === manual.trigger) {
        // The same request again (a redelivered event): what it started, its effects repeated (each once).
        await effects.started(mine.latest, workflow, true);
        return toEnrollmentView(mine.latest);
      }
      const needs = surroundingsNeeds([workflow]);
      const surroundings = needsNothing(needs)
        ? undefined
        : await options.surroundings({ objectType, id: recordId }, needs);
      const states = statesOf(current);
      const at = clock.now();
      const [first, ...rest] = decideManualEnrollment({
        workflow,
        state: states[workflowId] ?? { status: 'none' },
        states,
        properties: record.properties,
        ...(surroundings ? { surroundings } : {}),
        now: at,
      });
      if (first.kind === 'skip') {
        throw new EnrollmentRefused(
          first.reason,
          `record ${recordId} ${REFUSALS[first.reason]} (workflow ${workflowId})`,
        );
      }
      const trigger = manual.trigger ?? `manual#${options.newId()}`;
      const result = await effects.start({
        workflow,
        objectType,
        recordId,
        enrolledBecause: manual.enrolledBecause ?? 'manual',
        trigger,
        at,
      });
      if (!result.started) {
        throw new EnrollmentRefused(
          'already_enrolled',
          `record ${recordId} ${REFUSALS.already_enrolled} (workflow ${workflowId})`,
        );
      }
      await apply(rest, {
        objectType,
        recordId,
        trigger,
        at,
        workflows: new Map([[workflow.id, workflow]]),
        current,
      });
      return toEnrollmentView(result.enrollment);
    },

    async unenrollManually(workflowId, recordId) {
      if (!(await unenroll(workflowId, recordId, 'manual'))) {
        throw new NotFoundError(`record ${recordId} is not enrolled in workflow ${workflowId}`);
      }
    },

    unenroll,

    async retry(workflowId, recordId) {
      const workflow = await workflowOf(workflowId);
      if (workflow.status !== 'active') {
        throw new ConflictError(
          `workflow ${workflowId} is ${workflow.status}: only an active workflow's enrollments resume`,
        );
      }
      const { objectType } = workflow;
      await options.records.get(objectType, recordId);
      const latest = (await enrollments.current(workflowId, objectType, recordId))?.latest;
      const noFailure = () =>
        new ConflictError(`record ${recordId} has no failed enrollment in workflow ${workflowId}`);
      /** The enrollment a retry set back to active: this one, or an earlier (or concurrent) identical request's. */
      const retried = (enrollment: Enrollment | undefined): enrollment is Enrollment & { retries: number } =>
        enrollment?.status === 'active' && (enrollment.retries ?? 0) > 0 && !!enrollment.retriedActionId;
      let enrollment: Enrollment | undefined;
      if (latest?.status === 'failed') {
        const result = await enrollments.retry({
          workflowId,
          objectType,
          recordId,
          enrollmentId: latest.id,
        });
        enrollment = result.retried ? result.enrollment : result.current;
      } else {
        enrollment = latest;
      }
      if (!retried(enrollment)) throw noFailure();
      const actionId = enrollment.retriedActionId as string;
      const retry = enrollment.retries;
      await options.history.append(
        {
          at: clock.now().toISOString(),
          workflowId,
          revision: enrollment.revision,
          enrollmentId: enrollment.id,
          recordId,
          objectType,
          event: 'enrolled',
          reason: 'retry',
          actionId,
          retry,
        },
        lineDigest([workflowId, enrollment.id, 'enrolled', 'retry', retry]),
      );
      await options.executions?.retryExecution?.(enrollment, actionId);
      return { ...toEnrollmentView(enrollment), currentActionId: actionId };
    },

    async enrollExisting(workflow, record, trigger) {
      const { objectType } = workflow;
      const current = await enrollments.ofRecord(objectType, record.id);
      const needs = surroundingsNeeds([workflow]);
      const surroundings = needsNothing(needs)
        ? undefined
        : await options.surroundings({ objectType, id: record.id }, needs);
      // A record this activation enrolled already (a page processed again after a crash) decides as before.
      const states = statesOf(current, trigger);
      const at = clock.now();
      const decisions = decideExisting({
        workflow,
        state: states[workflow.id] ?? { status: 'none' },
        states,
        properties: record.properties as PropertyBag,
        ...(surroundings ? { surroundings } : {}),
        now: at,
      });
      const [first, ...rest] = decisions;
      if (!first) return { matched: false, enrolled: false };
      const context: Applying = {
        objectType,
        recordId: record.id,
        trigger,
        at,
        workflows: new Map([[workflow.id, workflow]]),
        current,
      };
      if (first.kind !== 'enroll') {
        await apply([first], context);
        return { matched: true, enrolled: false };
      }
      const result = await effects.start({
        workflow,
        objectType,
        recordId: record.id,
        enrolledBecause: 'existing',
        trigger,
        at,
      });
      if (!result.started) {
        await effects.skip({
          ...context,
          workflowId: workflow.id,
          revision: workflow.revision,
          reason: 'already_enrolled',
        });
        return { matched: true, enrolled: false };
      }
      await apply(rest, context);
      return { matched: true, enrolled: true };
    },

    async page(workflowId, status, page) {
      await workflowOf(workflowId);
      const { results, nextCursor } = await enrollments.page(workflowId, status, page);
      return { results: results.map(toEnrollmentView), nextCursor };
    },

    async history(workflowId, query, page) {
      await workflowOf(workflowId);
      return options.history.ofWorkflow(workflowId, query, page);
    },

    invalidate: (objectType) => options.active.invalidate(objectType),
  };
};
