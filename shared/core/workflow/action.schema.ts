import * as z from 'zod';
import { FilterGroupsSchema } from '../filters/filter.schema.ts';
import { ObjectTypeSchema } from '../records/object-types.ts';
import { PropertiesSchema, PropertyValueSchema } from '../records/record.schema.ts';
import {
  CalendarDateSchema,
  DurationSchema,
  SignedDurationSchema,
  TimeOfDaySchema,
  WeekdaySchema,
} from '../time/time.schema.ts';

/**
 * A webhook's URL: `https://`, or `http://` to this machine (`127.0.0.1`, `localhost`, `[::1]`) so that a team can try
 * a webhook against a local receiver in the embedded runtime. Deployed, the sender refuses plain http and every
 * loopback, private or metadata address when it connects (docs/outside-world.md).
 */
const WebhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
  .max(2048)
  .refine(
    (url) => url.startsWith('https:') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url),
    { error: 'must be an https:// URL (http:// only to 127.0.0.1 or localhost, for a local receiver)' },
  );

/** Action ids appear in state names and history: letters, digits, `_` and `-`. */
export const ActionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"');
const NextSchema = ActionIdSchema.nullable();

const base = {
  id: ActionIdSchema,
  name: z.string().max(200).optional(),
};
/** A plain action continues with `next` (null or absent: the end). */
const linear = { ...base, next: NextSchema.default(null) };
const OnErrorSchema = z.enum(['continue', 'stop']);
const callsOut = { onError: OnErrorSchema.optional() };

const TargetSchema = z.union([z.literal('self'), z.strictObject({ associated: ObjectTypeSchema })]);
export type Target = z.infer<typeof TargetSchema>;
const changesRecords = { target: TargetSchema.optional() };

const PropertyRefSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a property name');

