import { NotFoundError } from '../errors/app-error.ts';
import type { ObjectType } from '../records/object-types.ts';
import { type Template, TemplateSchema } from '../workflow/template.schema.ts';
import { CONTACT_TEMPLATES } from './contact-templates.ts';
import { RECORD_TEMPLATES } from './record-templates.ts';
import type { TemplateInput } from './template-input.ts';

let builtin: readonly Template[] | undefined;

/**
 * The built-in templates, their workflows' defaults applied (a test keeps each valid by validateWorkflow). They are
 * parsed at the first call, not when the module loads: a function's cold start that never reads them pays nothing.
 */
export const builtinTemplates = (): readonly Template[] => {
  builtin ??= [...CONTACT_TEMPLATES, ...RECORD_TEMPLATES].map((template: TemplateInput) =>
    TemplateSchema.parse(template),
  );
  return builtin;
};

const summaryOf = ({ id, name, description, objectType, tags }: Template): TemplateSummary => ({
  id,
  name,
  description,
  objectType,
  tags,
});

const matchesText = (template: Template, q: string): boolean => {
  const needle = q.trim().toLocaleLowerCase('en');
  if (needle === '') return true;
  return [template.name, template.description, ...template.tags].some((text) =>
    text.toLocaleLowerCase('en').includes(needle),
  );
};

/**
 * The template catalogue: `search` by object type and text (case-insensitive in name, description and tags),
 * `get` by id (NotFoundError when unknown); the built-in templates unless `given`.
 * @example createTemplateCatalog().search({ objectType: 'deals', q: 'renewal' })
 */
export const createTemplateCatalog = (given?: readonly Template[]): TemplateCatalog => {
  const templates = () => given ?? builtinTemplates();
  let byId: ReadonlyMap<string, Template> | undefined;
  return {
    search: ({ objectType, q }) =>
      templates()
        .filter((template) => objectType === undefined || template.objectType === objectType)
        .filter((template) => q === undefined || matchesText(template, q))
        .map(summaryOf),
    get: (id) => {
      byId ??= new Map(templates().map((template) => [template.id, template]));
      const template = byId.get(id);
      if (!template) throw new NotFoundError(`template ${id} not found`);
      return template;
    },
  };
};

export interface TemplateSummary {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly objectType: ObjectType;
  readonly tags: readonly string[];
}

/** The built-in template catalogue. */
export interface TemplateCatalog {
  search(filter: { objectType?: ObjectType; q?: string }): TemplateSummary[];
  /** NotFoundError when unknown. */
  get(id: string): Template;
}
