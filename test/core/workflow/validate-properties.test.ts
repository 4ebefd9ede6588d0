import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../../../shared/core/records/property.schema.ts';
import { validateCustomProperties } from '../../../shared/core/workflow/validate-properties.ts';
import { errorsOf, issue, withActions } from './workflow-builders.ts';

describe('validateCustomProperties', () => {
  it('accepts definitions by object type', () => {
    const json = {
      contacts: [{ name: 'plan', label: 'Plan', type: 'enumeration', options: ['free', 'pro'] }],
      deals: [{ name: 'renewaldate', type: 'date' }],
    };
    expect(validateCustomProperties(json)).toEqual({ ok: true, properties: json });
  });

  it('accepts an enumeration whose options repeat a value (stored before creation refused it), as workflows do', () => {
    // Prepare
    const tier: PropertyDefinition = { name: 'tier', type: 'enumeration', options: ['Gold', 'gold'] };
    const json = { contacts: [tier] };
    const workflow = withActions(
      [
        { id: 'by-tier', type: 'valueBranch', property: 'tier', cases: [{ value: 'Gold', next: 'set' }] },
        { id: 'set', type: 'setProperty', property: 'tier', value: 'gold', next: null },
      ],
      {
        enrollment: {
          trigger: 'criteria',
          criteria: [{ filters: [{ property: 'tier', operator: 'eq', value: 'gold' }] }],
        },
      },
    );
    // Act
    const validation = validateCustomProperties(json);
    const errors = errorsOf(workflow, json);
    // Assess
    expect(validation).toEqual({ ok: true, properties: json });
    expect(errors).toEqual([]);
  });

  it.each([
    [{ contact: [] }, 'contact', 'unknown field "contact" — did you mean "contacts"?'],
    [
      { contacts: [{ name: 'email', type: 'string' }] },
      'contacts[0].name',
      '"email" is a built-in property of contacts',
    ],
    [
      {
        contacts: [
          { name: 'plan', type: 'string' },
          { name: 'plan', type: 'number' },
        ],
      },
      'contacts[1].name',
      '"plan" is already defined (contacts[0])',
    ],
    [
      { contacts: [{ name: 'plan', type: 'enumeration' }] },
      'contacts[0].options',
      'an enumeration property needs its options',
    ],
    [{ contacts: [{ name: 'plan', type: 'text' }] }, 'contacts[0].type', '"text" is not allowed here'],
    [{ contacts: [{ name: 'my plan', type: 'string' }] }, 'contacts[0].name', 'must start with a letter'],
    [[], '', 'the property definitions must be an object, not a list'],
  ])('refuses %j', (json, path, message) => {
    expect(validateCustomProperties(json)).toEqual({ ok: false, errors: [issue(path, message)] });
  });
});