const DelayActionSchema = z.strictObject({
  ...linear,
  type: z.literal('delay'),
  duration: DurationSchema,
  businessDays: z.boolean().optional(),
});
const DelayUntilDateActionSchema = z.strictObject({
  ...linear,
  type: z.literal('delayUntilDate'),
  date: CalendarDateSchema.optional(),
  property: PropertyRefSchema.optional(),
  offset: SignedDurationSchema.optional(),
  time: TimeOfDaySchema.optional(),
  ifMissing: z.enum(['continue', 'unenroll']).optional(),
});
const DelayUntilDayTimeActionSchema = z.strictObject({
  ...linear,
  type: z.literal('delayUntilDayTime'),
  days: z.array(WeekdaySchema).min(1).optional(),
  time: TimeOfDaySchema,
});
const DelayUntilAnchorActionSchema = z.strictObject({
  ...linear,
  type: z.literal('delayUntilAnchor'),
  offset: SignedDurationSchema,
  time: TimeOfDaySchema,
});
const DelayUntilEventActionSchema = z.strictObject({
  ...base,
  type: z.literal('delayUntilEvent'),
  criteria: FilterGroupsSchema,
  timeout: DurationSchema,
  next: NextSchema.default(null),
  timeoutNext: NextSchema.default(null),
});
const BranchActionSchema = z.strictObject({
  ...base,
  type: z.literal('branch'),
  branches: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        criteria: FilterGroupsSchema,
        next: NextSchema.default(null),
      }),
    )
    .min(1)
    .max(20, 'at most 20 branches'),
  defaultNext: NextSchema.default(null),
});
const ValueBranchActionSchema = z.strictObject({
  ...base,
  type: z.literal('valueBranch'),
  property: PropertyRefSchema,
  cases: z
    .array(
      z.strictObject({
        value: z.union([z.string(), z.number(), z.boolean()]),
        next: NextSchema.default(null),
      }),
    )
    .min(1)
    .max(250, 'at most 250 cases'),
  defaultNext: NextSchema.default(null),
});
const RandomSplitActionSchema = z.strictObject({
  ...base,
  type: z.literal('randomSplit'),
  paths: z
    .array(z.strictObject({ percent: z.number().int().min(1).max(100), next: NextSchema.default(null) }))
    .min(2, 'a random split needs at least two paths')
    .max(20, 'at most 20 paths')
    .refine((paths) => paths.reduce((sum, path) => sum + path.percent, 0) === 100, {
      message: 'the percents of the paths must add up to 100',
    }),
});
const SetPropertyActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  ...changesRecords,
  type: z.literal('setProperty'),
  property: PropertyRefSchema,
  value: PropertyValueSchema,
});
const CopyPropertyActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  ...changesRecords,
  type: z.literal('copyProperty'),
  from: PropertyRefSchema,
  to: PropertyRefSchema,
  source: TargetSchema.optional(),
});
const ClearPropertyActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  ...changesRecords,
  type: z.literal('clearProperty'),
  property: PropertyRefSchema,
});
const IncrementPropertyActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  ...changesRecords,
  type: z.literal('incrementProperty'),
  property: PropertyRefSchema,
  by: z.number().finite(),
});
const CreateRecordActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('createRecord'),
  objectType: ObjectTypeSchema,
  properties: PropertiesSchema,
  associate: z.boolean().optional(),
});
const CreateTaskActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('createTask'),
  title: z.string().min(1).max(1000),
  body: z.string().max(65_536).optional(),
  due: DurationSchema.optional(),
  ownerFrom: PropertyRefSchema.optional(),
});
const SendEmailActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('sendEmail'),
  subject: z.string().min(1).max(1000),
  body: z.string().min(1).max(262_144),
  toProperty: PropertyRefSchema.optional(),
});
const SendNotificationActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('sendNotification'),
  message: z.string().min(1).max(65_536),
  recipients: z.array(z.string().min(1)).max(100).optional(),
});
const WebhookActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('webhook'),
  url: WebhookUrlSchema,
  method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']).optional(),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'), z.string())
    .optional(),
  secretName: z.string().min(1).max(512).optional(),
});
const ListActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.enum(['addToList', 'removeFromList']),
  listId: z.string().min(1).max(200),
});
const EnrollInWorkflowActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('enrollInWorkflow'),
  workflowId: z.string().min(1).max(200),
});
const RotateOwnerActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  ...changesRecords,
  type: z.literal('rotateOwner'),
  owners: z.array(z.string().min(1)).min(1).max(500),
  property: PropertyRefSchema.optional(),
  overwrite: z.boolean().optional(),
});
const PublishEventActionSchema = z.strictObject({
  ...linear,
  ...callsOut,
  type: z.literal('publishEvent'),
  detailType: z.string().min(1).max(128),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** Every action of a workflow (workflow.md, "Actions"), told apart by `type`. */
export const ActionSchema = z.discriminatedUnion('type', [
  DelayActionSchema,
  DelayUntilDateActionSchema,
  DelayUntilDayTimeActionSchema,
  DelayUntilAnchorActionSchema,
  DelayUntilEventActionSchema,
  BranchActionSchema,
  ValueBranchActionSchema,
  RandomSplitActionSchema,
  SetPropertyActionSchema,
  CopyPropertyActionSchema,
  ClearPropertyActionSchema,
  IncrementPropertyActionSchema,
  CreateRecordActionSchema,
  CreateTaskActionSchema,
  SendEmailActionSchema,
  SendNotificationActionSchema,
  WebhookActionSchema,
  ListActionSchema,
  EnrollInWorkflowActionSchema,
  RotateOwnerActionSchema,
  PublishEventActionSchema,
]);
export type Action = z.infer<typeof ActionSchema>;
export type ActionType = Action['type'];
export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;

/** Delays that fold into the instant of the next action (no state of their own). */
const DELAY_TYPES = ['delay', 'delayUntilDate', 'delayUntilDayTime', 'delayUntilAnchor'] as const;
export type DelayAction = ActionOf<(typeof DELAY_TYPES)[number]>;
/** Actions that choose their successor when the record reaches them. */
const BRANCH_TYPES = ['branch', 'valueBranch', 'randomSplit'] as const;
export type BranchingAction = ActionOf<(typeof BRANCH_TYPES)[number]>;

export const isDelay = (action: Action): action is DelayAction =>
  (DELAY_TYPES as readonly string[]).includes(action.type);
export const isBranching = (action: Action): action is BranchingAction =>
  (BRANCH_TYPES as readonly string[]).includes(action.type);

/** Every action id an action may lead to (null for "the end"), in a fixed order. */
export const successorsOf = (action: Action): (string | null)[] => {
  switch (action.type) {
    case 'branch':
      return [...action.branches.map((branch) => branch.next), action.defaultNext];
    case 'valueBranch':
      return [...action.cases.map((entry) => entry.next), action.defaultNext];
    case 'randomSplit':
      return action.paths.map((path) => path.next);
    case 'delayUntilEvent':
      return [action.next, action.timeoutNext];
    default:
      return [action.next];
  }
};
