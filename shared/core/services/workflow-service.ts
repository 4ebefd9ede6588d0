import * as z from 'zod';
import { compileWorkflow } from '../compiler/compile-workflow.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { ValidationIssue } from '../errors/validation-issue.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { PageRequestSchema } from '../ports/page.ts';
import type { CustomProperties } from '../records/builtin-properties.ts';
import { EnrollableObjectTypeSchema } from '../records/object-types.ts';
import type { StateMachineRegistry } from '../workflow/state-machines.ts';
import type { Template } from '../workflow/template.schema.ts';
import { validateWorkflow } from '../workflow/validate-workflow.ts';
import { describeValue } from '../workflow/validation/describe-value.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import { WORKFLOW_STATUSES, type WorkflowDefinition } from '../workflow/workflow.schema.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';
import type { ListService, StoredWorkflow, TemplateCatalog, WorkflowService } from './crm-services.ts';
import { MAX_LIST_NAME_LENGTH } from './list-service.ts';
import { criteriaEvaluator, type RecordContextReader, type RecordPager } from './review-criteria.ts';

/** The executor ARN the embedded runtime compiles with: no Lambda is called, the local runner answers. */
export const LOCAL_ACTION_FUNCTION_ARN = 'arn:aws:lambda:local:000000000000:function:crm-workflows-executor';

/** Records are read 100 at a time by review: memory stays bounded whatever the number of records. */
export const REVIEW_PAGE_SIZE = 100;
/** At most this many matching record ids are returned by review. */
export const REVIEW_SAMPLE_SIZE = 10;

export interface WorkflowServiceDependencies {
  readonly repository: WorkflowRepository;
  readonly clock: Clock;
  /** A new unique id; the workflow id is `wf_<id>`. */
  readonly newId: IdGenerator;
  readonly templates: TemplateCatalog;
  /** The custom property definitions, read on each write (validation) and review. */
  readonly customProperties: () => Promise<CustomProperties>;
  /** Review pages through the records of the workflow's type (RecordService.page). */
  readonly records: RecordPager;
  /** Review's `createList` (ListService.create and addMember). */
  readonly lists: Pick<ListService, 'create' | 'addMember'>;
  /**
   * Associated records and list memberships of a record, read by review only when the criteria use them.
   * Without it, associated filters see no associated record and list filters see no list.
   */
  readonly recordContext?: RecordContextReader;
  /**
   * Where an edited active workflow's new revision publishes its state machine, once the revision is
   * written (its content is then settled: a losing concurrent edit never publishes).
   */
  readonly stateMachines?: StateMachineRegistry;
}

export interface WorkflowServiceOptions {
  /** The executor function every Task of a compiled definition calls (LOCAL_ACTION_FUNCTION_ARN embedded). */
  readonly actionFunctionArn: string;
}

const parseOrThrow = <T>(schema: z.ZodType<T>, value: unknown, subject: string): T => {
  const parsed = schema.safeParse(value, { error: zodErrorMap, reportInput: true });
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error.issues, subject));
  return parsed.data;
};

const FromTemplateSchema = z.strictObject({
  templateId: z.string().min(1).max(64),
  name: z.string().trim().min(1, 'a workflow needs a name').max(256),
});

/** `<workflow name> — review <instant>`, the name cut short so that the whole fits a list's name. */
const reviewListName = (workflowName: string, now: Date): string => {
  const suffix = ` — review ${now.toISOString()}`;
  return `${workflowName.slice(0, MAX_LIST_NAME_LENGTH - suffix.length).trimEnd()}${suffix}`;
};

const RevisionSchema = z.object({ revision: z.number().int().min(1) });

const ReviewBodySchema = z.strictObject({ createList: z.boolean().optional() });

