import * as z from 'zod';
import { ObjectTypeSchema } from '../records/object-types.ts';
import { PropertiesSchema } from '../records/record.schema.ts';
import { INTERNAL_SOURCE_PREFIX, RECORD_CHANGED, RECORDS_SOURCE, WORKFLOWS_SOURCE } from './event-names.ts';

/*
 * The detail of every event of events.md. Inbound details are strict (an unknown field is a mistake the
 * sender hears about in the dead letters); the system's own allow fields added later.
 */

const Id = z.string().min(1);

export const RecordUpsertDetailSchema = z
  .strictObject({
    objectType: ObjectTypeSchema,
    id: Id.optional().describe('the record to update'),
    idProperty: Id.optional().describe(
      'a unique property (email, domain) whose value in `properties` finds the record',
    ),
    properties: PropertiesSchema,
  })
  .refine((detail) => detail.id === undefined || detail.idProperty === undefined, {
    path: ['idProperty'],
    message: 'give id or idProperty, not both',
  })
  .describe('Creates or updates a record: by id, by the unique idProperty value, or creates it (neither)');

export const RecordDeleteDetailSchema = z
  .strictObject({ objectType: ObjectTypeSchema, id: Id })
  .describe('Deletes a record');

export const AssociationChangeDetailSchema = z
  .strictObject({
    objectType: ObjectTypeSchema,
    id: Id,
    toObjectType: ObjectTypeSchema,
    toId: Id,
    remove: z.boolean().optional().describe('true: dissociates'),
  })
  .describe('Associates two records, or dissociates them');

export const WorkflowEnrollDetailSchema = z
  .strictObject({ workflowId: Id, recordId: Id })
  .describe('Enrolls a record in a workflow (manual enrollment)');

const RecordImageSchema = z.object({ properties: PropertiesSchema }).nullable();

export const ChangeCauseSchema = z.object({
  workflowId: Id,
  enrollmentId: Id,
  depth: z.number().int().min(1),
});

export const RecordChangedDetailSchema = z
  .object({
    objectType: ObjectTypeSchema,
    id: Id,
    change: z.enum(['created', 'updated', 'deleted', 'associated', 'dissociated', 'listed', 'unlisted']),
    version: z.number().int().min(1),
    before: RecordImageSchema,
    after: RecordImageSchema,
    changedProperties: z.array(z.string()),
    cause: ChangeCauseSchema.optional().describe('set when a workflow action made the change'),
    association: z
      .object({ toObjectType: ObjectTypeSchema, toId: Id })
      .optional()
      .describe('the record an `associated` or `dissociated` change touched'),
    listId: Id.optional().describe('the static list a `listed` or `unlisted` change touched'),
  })
  .describe('A committed change of a record');

const EnrollmentFields = {
  workflowId: Id,
  revision: z.number().int().min(1),
  enrollmentId: Id,
  objectType: ObjectTypeSchema,
  recordId: Id,
};

export const EnrollmentStartedDetailSchema = z
  .object(EnrollmentFields)
  .describe('A record was enrolled in a workflow');
export const EnrollmentEndedDetailSchema = z
  .object({
    ...EnrollmentFields,
    outcome: z.enum(['completed', 'unenrolled', 'goal_met', 'failed']),
  })
  .describe('An enrollment ended');
export const ActionFailedDetailSchema = z
  .object({
    ...EnrollmentFields,
    actionId: Id.optional(),
    error: z.object({ code: z.string().optional(), message: z.string() }).optional(),
  })
  .describe('An action of an enrollment failed');
export const GoalMetDetailSchema = z
  .object(EnrollmentFields)
  .describe("An enrolled record met the workflow's goal");

/** The inbound details by detail-type: what the ingest target validates. */
export const INBOUND_DETAIL_SCHEMAS = {
  'Record Upsert': RecordUpsertDetailSchema,
  'Record Delete': RecordDeleteDetailSchema,
  'Association Change': AssociationChangeDetailSchema,
  'Workflow Enroll': WorkflowEnrollDetailSchema,
} as const;

export type RecordUpsertDetail = z.infer<typeof RecordUpsertDetailSchema>;
export type RecordDeleteDetail = z.infer<typeof RecordDeleteDetailSchema>;
export type AssociationChangeDetail = z.infer<typeof AssociationChangeDetailSchema>;
export type WorkflowEnrollDetail = z.infer<typeof WorkflowEnrollDetailSchema>;
export type RecordChangedDetail = z.infer<typeof RecordChangedDetailSchema>;
export type EnrollmentEndedDetail = z.infer<typeof EnrollmentEndedDetailSchema>;

/** An application's source: anything that does not start with `crm.`. */
const ApplicationSourceSchema = z
  .string()
  .min(1)
  .regex(/^(?!crm\.)/, `an application's own source, not starting with ${INTERNAL_SOURCE_PREFIX}`);

/** Every event of events.md: its file name, who sends it, its detail-type and its detail. */
export const EVENT_CATALOG = [
  {
    name: 'record-upsert',
    source: ApplicationSourceSchema,
    detailType: 'Record Upsert',
    detail: RecordUpsertDetailSchema,
  },
  {
    name: 'record-delete',
    source: ApplicationSourceSchema,
    detailType: 'Record Delete',
    detail: RecordDeleteDetailSchema,
  },
  {
    name: 'association-change',
    source: ApplicationSourceSchema,
    detailType: 'Association Change',
    detail: AssociationChangeDetailSchema,
  },
  {
    name: 'workflow-enroll',
    source: ApplicationSourceSchema,
    detailType: 'Workflow Enroll',
    detail: WorkflowEnrollDetailSchema,
  },
  {
    name: 'record-changed',
    source: z.literal(RECORDS_SOURCE),
    detailType: RECORD_CHANGED,
    detail: RecordChangedDetailSchema,
  },
  {
    name: 'enrollment-started',
    source: z.literal(WORKFLOWS_SOURCE),
    detailType: 'Enrollment Started',
    detail: EnrollmentStartedDetailSchema,
  },
  {
    name: 'enrollment-ended',
    source: z.literal(WORKFLOWS_SOURCE),
    detailType: 'Enrollment Ended',
    detail: EnrollmentEndedDetailSchema,
  },
  {
    name: 'action-failed',
    source: z.literal(WORKFLOWS_SOURCE),
    detailType: 'Action Failed',
    detail: ActionFailedDetailSchema,
  },
  {
    name: 'goal-met',
    source: z.literal(WORKFLOWS_SOURCE),
    detailType: 'Goal Met',
    detail: GoalMetDetailSchema,
  },
] as const;
