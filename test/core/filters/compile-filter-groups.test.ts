import { describe, expect, it } from 'vitest';
import { sharingKeyOf } from '../../../shared/core/filters/compile-filter.ts';
import { compilationCount, compileFilterGroups } from '../../../shared/core/filters/compile-filter-groups.ts';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import {
  compiledCriteria,
  explainFilters,
  matchFilters,
} from '../../../shared/core/filters/match-filters.ts';
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

  it('leaves no trace a caller sees on the criteria it compiled', () => {
    // Prepare
    const reused = criteria();
    const copy = structuredClone(reused);

    // Act
    matchFilters(reused, contact({ country: 'FR' }));

    // Assess: the compiled form is carried by a non-enumerable symbol only.
    expect(JSON.stringify(reused)).toBe(JSON.stringify(copy));
    expect(Object.keys(reused)).toEqual(['0']);
    expect([...reused]).toEqual(copy);
    expect(reused).toStrictEqual(copy);
  });

  it('compiles frozen criteria once and matches them as any others', () => {
    // Prepare
    // FilterGroups is a mutable array type; the engine never writes to criteria.
    const frozen = Object.freeze(criteria()) as FilterGroups;
    const before = compilationCount();

    // Act
    const results = ['FR', 'DE', 'fr'].map((country) => matchFilters(frozen, contact({ country })));

    // Assess
    expect(results).toEqual([true, false, true]);
    expect(compilationCount() - before).toBe(1);
  });

  it('reads each own property once per call, however many filters of however many groups compare it', () => {
    // Prepare: filters on one property sit side by side; a group that fails hands its last read to the next one.
    const groups: FilterGroups = [
      {
        filters: [
          { property: 'score', operator: 'gte', value: 10 },
          { property: 'city', operator: 'eq', value: 'Paris' },
          { property: 'score', operator: 'lt', value: 50 },
        ],
      },
      { filters: [{ property: 'score', operator: 'gte', value: 90 }] },
    ];
    const reads: string[] = [];
    const counted = (properties: Record<string, unknown>) =>
      new Proxy(properties, {
        get: (target, name) => {
          if (typeof name === 'string') reads.push(name);
          return Reflect.get(target, name);
        },
      });
    const records = [
      { score: 20, city: 'Paris' },
      { score: 60, city: 'Paris' },
      { score: 95, city: 'Lyon' },
      { score: 5, city: 'Paris' },
    ];

    // Act
    const results = records.map((properties) => {
      reads.length = 0;
      const matched = matchFilters(groups, { objectType: 'contacts', properties: counted(properties) });
      return { matched, reads: [...reads].sort() };
    });

    // Assess: the answers, and each property read at most once a call (none for a group ruled out before it).
    expect(results).toEqual([
      { matched: true, reads: ['city', 'score'] },
      { matched: false, reads: ['city', 'score'] },
      { matched: true, reads: ['city', 'score'] },
      { matched: false, reads: ['city', 'score'] },
    ]);
  });

  it('answers false without the evaluation instant when another filter of the group rules the record out', () => {
    // Prepare: a time filter needs `input.now`; written first, it still runs after the group's other filters.
    const groups: FilterGroups = [
      {
        filters: [
          { property: 'birthdate', operator: 'withinLast', value: 'P7D' },
          { property: 'tier', operator: 'containsToken', value: 'gold' },
        ],
      },
    ];
    const record = {
      objectType: 'contacts',
      properties: { tier: 'silver', birthdate: '2026-03-01' },
    } as const;

    // Act
    const matched = matchFilters(groups, record);
    const explained = () => explainFilters(groups, record);

    // Assess: matchFilters rules the record out first; explainFilters evaluates every filter, so it needs `now`.
    expect(matched).toBe(false);
    expect(explained).toThrow(/needs the evaluation instant/);
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

  it.each([
    ['Infinity first', 'score', [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], [true, false]],
    ['-Infinity first', 'rank', [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY], [false, true]],
  ] as const)(
    'keeps infinite bounds apart when sharing equal filters (%s)',
    (_label, property, bounds, expected) => {
      // Prepare: each property is used by this case only, so that no other case has compiled its filters.
      const record = contact({ [property]: 72 });

      // Act
      const results = bounds.map((value) => matchFilters(allOf({ property, operator: 'lt', value }), record));

      // Assess
      expect(results).toEqual(expected);
    },
  );
});

describe('sharingKeyOf', () => {
  it('gives values JSON cannot write their own keys', () => {
    // Prepare: values outside the schema reach the engine too when callers skip validation.
    const values: unknown[] = [
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      undefined,
      null,
      0,
      'Infinity',
      '\u0000Infinity',
      '\u0000\u0000Infinity',
      'null',
    ];

    // Act
    const keys = values.map((value) => sharingKeyOf({ property: 'score', operator: 'lt', value } as never));

    // Assess
    expect(new Set(keys).size).toBe(values.length);
  });

  it('gives equal filters equal keys', () => {
    expect(sharingKeyOf({ property: 'score', operator: 'lt', value: Number.NaN })).toBe(
      sharingKeyOf({ value: Number.NaN, operator: 'lt', property: 'score' }),
    );
  });
});
