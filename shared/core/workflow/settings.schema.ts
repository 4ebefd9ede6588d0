import * as z from 'zod';
import { FilterGroupsSchema } from '../filters/filter.schema.ts';
import { CalendarDateSchema, TimeZoneSchema, WeekdaySchema, WindowTimeSchema } from '../time/time.schema.ts';
import { minutesOfDay } from '../time/time-of-day.ts';

const ExecutionWindowSchema = z
  .strictObject({
    days: z.array(WeekdaySchema).min(1, 'a window needs at least one day'),
    start: WindowTimeSchema,
    end: WindowTimeSchema,
  })
  // zod runs refinements after format errors too: a malformed time is reported by its own field, not as an order.
  .refine(
    (window) =>
      !WindowTimeSchema.safeParse(window.start).success ||
      !WindowTimeSchema.safeParse(window.end).success ||
      minutesOfDay(window.start) < minutesOfDay(window.end),
    { message: 'a window must start before it ends (start < end, same day)', path: ['end'] },
  );
export type ExecutionWindow = z.infer<typeof ExecutionWindowSchema>;

/** When actions may run: the schedule part of the settings. */
const ScheduleSettingsSchema = z.object({
  timeZone: TimeZoneSchema.default('UTC'),
  executionWindows: z.array(ExecutionWindowSchema).max(50).default([]),
  blockedDates: z.array(CalendarDateSchema).max(1000).default([]),
});
export type ScheduleSettings = z.infer<typeof ScheduleSettingsSchema>;

export const WorkflowSettingsSchema = z.strictObject({
  ...ScheduleSettingsSchema.shape,
  unenrollWhenCriteriaNotMet: z.boolean().default(false),
  unenrollmentCriteria: FilterGroupsSchema.default([]),
  suppressionLists: z.array(z.string().min(1)).max(100).default([]),
  unenrollFromWorkflows: z.array(z.string().min(1)).max(100).default([]),
  campaigns: z.array(z.string().min(1).max(200)).max(100).default([]),
});
export type WorkflowSettings = z.infer<typeof WorkflowSettingsSchema>;