const PageFilterSchema = z.strictObject({
  objectType: EnrollableObjectTypeSchema.optional(),
  status: z.enum(WORKFLOW_STATUSES).optional(),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const notFound = (id: string) => new NotFoundError(`workflow ${id} not found`);

/**
 * The workflows of api.md over a repository: create (from a definition or a template), page, get, update with
 * optimistic concurrency on `revision`, delete, revisions, review and the compiled definition.
 * @example createWorkflowService({ repository, clock, newId, templates, customProperties, records, lists }, { actionFunctionArn })
 */
export const createWorkflowService = (
  dependencies: WorkflowServiceDependencies,
  options: WorkflowServiceOptions,
): WorkflowService => {
  const { repository, clock, templates } = dependencies;
  /** The revision's Amazon States Language document. */
  const compiled = async (workflow: StoredWorkflow) =>
    compileWorkflow(workflow, {
      actionFunctionArn: options.actionFunctionArn,
      properties: await dependencies.customProperties(),
      workflowId: workflow.id,
      revision: workflow.revision,
    });

  /** The definition of `body`, validated against the current custom properties; ValidationError otherwise. */
  const validDefinition = async (body: unknown, extraIssues: ValidationIssue[] = []) => {
    const result = validateWorkflow(body, { properties: await dependencies.customProperties() });
    const issues = [...extraIssues, ...(result.ok ? [] : result.errors)];
    if (!result.ok || issues.length > 0) throw new ValidationError(issues);
    return result.workflow;
  };

  /** `{ templateId, name }`: a copy of the template's workflow under that name. */
  const definitionFromTemplate = async (body: unknown): Promise<WorkflowDefinition> => {
    const { templateId, name } = parseOrThrow(FromTemplateSchema, body, 'a workflow from a template');
    let template: Template;
    try {
      template = templates.get(templateId);
    } catch (error) {
      // The template is named in the body, not in the URL: an unknown one is a mistake in the request (400).
      if (!(error instanceof NotFoundError)) throw error;
      throw new ValidationError([{ path: 'templateId', message: `there is no template "${templateId}"` }]);
    }
    return validDefinition({ ...template.workflow, name });
  };

  const load = async (id: string): Promise<StoredWorkflow> => {
    const workflow = await repository.get(id);
    if (!workflow) throw notFound(id);
    return workflow;
  };

  return {
    async create(body) {
      const definition =
        isObject(body) && 'templateId' in body
          ? await definitionFromTemplate(body)
          : await validDefinition(body);
      const now = clock.now().toISOString();
      const workflow: StoredWorkflow = {
        id: `wf_${dependencies.newId()}`,
        ...definition,
        status: 'draft',
        revision: 1,
        createdAt: now,
        updatedAt: now,
      };
      await repository.create(workflow);
      return workflow;
    },

    async page(filter, page) {
      const parsedFilter = parseOrThrow(PageFilterSchema, filter, 'the filter');
      const parsedPage = parseOrThrow(PageRequestSchema, page, 'the page');
      return repository.page(parsedFilter, parsedPage);
    },

    get: load,

    async update(id, body) {
      const current = await load(id);
      const revision = RevisionSchema.safeParse(body, { error: zodErrorMap });
      const sent = isObject(body) ? body.revision : undefined;
      const revisionIssues: ValidationIssue[] = revision.success
        ? []
        : [
            {
              path: 'revision',
              message:
                sent === undefined
                  ? 'the revision this edit is based on (as GET returned it) is required'
                  : `must be the revision this edit is based on, an integer from 1 (as GET returned it), not ${describeValue(sent)}`,
            },
          ];
      const definition = await validDefinition(body, revisionIssues);
      const editedRevision = revision.data?.revision;
      if (editedRevision !== current.revision) {
        throw new ConflictError(
          `workflow ${id} is at revision ${current.revision}, this edit is based on revision ${editedRevision}: fetch it again and reapply the edit`,
        );
      }
      if (current.status === 'active' && definition.objectType !== current.objectType) {
        throw new ValidationError([
          { path: 'objectType', message: 'an active workflow keeps its object type: deactivate it first' },
        ]);
      }
      const now = clock.now().toISOString();
      // On an active workflow the new revision goes live at once; written while the workflow is not active, it has
      // never been live, so it carries no activatedAt (the revisions that went live keep theirs in their own items).
      const activatedAt = current.status === 'active' ? now : undefined;
      const next: StoredWorkflow = {
        id,
        ...definition,
        status: current.status,
        revision: current.revision + 1,
        createdAt: current.createdAt,
        updatedAt: now,
        ...(activatedAt === undefined ? {} : { activatedAt }),
      };
      // A live revision is compiled before it is written (a definition the compiler refuses is a 400 that writes
      // nothing), and published once written (so that a losing concurrent edit publishes nothing) before the edit
      // answers. A run reaching an action before it is published runs it where it is (`revisionPublished`).
      const live = next.status === 'active' && dependencies.stateMachines ? await compiled(next) : undefined;
      await repository.update(next, current);
      if (live !== undefined && dependencies.stateMachines) {
        await dependencies.stateMachines.publish({
          workflowId: id,
          revision: next.revision,
          definition: live,
        });
      }
      return next;
    },

    async delete(id) {
      await repository.delete(id);
    },

    async revisions(id) {
      const revisions = await repository.revisions(id);
      if (!revisions) throw notFound(id);
      return revisions;
    },

    async revision(id, revision) {
      if (!Number.isSafeInteger(revision) || revision < 1) {
        throw new ValidationError([{ path: 'revision', message: 'a revision is a whole number from 1' }]);
      }
      const stored = await repository.revision(id, revision);
      if (stored) return stored;
      await load(id);
      throw new NotFoundError(`workflow ${id} has no revision ${revision}`);
    },

    async review(id, body) {
      const { createList } = parseOrThrow(ReviewBodySchema, body ?? {}, 'a review request');
      const workflow = await load(id);
      const now = clock.now();
      const evaluator = criteriaEvaluator(workflow.objectType, workflow.enrollment.criteria, {
        now,
        custom: await dependencies.customProperties(),
        ...(dependencies.recordContext ? { readContext: dependencies.recordContext } : {}),
      });
      // The list is created first and filled page by page: no set of matching ids is ever held in memory.
      const list = createList
        ? await dependencies.lists.create({
            name: reviewListName(workflow.name, now),
            objectType: workflow.objectType,
          })
        : undefined;
      let matching = 0;
      const sample: string[] = [];
      // No criteria never matches (a workflow without criteria never enrolls): no record needs reading.
      let cursor: string | null | undefined = workflow.enrollment.criteria.length === 0 ? null : undefined;
      while (cursor !== null) {
        const page = await dependencies.records(workflow.objectType, {
          limit: REVIEW_PAGE_SIZE,
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const record of page.results) {
          if (!(await evaluator.matches(record))) continue;
          matching += 1;
          if (sample.length < REVIEW_SAMPLE_SIZE) sample.push(record.id);
          if (list) await dependencies.lists.addMember(list.id, record.id);
        }
        cursor = page.nextCursor;
      }
      return { matching, sample, ...(list ? { listId: list.id } : {}) };
    },

    async definition(id) {
      return compiled(await load(id));
    },
  };
};
