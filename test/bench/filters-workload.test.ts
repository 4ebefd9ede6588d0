import { describe, expect, it } from 'vitest';
import type { FilterGroups } from '../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../shared/core/filters/filter-input.ts';
import { matchFilters } from '../../shared/core/filters/match-filters.ts';
import {
  type FilterBenchResult,
  type FilterWorkloadResult,
  filterWorkloads,
  formatFilterBench,
  prepareWorkload,
  targetsMet,
} from './filters.bench.ts';
import { CONTACT, contactVariant, normalise, siftDocument, toClosure, toSift } from './filters-workload.ts';

describe('the filter benchmark workloads', () => {
  const prepared = filterWorkloads().map(prepareWorkload);
  const byName = new Map(prepared.map((workload) => [workload.workload.name, workload]));

  it('keeps the repeated workload, whose filters repeat', () => {
    expect(byName.get('repeated')).toMatchObject({ distinctFilters: 462, matching: 499 });
  });

  it('adds a varied workload in which nearly every filter is distinct', () => {
    // Prepare
    const varied = byName.get('varied')!;
    const filters = varied.workload.criteria.flatMap((groups) => groups.flatMap((group) => group.filters));

    // Assess
    expect(filters).toHaveLength(10_000);
    expect(varied.distinctFilters).toBeGreaterThanOrEqual(9_900);
  });

  it.each(['repeated', 'varied'])('has the %s workload match about half its workflows', (name) => {
    // prepareWorkload has already checked that matchFilters, sift, the closures and the batch agree on each.
    expect(byName.get(name)!.matching).toBeGreaterThan(300);
    expect(byName.get(name)!.matching).toBeLessThan(700);
  });
});

describe('the hand-written forms of a changed filter', () => {
  const criteria: FilterGroups = [{ filters: [{ property: 'city', operator: 'changed' }] }];
  const forms = {
    sift: (input: FilterInput) => toSift(criteria)(siftDocument(input)),
    closure: (input: FilterInput) => toClosure(criteria)(normalise(input)),
  };

  it.each<[label: string, input: FilterInput, expected: boolean]>([
    [
      'a property the change cleared',
      { objectType: 'contacts', properties: { city: null }, changedProperties: ['city'] },
      true,
    ],
    [
      'a property with a value the change did not touch',
      { objectType: 'contacts', properties: { city: 'Paris' }, changedProperties: ['country'] },
      false,
    ],
    [
      'a property set by the change',
      { objectType: 'contacts', properties: { city: 'Paris' }, changedProperties: ['city'] },
      true,
    ],
  ])('agree with the engine on %s', (_label, input, expected) => {
    // Act
    const results = {
      engine: matchFilters(criteria, input),
      sift: forms.sift(input),
      closure: forms.closure(input),
    };

    // Assess
    expect(results).toEqual({ engine: expected, sift: expected, closure: expected });
  });
});

describe('the hand-written forms of presence filters', () => {
  const absent: FilterInput = { objectType: 'contacts', properties: { city: 'Paris' } };

  it.each<[label: string, criteria: FilterGroups, expected: boolean]>([
    ['hasProperty', [{ filters: [{ property: 'phone', operator: 'hasProperty' }] }], false],
    ['notHasProperty', [{ filters: [{ property: 'phone', operator: 'notHasProperty' }] }], true],
    ['neq', [{ filters: [{ property: 'phone', operator: 'neq', value: '+33' }] }], false],
  ])('agree with the engine on %s of a property the record lacks', (_label, criteria, expected) => {
    // Act
    const results = {
      engine: matchFilters(criteria, absent),
      sift: toSift(criteria)(siftDocument(absent)),
      closure: toClosure(criteria)(normalise(absent)),
    };

    // Assess
    expect(results).toEqual({ engine: expected, sift: expected, closure: expected });
  });
});

describe('contactVariant', () => {
  it('moves numbers and dates and cases texts anew, on the contact and its associated records', () => {
    // Act
    const [first, second] = [contactVariant(CONTACT, 1), contactVariant(CONTACT, 2)];

    // Assess
    expect(first.properties).toMatchObject({
      score: 73,
      birthdate: '1984-11-08',
      createdate: '2026-02-21T09:30:00.000Z',
      city: 'PARIS',
      leadstatus: null,
    });
    expect(second.properties).toMatchObject({ score: 74, birthdate: '1984-11-09', city: 'paris' });
    expect(first.associated?.deals).toEqual([
      { dealname: 'LAB KIT', amount: 12_001, dealstage: 'CONTRACTSENT', closedate: '2026-05-01' },
    ]);
    expect(first.lists).toEqual(CONTACT.lists);
  });
});

describe('formatFilterBench', () => {
  const workload = (name: string, batchOps: number): FilterWorkloadResult => {
    const ops = {
      sift: 50,
      closures: 2_000,
      matchFilters: 1_600,
      batch: batchOps,
      indexed: 5_000,
      batchIndexed: 9_000,
      siftInTurn: 40,
      matchFiltersInTurn: 600,
      batchInTurn: 900,
    };
    const ratios = {
      batchOverSift: ops.batch / ops.sift,
      batchOverClosures: ops.batch / ops.closures,
      matchFiltersOverSift: ops.matchFilters / ops.sift,
    };
    const targets = { batchOverSift: 50, batchOverClosures: 1, matchFiltersOverSift: 30 };
    return {
      name,
      description: `${name} values`,
      workflows: 1_000,
      filtersPerWorkflow: 10,
      distinctFilters: name === 'varied' ? 9_940 : 462,
      matchingWorkflows: 500,
      opsPerSecond: ops,
      indexed: { changedProperty: 'city', evaluated: 600 },
      ratios,
      targets,
      targetsMet: targetsMet(ratios, targets),
    };
  };

  it('prints every workload, its ratios against their targets, and which missed them', () => {
    // Prepare
    const workloads = [workload('repeated', 3_000), workload('varied', 1_000)];
    const result: FilterBenchResult = { workloads, targetsMet: workloads.every((w) => w.targetsMet) };

    // Act
    const text = formatFilterBench(result);

    // Assess
    expect(text).toContain(
      'filters, repeated (repeated values): 1 contact × 1000 workflows × 10 filters, 462 of 10000 distinct',
    );
    expect(text).toContain(
      'filters, varied (varied values): 1 contact × 1000 workflows × 10 filters, 9940 of 10000 distinct',
    );
    expect(text).toMatch(/batch \/ sift {15}60\.00× \(target ≥ 50×\).*batch \/ sift {15}20\.00×/s);
    expect(text).toContain('batch / closures            1.50× (target ≥ 1×)');
    expect(text).toContain('matchFilters / sift        32.00× (target ≥ 30×)');
    expect(text).toContain('sift, 3 contacts in turn         40 ops/s');
    expect(text).toContain('matchFilters, in turn           600 ops/s');
    expect(text).toContain('batch matcher, in turn          900 ops/s');
    expect(text).toMatch(/matchFilters \/ sift, 3 contacts in turn .*no target\) 15\.00×/);
    expect(text.match(/targets (NOT )?met$/gm)).toEqual(['targets met', 'targets NOT met']);
    expect(text).toContain('filters: targets NOT met on repeated and varied');
  });
});
