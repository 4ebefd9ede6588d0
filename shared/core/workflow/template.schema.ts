import * as z from 'zod';
import { EnrollableObjectTypeSchema } from '../records/object-types.ts';
import { WorkflowDefinitionSchema } from './workflow.schema.ts';

/** A built-in template: a workflow to copy into a new draft. */
export const TemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1),
  description: z.string().min(1),
  objectType: EnrollableObjectTypeSchema,
  tags: z.array(z.string().min(1)),
  workflow: WorkflowDefinitionSchema,
});
export type Template = z.infer<typeof TemplateSchema>;
