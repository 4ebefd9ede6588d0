import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatchMatcher } from '../../../shared/core/filters/batch-matcher.ts';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { PropertyBag } from '../../../shared/core/filters/filter-input.ts';
import { allOf, contact } from './filter-test-helpers.ts';

const french: FilterGroups = allOf({ property: 'country', operator: 'eq', value: 'FR' });
const leads: FilterGroups = allOf({ property: 'stage', operator: 'in', values: ['lead'] });
const big: FilterGroups = [
  { filters: [{ property: 'score', operator: 'gte', value: 50 }] },
  { filters: [{ property: 'country', operator: 'eq', value: 'DE' }] },
];

/** A unique text, so that no memo of an earlier test already holds its normal forms. */
let serial = 0;
const unique = (prefix: string): string => {
  serial += 1;
  return `${prefix} ${serial} ${Math.random().toString(36).slice(2)}`;
};

describe('createBatchMatcher', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers the ids whose criteria match, in the order they were given', () => {
    // Prepare
    const batch = createBatchMatcher([
      { id: 'wf_big', criteria: big },
      { id: 'wf_fr', criteria: french },
      { id: 'wf_none', criteria: [] },
      { id: 'wf_lead', criteria: leads },
    ]);

    // Act
    const matched = batch.match(contact({ country: 'fr', stage: 'Lead', score: 70 }));

    // Assess
    expect(matched).toEqual(['wf_big', 'wf_fr', 'wf_lead']);
  });

  it('keeps an id in its place when its criteria are replaced, and forgets a deleted one', () => {
    // Prepare
    const batch = createBatchMatcher([
      { id: 'wf_1', criteria: french },
      { id: 'wf_2', criteria: leads },
      { id: 'wf_3', criteria: french },
    ]);
    const record = contact({ country: 'FR', stage: 'lead' });

    // Act
    batch.set('wf_1', big);
    batch.set('wf_4', leads);
    const deleted = [batch.delete('wf_3'), batch.delete('wf_3')];

    // Assess
    expect(deleted).toEqual([true, false]);
    expect([batch.size, batch.has('wf_3'), batch.has('wf_4')]).toEqual([3, false, true]);
    expect(batch.match(record)).toEqual(['wf_2', 'wf_4']);
    expect(batch.match(contact({ score: 99, stage: 'lead' }))).toEqual(['wf_1', 'wf_2', 'wf_4']);
  });

  it('evaluates a filter that many criteria share once per record', () => {
    // Prepare: 100 workflows share one filter; the record counts the reads of the property it tests.
    let reads = 0;
    const properties: PropertyBag = {
      get country() {
        reads += 1;
        return 'FR';
      },
    };
    const entries = Array.from({ length: 100 }, (_, i) => ({
      id: `wf_${i}`,
      criteria: allOf({ property: 'country', operator: 'eq', value: 'FR' }),
    }));
    const batch = createBatchMatcher(entries);

    // Act
    const matched = batch.match(contact(properties));

    // Assess
    expect(matched).toHaveLength(100);
    expect(reads).toBe(1);
  });

  it('normalises each record value once for all the filters that read it', () => {
    // Prepare: many distinct filters on one text and one date property.
    const city = unique('Saint-Étienne');
    const created = `2026-03-01T10:00:00.${String(serial).padStart(3, '0')}Z`;
    const entries = Array.from({ length: 50 }, (_, i) => ({
      id: `wf_${i}`,
      criteria: [
        {
          filters: [
            { property: 'city', operator: 'contains', value: `x${i}` } as const,
            {
              property: 'created',
              operator: 'gt',
              value: `2026-02-${String(1 + (i % 28)).padStart(2, '0')}`,
            } as const,
          ],
        },
        { filters: [{ property: 'city', operator: 'neq', value: `y${i}` } as const] },
        {
          filters: [
            {
              property: 'created',
              operator: 'lt',
              value: `2025-01-${String(1 + (i % 28)).padStart(2, '0')}`,
            } as const,
          ],
        },
      ],
    }));
    const batch = createBatchMatcher(entries);
    const lowered = vi.spyOn(String.prototype, 'toLowerCase');
    const parsed = vi.spyOn(DateTime, 'fromISO');

    // Act
    const matched = batch.match(contact({ city, created }));

    // Assess
    expect(matched).toHaveLength(50);
    expect(lowered.mock.contexts.filter((text) => `${text}` === city)).toHaveLength(1);
    expect(parsed.mock.calls.filter(([text]) => text === created)).toHaveLength(1);
  });

  it('reads one record id by id, each shared filter still evaluated once', () => {
    // Prepare
    let reads = 0;
    const properties: PropertyBag = {
      get stage() {
        reads += 1;
        return 'lead';
      },
    };
    const batch = createBatchMatcher([
      { id: 'wf_1', criteria: leads },
      { id: 'wf_2', criteria: allOf({ property: 'stage', operator: 'in', values: ['lead'] }) },
    ]);

    // Act
    const reading = batch.read(contact(properties));
    const answers = [reading.matches('wf_2'), reading.matches('wf_1'), reading.matches('wf_unknown')];

    // Assess
    expect(answers).toEqual([true, true, false]);
    expect(reading.matching(['wf_unknown', 'wf_1'])).toEqual(['wf_1']);
    expect(reads).toBe(1);
  });

  it('evaluates only the criteria a change can affect', () => {
    // Prepare
    const batch = createBatchMatcher([
      { id: 'wf_fr', criteria: french },
      { id: 'wf_lead', criteria: leads },
      { id: 'wf_big', criteria: big },
      { id: 'wf_none', criteria: [] },
    ]);
    const record = contact({ country: 'FR', stage: 'lead', score: 80 }, { changedProperties: ['country'] });

    // Act
    const affected = batch.affected({ changedProperties: ['country'] });
    const matched = batch.matchAffected(record, { changedProperties: ['country'] });
    const onCreation = batch.matchAffected(record, { created: true, changedProperties: [] });

    // Assess
    expect(affected).toEqual(['wf_fr', 'wf_big']);
    expect(matched).toEqual(['wf_fr', 'wf_big']);
    expect(onCreation).toEqual(['wf_fr', 'wf_lead', 'wf_big']);
  });

  it('compares as the property types say', () => {
    // Prepare
    const criteria = allOf({ property: 'title', operator: 'eq', value: '2026-03-01' });
    const typed = createBatchMatcher([{ id: 'wf_1', criteria }], { types: { title: 'string' } });
    const inferred = createBatchMatcher([{ id: 'wf_1', criteria }]);
    const record = contact({ title: '2026-03-01T10:00:00Z' });

    // Act
    const results = [typed.match(record), inferred.match(record)];

    // Assess
    expect(results).toEqual([[], ['wf_1']]);
  });

  it('stays right after many edits leave most compiled filters unused', () => {
    // Prepare: every edit replaces a workflow's filters with new ones, 3,000 of them in all.
    const batch = createBatchMatcher([{ id: 'wf_fixed', criteria: french }]);
    const record = contact({ country: 'FR', score: 2_999 });

    // Act
    for (let i = 0; i < 3_000; i += 1) {
      batch.set('wf_edited', allOf({ property: 'score', operator: 'eq', value: i }));
      if (i % 500 === 0) batch.match(record);
    }

    // Assess
    expect(batch.match(record)).toEqual(['wf_fixed', 'wf_edited']);
    expect(batch.match(contact({ country: 'DE', score: 2_998 }))).toEqual([]);
  });
});
