import * as z from 'zod';
import { compileWorkflow } from '../compiler/compile-workflow.ts';
import type { EnrollmentService } from '../enrollment/enrollment-service.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { Clock } from '../ports/clock.ts';
import type { CustomProperties } from '../records/builtin-properties.ts';
import type { ActivationCheckpoint, ActivationCheckpoints } from '../workflow/activation-checkpoints.ts';
import type { StateMachineRegistry } from '../workflow/state-machines.ts';
import type { StoredWorkflow } from '../workflow/stored-workflow.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';
import type { RecordPager } from './review-criteria.ts';

/** Records (and enrollments) are read 100 at a time: memory stays bounded whatever their number. */
export const ACTIVATION_PAGE_SIZE = 100;
/** How many existing records one step (the request, then each background step) reads at most, in whole pages. */
export const ACTIVATION_RECORD_BUDGET = 1_000;
/**
 * How long one step keeps going. A background step starts no page past it (a page under way is finished). The
 * request's step also stops between two records of a page, keeping the checkpoint of the last whole page (the
 * page is read again by the next step, its enrollments replayed), so the answer comes this long plus one record's
 * calls after it started, well within API Gateway's 29 s and the embedded server's 30 s however slow enrolling is
 * (StartExecution throttled, say); the rest goes on in the background.
 */
export const ACTIVATION_TIME_BUDGET_MS = 5_000;
/** The reason of an enrollment ended by deactivation. */
export const DEACTIVATED_REASON = 'workflow_deactivated';

/** `POST /workflows/{id}/activate`'s answer (api.md). */
export interface ActivationResult {
  readonly workflow: StoredWorkflow;
  /** Counts so far: a large set continues in the background and they grow. */
  readonly enrollExisting: { readonly matched: number; readonly enrolled: number };
}

export interface ActivationService {
  /** `body`: `{ enrollExisting: boolean }`. 400 invalid body or revision, 404, 409 active already or stale. */
  activate(id: string, body: unknown): Promise<ActivationResult>;
  /** Inactive, every active enrollment ended (`workflow_deactivated`). 404; 409 for a draft. */
  deactivate(id: string): Promise<StoredWorkflow>;
  /** One step of the workflow's unfinished activation; its checkpoint after (undefined: none or dropped). */
  continueActivation(workflowId: string): Promise<ActivationCheckpoint | undefined>;
  /** One step of every unfinished activation (the background loop): how many were stepped (those a step of this process is advancing already are left to it). */
  continueUnfinished(): Promise<number>;
}

export interface ActivationServiceDependencies {
  readonly repository: WorkflowRepository;
  readonly stateMachines: StateMachineRegistry;
  readonly checkpoints: ActivationCheckpoints;
  readonly enrollment: Pick<EnrollmentService, 'enrollExisting' | 'unenroll' | 'page' | 'invalidate'>;
  /** The records of a type, paged (RecordService.page). */
  readonly records: RecordPager;
  readonly clock: Clock;
  readonly customProperties: () => Promise<CustomProperties>;
  /**
   * Milliseconds from any fixed origin that only moves forward (`performance.now`): how long a step has run.
   * The workflow clock cannot say it (the manual clock stands still). Without it only the record budget bounds a step.
   */
  readonly elapsedMs?: () => number;
}

export interface ActivationServiceOptions {
  readonly actionFunctionArn: string;
  /** Records per page (default 100). */
  readonly pageSize?: number;
  /** Records per step, in whole pages (default 1,000). */
  readonly recordBudget?: number;
  /** No page is started once a step has run this long, and the request's step stops between records (default 5,000 ms; needs `elapsedMs`). */
  readonly timeBudgetMs?: number;
}

const ActivateBodySchema = z.strictObject({ enrollExisting: z.boolean() });

/** The trigger of the enrollments an activation starts: the same activation processing a page again replays. */
export const activationTrigger = (checkpoint: Pick<ActivationCheckpoint, 'workflowId' | 'activatedAt'>) =>
  `activation#${checkpoint.workflowId}#${checkpoint.activatedAt}`;

/** Whether any record can meet the workflow's criteria (manual workflows and `[]` never enroll existing records). */
const enrollsExisting = (workflow: StoredWorkflow) =>
  workflow.enrollment.trigger === 'criteria' && workflow.enrollment.criteria.length > 0;

/**
 * Activation and deactivation (api.md): activate compiles the revision, publishes its state machine, sets the
 * workflow active (conditionally) and, with `enrollExisting`, enrolls the records meeting the criteria now, a
 * budget in the request and the rest in the background from a checkpoint; deactivate ends every enrollment.
 * @example createActivationService({ repository, stateMachines, checkpoints, enrollment, records, clock, customProperties }, { actionFunctionArn })
 */
