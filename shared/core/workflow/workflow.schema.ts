import * as z from 'zod';
import { FilterGroupsSchema, FilterSchema } from '../filters/filter.schema.ts';
import { EnrollableObjectTypeSchema } from '../records/object-types.ts';
import { CalendarDateSchema } from '../time/time.schema.ts';
import { ActionIdSchema, ActionSchema } from './action.schema.ts';
import { WorkflowSettingsSchema } from './settings.schema.ts';

const MAX_ACTIONS = 500;

const ReenrollmentSchema = z.strictObject({
  enabled: z.boolean().default(false),
  triggers: z.array(FilterSchema).max(100).default([]),
});

const EnrollmentSchema = z.strictObject({
  trigger: z.enum(['criteria', 'manual']),
  criteria: FilterGroupsSchema.default([]),
  reenrollment: ReenrollmentSchema.default({ enabled: false, triggers: [] }),
});

const AnchorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixedDate'), date: CalendarDateSchema }),
  z.strictObject({
    type: z.literal('dateProperty'),
    property: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a property name'),
    recurAnnually: z.boolean().default(false),
  }),
]);
export type Anchor = z.infer<typeof AnchorSchema>;

const GoalSchema = z.strictObject({ criteria: FilterGroupsSchema });

/** A workflow's lifecycle: only `active` workflows enroll. */
export const WORKFLOW_STATUSES = ['draft', 'active', 'inactive'] as const;
export const WorkflowStatusSchema = z.enum(WORKFLOW_STATUSES);
export type WorkflowStatus = z.infer<typeof WorkflowStatusSchema>;

/** Fields the server owns: accepted (as GET returns them) and ignored on input. */
const serverOwned = {
  id: z.unknown().optional(),
  status: z.unknown().optional(),
  revision: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  activatedAt: z.unknown().optional(),
};

/** The shape of a workflow definition (workflow.md, "Workflow"); the rules across fields live in validateWorkflow. */
export const WorkflowDefinitionSchema = z
  .strictObject({
    ...serverOwned,
    name: z.string().trim().min(1, 'a workflow needs a name').max(256),
    description: z.string().max(4096).optional(),
    objectType: EnrollableObjectTypeSchema,
    enrollment: EnrollmentSchema,
    startActionId: ActionIdSchema.nullable(),
    actions: z.array(ActionSchema).max(MAX_ACTIONS, `at most ${MAX_ACTIONS} actions`),
    anchor: AnchorSchema.optional(),
    goal: GoalSchema.optional(),
    settings: WorkflowSettingsSchema.default(() => WorkflowSettingsSchema.parse({})),
  })
  .transform(({ id, status, revision, createdAt, updatedAt, activatedAt, ...definition }) => definition);

export type WorkflowDefinition = z.output<typeof WorkflowDefinitionSchema>;
/** What an author writes: defaults not yet applied. */
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinitionSchema>;
