import type * as z from 'zod';
import type { Filter } from '../filters/filter.schema.ts';
import type { TemplateSchema } from '../workflow/template.schema.ts';

/** A template as written, before the workflow's defaults are applied. */
export type TemplateInput = z.input<typeof TemplateSchema>;

/** Enrollment on criteria of one group: a record enrolls when every filter holds. */
export const enrollWhenAll = (...filters: Filter[]) => ({
  trigger: 'criteria' as const,
  criteria: [{ filters }],
});

type TemplateWorkflowInput = Omit<TemplateInput['workflow'], 'name' | 'objectType'> & {
  readonly name?: string;
};

/** A template whose workflow takes the template's name and object type unless it names its own. */
export const defineTemplate = (
  template: Omit<TemplateInput, 'workflow'> & { readonly workflow: TemplateWorkflowInput },
): TemplateInput => ({
  ...template,
  workflow: { name: template.name, objectType: template.objectType, ...template.workflow },
});