export const createActivationService = (
  dependencies: ActivationServiceDependencies,
  options: ActivationServiceOptions,
): ActivationService => {
  const { repository, checkpoints, enrollment, clock } = dependencies;
  const pageSize = options.pageSize ?? ACTIVATION_PAGE_SIZE;
  const budget = options.recordBudget ?? ACTIVATION_RECORD_BUDGET;
  const timeBudgetMs = options.timeBudgetMs ?? ACTIVATION_TIME_BUDGET_MS;
  const elapsedMs = dependencies.elapsedMs;
  /**
   * The workflows a step of this process is advancing: the background loop leaves them to it rather than read the
   * same page again meanwhile (harmless, since the step is replayed idempotently, but twice the work). Another
   * process may still do so (on AWS, the activation function beside an API request); the conditional checkpoint
   * keeps one of them.
   */
  const advancing = new Map<string, number>();

  const load = async (id: string): Promise<StoredWorkflow> => {
    const workflow = await repository.get(id);
    if (!workflow) throw new NotFoundError(`workflow ${id} not found`);
    return workflow;
  };

  /** Reads whole pages until a budget (records, time) is spent or every record is read, saving the checkpoint after each. */
  const advance = async (
    workflow: StoredWorkflow,
    from: ActivationCheckpoint,
    within: 'request' | 'background',
  ): Promise<ActivationCheckpoint> => {
    // A count, not a mark: an older step of the same workflow (before a deactivation and a new activation) may
    // still be ending while a new one runs.
    advancing.set(workflow.id, (advancing.get(workflow.id) ?? 0) + 1);
    try {
      return await advancePages(workflow, from, within);
    } finally {
      const left = (advancing.get(workflow.id) ?? 1) - 1;
      if (left > 0) advancing.set(workflow.id, left);
      else advancing.delete(workflow.id);
    }
  };

  const advancePages = async (
    workflow: StoredWorkflow,
    from: ActivationCheckpoint,
    within: 'request' | 'background',
  ): Promise<ActivationCheckpoint> => {
    let checkpoint = from;
    let read = 0;
    const trigger = activationTrigger(from);
    const startedMs = elapsedMs?.();
    const timeLeft = () => startedMs === undefined || elapsedMs!() - startedMs < timeBudgetMs;
    while (checkpoint.cursor !== null && read < budget && timeLeft()) {
      const page = await dependencies.records(workflow.objectType, {
        limit: pageSize,
        ...(checkpoint.cursor === undefined ? {} : { cursor: checkpoint.cursor }),
      });
      let { matched, enrolled } = checkpoint;
      for (const record of page.results) {
        // The request answers in time: the page is left to the next step, which replays what this one enrolled.
        if (within === 'request' && !timeLeft()) return checkpoint;
        const outcome = await enrollment.enrollExisting(workflow, record, trigger);
        if (outcome.matched) matched += 1;
        if (outcome.enrolled) enrolled += 1;
      }
      read += page.results.length;
      const next: ActivationCheckpoint = {
        ...checkpoint,
        cursor: page.nextCursor,
        matched,
        enrolled,
        step: checkpoint.step + 1,
        updatedAt: clock.now().toISOString(),
      };
      // Another runner saved this step first: it goes on from there, this one stops.
      if (!(await checkpoints.save(next))) return (await checkpoints.get(workflow.id)) ?? next;
      checkpoint = next;
    }
    return checkpoint;
  };

  const continueActivation = async (workflowId: string): Promise<ActivationCheckpoint | undefined> => {
    const checkpoint = await checkpoints.get(workflowId);
    // A step of this process is on it (the request's first step, or another caller's): left to that step.
    if (advancing.has(workflowId)) return checkpoint;
    if (!checkpoint || checkpoint.cursor === null) return checkpoint;
    const workflow = await repository.get(workflowId);
    if (workflow?.status !== 'active') {
      // Deactivated (or deleted) since: nothing more enrolls.
      await checkpoints.delete(workflowId);
      return undefined;
    }
    // The live revision's criteria (an edit of an active workflow goes live at once).
    return advance(workflow, checkpoint, 'background');
  };

  return {
    async activate(id, body) {
      const parsed = ActivateBodySchema.safeParse(body ?? {}, { error: zodErrorMap, reportInput: true });
      if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error.issues, 'an activation'));
      const current = await load(id);
      if (current.status === 'active') {
        throw new ConflictError(`workflow ${id} is active already (revision ${current.revision})`);
      }
      const definition = compileWorkflow(current, {
        actionFunctionArn: options.actionFunctionArn,
        properties: await dependencies.customProperties(),
        workflowId: current.id,
        revision: current.revision,
      });
      await dependencies.stateMachines.publish({ workflowId: id, revision: current.revision, definition });
      const activatedAt = clock.now().toISOString();
      const workflow = await repository.setStatus(current, 'active', activatedAt);
      enrollment.invalidate(workflow.objectType);
      if (!parsed.data.enrollExisting) {
        // An earlier activation's unfinished enrollment does not go on.
        await checkpoints.delete(id);
        return { workflow, enrollExisting: { matched: 0, enrolled: 0 } };
      }
      const start: ActivationCheckpoint = {
        workflowId: id,
        revision: workflow.revision,
        activatedAt,
        ...(enrollsExisting(workflow) ? {} : { cursor: null }),
        matched: 0,
        enrolled: 0,
        step: 0,
        updatedAt: activatedAt,
      };
      await checkpoints.save(start);
      const { matched, enrolled } = await advance(workflow, start, 'request');
      return { workflow, enrollExisting: { matched, enrolled } };
    },

    async deactivate(id) {
      const current = await load(id);
      if (current.status === 'draft') {
        throw new ConflictError(`workflow ${id} is a draft: only an active workflow is deactivated`);
      }
      // Inactive already: the sweep runs again (a deactivation cut short by a crash is finished so).
      const workflow =
        current.status === 'active' ? await repository.setStatus(current, 'inactive') : current;
      enrollment.invalidate(workflow.objectType);
      await checkpoints.delete(id);
      let cursor: string | null | undefined;
      do {
        const page = await enrollment.page(id, 'active', {
          limit: pageSize,
          ...(cursor === undefined || cursor === null ? {} : { cursor }),
        });
        for (const ended of page.results) await enrollment.unenroll(id, ended.recordId, DEACTIVATED_REASON);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return workflow;
    },

    continueActivation,

    async continueUnfinished() {
      // Those a step of this process is advancing are left to it, and not counted: a caller looping while this
      // answers more than 0 waits for its next turn rather than spin.
      const ids = (await checkpoints.unfinished(pageSize)).filter((id) => !advancing.has(id));
      for (const id of ids) await continueActivation(id);
      return ids.length;
    },
  };
};
