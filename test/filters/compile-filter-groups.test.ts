import { describe, expect, it } from 'vitest';
import { compilationCount, compileFilterGroups } from '../../shared/filters/compile-filter-groups.ts';
import type { FilterGroups } from '../../shared/filters/filter.schema.ts';
import { compiledCriteria, explainFilters, matchFilters } from '../../shared/filters/match-filters.ts';
import { allOf, contact } from './filter-test-helpers.ts';

const criteria = (): FilterGroups => allOf({ property: 'country', operator: 'eq', value: 'FR' });

describe('compileFilterGroups', () => {
  it('compiles criteria that match as matchFilters does', () => {
    // Prepare
    const compiled = compileFilterGroups(criteria());

    // Act
    const results = [compiled.match(contact({ country: 'fr' })), compiled.match(contact({ country: 'de' }))];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('counts each compilation', () => {
    // Prepare
    const before = compilationCount();

    // Act
    compileFilterGroups(criteria());
    compileFilterGroups(criteria());

    // Assess
    expect(compilationCount() - before).toBe(2);
  });

  it('compiles "no criteria" into criteria that never match', () => {
    expect(compileFilterGroups([]).match(contact({}))).toBe(false);
  });
});

describe('matchFilters', () => {
  it('compiles a criteria object once, however often it is evaluated', () => {
    // Prepare
    const reused = criteria();
    const before = compilationCount();

    // Act
    for (const country of ['FR', 'DE', 'fr', 'ES']) matchFilters(reused, contact({ country }));
    explainFilters(reused, contact({ country: 'FR' }));

    // Assess
    expect(compilationCount() - before).toBe(1);
    expect(compiledCriteria(reused)).toBe(compiledCriteria(reused));
  });

  it('compiles equal but distinct criteria objects separately', () => {
    // Prepare
    const before = compilationCount();

    // Act
    matchFilters(criteria(), contact({ country: 'FR' }));
    matchFilters(criteria(), contact({ country: 'FR' }));

    // Assess
    expect(compilationCount() - before).toBe(2);
  });

  it('gives equal filters of different workflows the same answers', () => {
    // Prepare: the compiled form of equal filters is shared between criteria.
    const a: FilterGroups = allOf(
      { property: 'score', operator: 'gte', value: 10 },
      { property: 'createdate', operator: 'withinLast', value: 'P1D' },
    );
    const b: FilterGroups = [{ filters: [{ value: 'P1D', operator: 'withinLast', property: 'createdate' }] }];
    const record = { score: 20, createdate: '2026-03-01T12:00:00Z' };

    // Act
    const results = [
      matchFilters(a, contact(record, { now: new Date('2026-03-02T00:00:00Z') })),
      matchFilters(b, contact(record, { now: new Date('2026-03-05T00:00:00Z') })),
      matchFilters(a, contact(record, { now: new Date('2026-03-02T00:00:00Z') })),
      matchFilters(b, contact(record, { now: new Date('2026-03-02T00:00:00Z') })),
    ];

    // Assess
    expect(results).toEqual([true, false, true, true]);
  });

  it('keeps includeEmpty apart when sharing equal filters', () => {
    // Prepare
    const strict = allOf({ property: 'city', operator: 'neq', value: 'Paris' });
    const lenient = allOf({ property: 'city', operator: 'neq', value: 'Paris', includeEmpty: true });

    // Act
    const results = [matchFilters(strict, contact({})), matchFilters(lenient, contact({}))];

    // Assess
    expect(results).toEqual([false, true]);
  });
});
