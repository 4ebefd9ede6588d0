import { dryRunNeeds, dryRunWorkflow } from '../dry-run/dry-run-workflow.ts';
import { checkEnrollment } from '../enrollment/enrollment-check.ts';
import { enrollmentId } from '../enrollment/enrollment-id.ts';
import { type EnrollmentRepository, enrollmentState } from '../enrollment/enrollment-repository.ts';
import { toEnrollmentView } from '../enrollment/enrollment-service.ts';
import {
  type RecordReader,
  type SurroundingsReader,
  surroundingsNeeds,
} from '../enrollment/record-surroundings.ts';
import { NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { Clock } from '../ports/clock.ts';
import { type CustomProperties, propertyCatalogs } from '../records/builtin-properties.ts';
import type { Properties } from '../records/record.schema.ts';
import { parseInstant } from '../time/date-value.ts';
import type { StoredWorkflow } from '../workflow/stored-workflow.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';
import type { WorkflowInsights } from './crm-services.ts';
import { canonicalProperties, propertyIssues } from './property-values.ts';

export interface WorkflowInsightsOptions {
  readonly workflows: Pick<WorkflowRepository, 'get'>;
  readonly records: RecordReader;
  readonly surroundings: SurroundingsReader;
  readonly enrollments: Pick<EnrollmentRepository, 'current' | 'counts'>;
  readonly customProperties: () => Promise<CustomProperties>;
  readonly clock: Clock;
}

/** The enrollment id a dry run of a record given only by its properties walks under. */
export const DRY_RUN_RECORD_ID = 'dry-run';

/**
 * The insights service over its ports: reads only.
 * @example createWorkflowInsights({ workflows, records, surroundings, enrollments, customProperties, clock })
 */
export const createWorkflowInsights = (options: WorkflowInsightsOptions): WorkflowInsights => {
  const workflowOf = async (workflowId: string): Promise<StoredWorkflow> => {
    const workflow = await options.workflows.get(workflowId);
    if (!workflow) throw new NotFoundError(`workflow ${workflowId} not found`);
    return workflow;
  };

  /** A record given by its properties, checked against the type's catalogue (read-only ones allowed: it is not written). */
  const givenProperties = async (workflow: StoredWorkflow, properties: Properties): Promise<Properties> => {
    const catalog = propertyCatalogs(await options.customProperties())[workflow.objectType];
    const writable = new Map(
      [...catalog].map(([name, definition]) => [name, { ...definition, readOnly: false }]),
    );
    const issues = propertyIssues(writable, properties);
    if (issues.length > 0) {
      throw new ValidationError(issues.map((issue) => ({ ...issue, path: `record.${issue.path}` })));
    }
    return canonicalProperties(catalog, properties);
  };

  return {
    async stats(workflowId) {
      await workflowOf(workflowId);
      const counts = await options.enrollments.counts(workflowId);
      return {
        enrolled: counts.enrolled,
        active: counts.active,
        completed: counts.completed,
        unenrolled: counts.unenrolled,
        goalMet: counts.goal_met,
        failed: counts.failed,
        // A count left short by a crash must not make the rate leave [0, 1].
        conversionRate: counts.enrolled === 0 ? 0 : Math.min(1, counts.goal_met / counts.enrolled),
      };
    },

    async test(workflowId, request) {
      const workflow = await workflowOf(workflowId);
      const at = request.at === undefined ? options.clock.now() : new Date(parseInstant(request.at));
      if (request.recordId === undefined) {
        return dryRunWorkflow({
          workflow,
          state: { status: 'none' },
          properties: await givenProperties(workflow, request.record.properties),
          at,
          enrollmentId: enrollmentId(workflow.id, DRY_RUN_RECORD_ID, 1),
        });
      }
      const { objectType } = workflow;
      const record = await options.records.get(objectType, request.recordId);
      const current = await options.enrollments.current(workflow.id, objectType, record.id);
      const surroundings = await options.surroundings({ objectType, id: record.id }, dryRunNeeds(workflow));
      return dryRunWorkflow({
        workflow,
        state: enrollmentState(current),
        properties: record.properties,
        surroundings,
        at,
        enrollmentId: enrollmentId(workflow.id, record.id, (current?.count ?? 0) + 1),
      });
    },

    async explain(workflowId, recordId) {
      const workflow = await workflowOf(workflowId);
      const { objectType } = workflow;
      const record = await options.records.get(objectType, recordId);
      const current = await options.enrollments.current(workflow.id, objectType, record.id);
      const surroundings = await options.surroundings(
        { objectType, id: record.id },
        surroundingsNeeds([workflow]),
      );
      const now = options.clock.now();
      const state = enrollmentState(current);
      const check = checkEnrollment({ workflow, state, properties: record.properties, surroundings, now });
      const latest = current ? toEnrollmentView(current.latest) : null;
      return {
        workflowId: workflow.id,
        revision: workflow.revision,
        objectType,
        recordId: record.id,
        at: now.toISOString(),
        enrollment: {
          status: state.status === 'enrolled' ? 'enrolled' : 'not enrolled',
          current: state.status === 'enrolled' ? latest : null,
          latest,
          count: current?.count ?? 0,
        },
        wouldEnroll: check.wouldEnroll,
        reasons: check.reasons,
        ...check.explanation,
      };
    },
  };
};
