import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FilterSchema } from '../../../shared/core/filters/filter.schema.ts';
import { BUILTIN_PROPERTIES } from '../../../shared/core/records/builtin-properties.ts';
import {
  ENROLLABLE_OBJECT_TYPES,
  type EnrollableObjectType,
} from '../../../shared/core/records/object-types.ts';
import { validateFilters } from '../../../shared/core/workflow/validate-filters.ts';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';

// The examples of the contract (workflow.md), copied into the repository: a filter per line, and the full workflow.
const CONTRACT = new URL('../../fixtures/contract/', import.meta.url);
const filterLines = readFileSync(new URL('filter-examples.jsonl', CONTRACT), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');
const workflows = [readFileSync(new URL('workflow-example.json', CONTRACT), 'utf8')];

/**
 * The object type a single filter line belongs to: a filter names properties of one object type, and the spec
 * lists filters of several (`amount` is a deal's or a quote's). The first enrollable type that has the
 * property; for `<objectType>.<property>`, the first type other than the prefix (contacts for
 * `companies.industry`); contacts for list filters.
 */
const objectTypeOf = (filter: Record<string, unknown>): EnrollableObjectType => {
  const property = typeof filter.property === 'string' ? filter.property : undefined;
  if (property === undefined) return 'contacts';
  const [prefix, name] = property.includes('.') ? property.split('.') : [undefined, property];
  const owner = ENROLLABLE_OBJECT_TYPES.find(
    (type) =>
      type !== prefix &&
      (prefix === undefined
        ? BUILTIN_PROPERTIES[type].some((definition) => definition.name === name)
        : type === 'contacts' || prefix === 'contacts'),
  );
  if (!owner) throw new Error(`no object type has "${property}"`);
  return owner;
};

describe("the contract's examples (workflow.md)", () => {
  it('has filter lines and a full workflow to check', () => {
    expect(filterLines.length).toBeGreaterThanOrEqual(7);
    expect(workflows.length).toBeGreaterThanOrEqual(1);
  });

  it.each(filterLines)('accepts the filter %s', (line) => {
    // Prepare
    const filter = JSON.parse(line) as Record<string, unknown>;
    const objectType = objectTypeOf(filter);

    // Act
    const result = validateFilters([{ filters: [filter] }], { objectType });

    // Assess
    expect(FilterSchema.safeParse(filter).success).toBe(true);
    expect(result).toMatchObject({ ok: true });
  });

  it('puts each filter line on the object type that has its property', () => {
    const types = filterLines.map((line) => [
      JSON.parse(line).property ?? JSON.parse(line).operator,
      objectTypeOf(JSON.parse(line)),
    ]);
    expect(types).toEqual(
      expect.arrayContaining([
        ['country', 'contacts'],
        ['amount', 'deals'],
        ['companies.industry', 'contacts'],
        ['createdate', 'contacts'],
        ['inList', 'contacts'],
      ]),
    );
  });

  it.each(workflows)('accepts the full workflow %#', (block) => {
    const result = validateWorkflow(JSON.parse(block));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  describe('inline examples', () => {
    const base = () => JSON.parse(workflows[0] ?? '{}') as Record<string, unknown>;

    it('accepts a fixedDate anchor', () => {
      expect(validateWorkflow({ ...base(), anchor: { type: 'fixedDate', date: '2027-03-15' } }).ok).toBe(
        true,
      );
    });

    it('accepts a dateProperty anchor on closedate (deals)', () => {
      const deals = {
        name: 'Renewal',
        objectType: 'deals',
        enrollment: { trigger: 'manual' },
        anchor: { type: 'dateProperty', property: 'closedate', recurAnnually: false },
        startActionId: 'a1',
        actions: [{ id: 'a1', type: 'delayUntilAnchor', offset: '-P30D', time: '09:00', next: null }],
      };
      expect(validateWorkflow(deals)).toMatchObject({ ok: true });
    });

    it('accepts target "self" and { "associated": "<objectType>" }, and onError', () => {
      const json = {
        ...base(),
        startActionId: 'x1',
        actions: [
          { id: 'x1', type: 'setProperty', property: 'city', value: 'Paris', target: 'self', next: 'x2' },
          {
            id: 'x2',
            type: 'setProperty',
            property: 'city',
            value: 'Paris',
            target: { associated: 'companies' },
            onError: 'stop',
            next: null,
          },
        ],
      };
      expect(validateWorkflow(json)).toMatchObject({ ok: true });
    });
  });
});
