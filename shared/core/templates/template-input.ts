import type { z } from 'zod';
import type { TemplateSchema } from '../workflow/template.schema.ts';

/** A template as written, before the workflow's defaults are applied. */
export type TemplateInput = z.input<typeof TemplateSchema>;
