import { describe, expect, it } from 'vitest';
import { validateCustomProperties } from '../../../shared/core/workflow/validate-properties.ts';
import { issue } from './workflow-builders.ts';

describe('validateCustomProperties', () => {
  it('accepts definitions by object type', () => {
    const json = {
      contacts: [{ name: 'plan', label: 'Plan', type: 'enumeration', options: ['free', 'pro'] }],
      deals: [{ name: 'renewaldate', type: 'date' }],
    };
    expect(validateCustomProperties(json)).toEqual({ ok: true, properties: json });
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
