import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedCompiledFilter } from '../../../shared/core/filters/compile-filter.ts';
import type { FilterInput } from '../../../shared/core/filters/filter-input.ts';
import { runInstruction } from '../../../shared/core/filters/filter-instruction.ts';
import { typeOf } from '../../../shared/core/filters/filter-options.ts';
import { explainFilters, matchFilters } from '../../../shared/core/filters/match-filters.ts';
import {
  criteriaArbitrary,
  filterArbitrary,
  inputFor,
  kinOf,
  NOW,
  recordValue,
  typesArbitrary,
} from './filter-arbitraries.ts';

const RUNS = 2_000;

/** A filter and the values of two records, often what it names (or kin of it). */
const withValues = filterArbitrary.chain((filter) => {
  const kin = kinOf(filter);
  const value =
    kin.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...kin) }, recordValue) : recordValue;
  return fc.tuple(fc.constant(filter), value, value);
});

/** A record whose (own or first associated) property `path` holds `value`, changed by the change evaluated. */
const recordWith = (path: string, value: unknown): FilterInput => {
  const [type, name] = path.includes('.') ? path.split('.') : [undefined, path];
  const bag = value === undefined ? {} : { [name!]: value };
  return {
    objectType: 'contacts',
    properties: type ? {} : bag,
    ...(type ? { associated: { [type]: [bag] } } : {}),
    changedProperties: [path],
    lists: ['lst_a'],
    now: NOW,
  };
};

describe('matchFilters against its explanation', () => {
  it('answers as explainFilters, which evaluates every filter through its compiled test', () => {
    fc.assert(
      fc.property(
        criteriaArbitrary().chain((criteria) => fc.tuple(fc.constant(criteria), inputFor([criteria]))),
        typesArbitrary,
        ([criteria, input], types) => {
          const options = types ? { types } : undefined;
          const explanation = explainFilters(criteria, input, options);
          expect(matchFilters(criteria, input, options)).toBe(explanation.matched);
          for (const group of explanation.groups) {
            expect(group.matched).toBe(group.filters.every((filter) => filter.result));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('runs each filter in place (its instruction) as its compiled test answers, two records in turn', () => {
    fc.assert(
      fc.property(withValues, typesArbitrary, ([filter, first, second], types) => {
        const compiled = sharedCompiledFilter(
          filter,
          'property' in filter ? typeOf(types, filter.property) : undefined,
        );
        const path = 'property' in filter ? filter.property : 'city';
        // Twice each, in turn: an instruction remembers the last value it compared.
        for (const value of [first, second, first, second]) {
          const input = recordWith(path, value);
          expect(runInstruction(compiled.instruction, input, { input, nowMs: undefined })).toBe(
            compiled.test(input, { input, nowMs: undefined }),
          );
        }
      }),
      // Each run is a few microseconds: many, so that rare meetings (a boolean and "true") come up.
      { numRuns: 20 * RUNS },
    );
  });
});
