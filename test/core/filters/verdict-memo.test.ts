import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import { MEMO } from '../../../shared/core/filters/filter-instruction.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contactWith } from './filter-test-helpers.ts';

// A full collection on demand: the flag, then `gc` from a fresh context.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Collects until the finalization callbacks of the garbage have run. */
const collectGarbage = async (): Promise<void> => {
  for (let round = 0; round < 4; round += 1) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

// More distinct filters than the compiled-filter sharing table keeps, so that it lets go of the first ones.
const BATCH = 25_000;

const criteriaOn = (prefix: string, i: number): FilterGroups =>
  allOf({ property: `${prefix}_${i}`, operator: 'eq', value: 'x' });

/** A batch of criteria on `prefix_<i>`, each evaluated once on "x" (true, remembered). */
const evaluateOnX = (prefix: string): FilterGroups[] => {
  const batch = Array.from({ length: BATCH }, (_, i) => criteriaOn(prefix, i));
  for (const [i, criteria] of batch.entries()) matchFilters(criteria, contactWith(`${prefix}_${i}`, 'x'));
  return batch;
};

describe('the verdict memo', () => {
  it('gives the slots of dropped filters to new ones, without their remembered verdicts', async () => {
    // Prepare: filters compiled and evaluated (each remembers "x" → true), held by nothing afterwards.
    evaluateOnX('old');
    // Another batch pushes the first one out of the sharing table; the first batch is then garbage.
    const second = evaluateOnX('mid');
    await collectGarbage();
    const slotsBefore = MEMO.entries.length;

    // Act: new filters take the freed slots, and meet the value "x" the slots remembered (true) on their property.
    const unequal = Array.from({ length: 1_000 }, (_, i) =>
      allOf({ property: `ne_${i}`, operator: 'eq', value: 'y' }),
    );
    const equal = Array.from({ length: 1_000 }, (_, i) =>
      allOf({ property: `eq_${i}`, operator: 'eq', value: 'x' }),
    );
    const onX = [
      ...unequal.map((criteria, i) => matchFilters(criteria, contactWith(`ne_${i}`, 'x'))),
      ...equal.map((criteria, i) => matchFilters(criteria, contactWith(`eq_${i}`, 'x'))),
    ];
    const onY = unequal.map((criteria, i) => matchFilters(criteria, contactWith(`ne_${i}`, 'y')));

    // Assess
    expect(MEMO.entries.length).toBe(slotsBefore);
    expect(onX).toEqual([...unequal.map(() => false), ...equal.map(() => true)]);
    expect(onY.every((verdict) => verdict)).toBe(true);
    // The second batch, still held, kept its slots and verdicts.
    expect(second.every((criteria, i) => matchFilters(criteria, contactWith(`mid_${i}`, 'x')))).toBe(true);
  });
});
