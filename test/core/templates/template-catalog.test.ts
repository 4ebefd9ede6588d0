import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../shared/core/errors/app-error.ts';
import { ENROLLABLE_OBJECT_TYPES } from '../../../shared/core/records/object-types.ts';
import { builtinTemplates, createTemplateCatalog } from '../../../shared/core/templates/template-catalog.ts';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';

describe('built-in templates', () => {
  it.each(builtinTemplates().map((template) => [template.id, template] as const))(
    '%s is a valid workflow of its object type',
    (_id, template) => {
      // Act
      const result = validateWorkflow(template.workflow);
      // Assess
      expect(result.ok ? [] : result.errors).toEqual([]);
      expect(template.workflow.objectType).toBe(template.objectType);
    },
  );

  it('cover every enrollable object type and hold a date-centered one', () => {
    // Prepare
    const types = new Set(builtinTemplates().map((template) => template.objectType));
    // Act
    const dateCentered = builtinTemplates().filter(
      (template) =>
        template.workflow.anchor?.type === 'dateProperty' &&
        template.workflow.actions.some((action) => action.type === 'delayUntilAnchor'),
    );
    // Assess
    expect([...types].sort()).toEqual([...ENROLLABLE_OBJECT_TYPES].sort());
    expect(dateCentered.length).toBeGreaterThan(0);
  });

  it('have unique ids', () => {
    // Act
    const ids = new Set(builtinTemplates().map((template) => template.id));
    // Assess
    expect(ids.size).toBe(builtinTemplates().length);
  });
});

describe('createTemplateCatalog', () => {
  const catalog = createTemplateCatalog();

  it('searches by object type', () => {
    // Act
    const summaries = catalog.search({ objectType: 'deals' });
    // Assess
    expect(summaries.map((summary) => summary.id).sort()).toEqual([
      'deal-closed-won-handoff',
      'deal-renewal-reminder',
    ]);
    expect(summaries[0]).not.toHaveProperty('workflow');
  });

  it('searches name, description and tags case-insensitively', () => {
    // Act
    const byTag = catalog.search({ q: 'DATE-CENTERED' });
    const byName = catalog.search({ q: 'birthday GREET' });
    const byDescription = catalog.search({ q: 'kick-off call' });
    const none = catalog.search({ q: 'no template says this' });
    // Assess
    expect(byTag.map((summary) => summary.id).sort()).toEqual([
      'contact-birthday-greeting',
      'deal-renewal-reminder',
    ]);
    expect(byName.map((summary) => summary.id)).toEqual(['contact-birthday-greeting']);
    expect(byDescription.map((summary) => summary.id)).toEqual(['company-customer-onboarding']);
    expect(none).toEqual([]);
  });

  it('combines object type and text', () => {
    // Act
    const summaries = catalog.search({ objectType: 'contacts', q: 'renewal' });
    // Assess
    expect(summaries).toEqual([]);
  });

  it('returns every template without a filter', () => {
    // Act
    const summaries = catalog.search({});
    // Assess
    expect(summaries).toHaveLength(builtinTemplates().length);
  });

  it('gets a template with its full workflow, and refuses an unknown id', () => {
    // Act
    const template = catalog.get('quote-expiry-reminder');
    // Assess
    expect(template.workflow.actions.map((action) => action.id)).toEqual([
      'three-days-before',
      'still-open',
      'nudge-owner',
    ]);
    expect(() => catalog.get('nope')).toThrow(NotFoundError);
  });
});
