import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventJsonSchemas } from '../../../shared/core/events/event-json-schemas.ts';
import { EVENT_CATALOG, RecordUpsertDetailSchema } from '../../../shared/core/events/event-schemas.ts';

const directory = join(import.meta.dirname, '..', '..', '..', 'events', 'schemas');

describe('the events JSON Schemas', () => {
  it('are committed as `npm run schemas` generates them', () => {
    // Prepare
    const generated = eventJsonSchemas();
    // Act
    const committed = readdirSync(directory).sort();
    // Assess
    expect(committed).toEqual(generated.map(({ file }) => file).sort());
    for (const { file, text } of generated) expect(readFileSync(join(directory, file), 'utf8')).toBe(text);
  });

  it('cover every event of events.md', () => {
    // Prepare: the contract's detail-types. Act
    const detailTypes = EVENT_CATALOG.map((entry) => entry.detailType);
    // Assess
    expect(detailTypes).toEqual([
      'Record Upsert',
      'Record Delete',
      'Association Change',
      'Workflow Enroll',
      'Record Changed',
      'Enrollment Started',
      'Enrollment Ended',
      'Action Failed',
      'Goal Met',
    ]);
  });
});

describe('RecordUpsertDetailSchema', () => {
  it.each([
    ['by idProperty', { objectType: 'contacts', idProperty: 'email', properties: { email: 'a@b.c' } }, true],
    ['by id', { objectType: 'contacts', id: 'c1', properties: {} }, true],
    ['neither: creates', { objectType: 'deals', properties: { dealname: 'x' } }, true],
    [
      'both id and idProperty',
      { objectType: 'contacts', id: 'c1', idProperty: 'email', properties: {} },
      false,
    ],
    ['an unknown object type', { objectType: 'people', properties: {} }, false],
    ['an unknown field', { objectType: 'contacts', properties: {}, extra: 1 }, false],
    ['no properties', { objectType: 'contacts' }, false],
  ])('%s', (_name, detail, valid) => {
    // Prepare: the case. Act
    const parsed = RecordUpsertDetailSchema.safeParse(detail);
    // Assess
    expect(parsed.success).toBe(valid);
  });
});
