import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatchMatcher } from '../../../shared/core/filters/batch-matcher.ts';
import { createCriteriaIndex } from '../../../shared/core/filters/criteria-index.ts';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../../shared/core/filters/filter-input.ts';
import type { FilterOptions } from '../../../shared/core/filters/filter-options.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import {
  criteriaArbitrary,
  filterArbitrary,
  inputArbitrary,
  inputFor,
  manyCriteriaArbitrary,
  typesArbitrary,
} from './filter-arbitraries.ts';

const RUNS = 600;

/** Many workflows' criteria and a record whose values are often what their filters name. */
const withInput = manyCriteriaArbitrary.chain((criteria) =>
  fc.tuple(fc.constant(criteria), inputFor(criteria)),
);

const entriesOf = (criteria: readonly FilterGroups[]) =>
  criteria.map((groups, i) => ({ id: `wf_${i}`, criteria: groups }));

/** The ids `matchFilters` says match, one criteria at a time. */
const oneByOne = (
  entries: readonly { id: string; criteria: FilterGroups }[],
  input: FilterInput,
  options: FilterOptions | undefined,
): string[] =>
  entries.filter((entry) => matchFilters(entry.criteria, input, options)).map((entry) => entry.id);

/** A change as the criteria index reads it: what the input says changed, and maybe more. */
const changeArbitrary = fc.record({
  created: fc.boolean(),
  associatedTypes: fc.subarray(['companies', 'deals']),
  listsChanged: fc.boolean(),
});

describe('the batch matcher against matchFilters', () => {
  it('matches the same ids on every generated criteria, record, change and types', () => {
    fc.assert(
      fc.property(withInput, typesArbitrary, ([criteria, input], types) => {
        // Prepare
        const entries = entriesOf(criteria);
        const options = types ? { types } : undefined;
        const batch = createBatchMatcher(entries, options);

        // Act
        const reading = batch.read(input);
        const byId = entries.map((entry) => reading.matches(entry.id));

        // Assess
        const expected = oneByOne(entries, input, options);
        expect(batch.match(input)).toEqual(expected);
        expect(entries.filter((_, i) => byId[i]).map((entry) => entry.id)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('matches, among the ids a change can affect, those matchFilters matches', () => {
    fc.assert(
      fc.property(withInput, changeArbitrary, typesArbitrary, ([criteria, input], extra, types) => {
        // Prepare
        const entries = entriesOf(criteria);
        const options = types ? { types } : undefined;
        const batch = createBatchMatcher(entries, options);
        const change = { ...extra, changedProperties: input.changedProperties ?? [] };

        // Act
        const affected = batch.affected(change);
        const matched = batch.matchAffected(input, change);

        // Assess
        expect(affected).toEqual(createCriteriaIndex(entries).affected(change));
        const expected = new Set(oneByOne(entries, input, options));
        expect(matched).toEqual(affected.filter((id) => expected.has(id)));
      }),
      { numRuns: RUNS },
    );
  });

  it('stays equal to matchFilters as criteria are set, replaced and deleted', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id: fc.nat(5), criteria: criteriaArbitrary() }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.nat(5) }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.array(inputArbitrary, { minLength: 1, maxLength: 3 }),
        (steps, inputs) => {
          // Prepare
          const batch = createBatchMatcher();
          const live = new Map<string, FilterGroups>();
          const readings = inputs.map((input) => batch.read(input));

          for (const change of steps) {
            // Act
            const id = `wf_${change.id}`;
            if (change.kind === 'set') {
              batch.set(id, change.criteria);
              live.set(id, change.criteria);
            } else {
              expect(batch.delete(id)).toBe(live.delete(id));
            }

            // Assess: readings begun before the change answer as fresh ones.
            const entries = [...live].map(([key, criteria]) => ({ id: key, criteria }));
            expect(batch.size).toBe(live.size);
            for (const [i, input] of inputs.entries()) {
              const expected = oneByOne(entries, input, undefined);
              expect(batch.match(input)).toEqual(expected);
              expect(readings[i]!.matching(live.keys())).toEqual(expected);
            }
          }
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('answers false for an id it does not hold', () => {
    fc.assert(
      fc.property(
        fc.array(filterArbitrary, { minLength: 1, maxLength: 3 }),
        inputArbitrary,
        (filters, input) => {
          const batch = createBatchMatcher([{ id: 'wf_1', criteria: [{ filters }] }]);
          expect(batch.read(input).matches('wf_2')).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });
});
