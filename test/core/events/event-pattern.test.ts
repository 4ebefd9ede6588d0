import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesEventPattern } from '../../../shared/core/events/event-pattern.ts';
import { EVENT_RULES } from '../../../shared/core/events/event-rules.ts';

const event = (source: string, detailType: string, detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e-1',
  source,
  'detail-type': detailType,
  account: '000000000000',
  region: 'local',
  time: '2027-01-04T08:00:00Z',
  resources: ['arn:aws:x:local:1:thing/a'],
  detail,
});

describe('matchesEventPattern', () => {
  const cases: [string, EventPattern, unknown, boolean][] = [
    ['an exact value', { source: ['shop'] }, event('shop', 'X'), true],
    ['another value', { source: ['shop'] }, event('crm', 'X'), false],
    ['one of several values', { 'detail-type': ['A', 'X'] }, event('shop', 'X'), true],
    ['a prefix', { source: [{ prefix: 'crm.' }] }, event('crm.records', 'X'), true],
    ['a prefix not there', { source: [{ prefix: 'crm.' }] }, event('shop.crm.', 'X'), false],
    ['anything-but a prefix', { source: [{ 'anything-but': { prefix: 'crm.' } }] }, event('shop', 'X'), true],
    [
      'anything-but a prefix, hit',
      { source: [{ 'anything-but': { prefix: 'crm.' } }] },
      event('crm.x', 'X'),
      false,
    ],
    ['anything-but values', { source: [{ 'anything-but': ['a', 'b'] }] }, event('c', 'X'), true],
    ['anything-but values, hit', { source: [{ 'anything-but': ['a', 'b'] }] }, event('b', 'X'), false],
    ['anything-but one value', { source: [{ 'anything-but': 'a' }] }, event('a', 'X'), false],
    ['a missing field', { detail: { plan: ['pro'] } }, event('s', 'X'), false],
    ['a nested field', { detail: { plan: ['pro'] } }, event('s', 'X', { plan: 'pro' }), true],
    ['a number', { detail: { n: [4] } }, event('s', 'X', { n: 4 }), true],
    ['null', { detail: { n: [null] } }, event('s', 'X', { n: null }), true],
    ['exists: true', { detail: { n: [{ exists: true }] } }, event('s', 'X', { n: 1 }), true],
    ['exists: false', { detail: { n: [{ exists: false }] } }, event('s', 'X', {}), true],
    ['exists: false, present', { detail: { n: [{ exists: false }] } }, event('s', 'X', { n: 1 }), false],
    ['an array element', { resources: [{ prefix: 'arn:aws:x' }] }, event('s', 'X'), true],
    ['every field must match', { source: ['shop'], 'detail-type': ['Y'] }, event('shop', 'X'), false],
    ['an object where a value is wanted', { detail: ['x'] }, event('s', 'X', { a: 1 }), false],
    ['not an event', { source: ['shop'] }, 'shop', false],
  ];

  it.each(cases)('%s', (_name, pattern, input, expected) => {
    // Prepare: the case. Act
    const matched = matchesEventPattern(pattern, input);
    // Assess
    expect(matched).toBe(expected);
  });
});

describe('EVENT_RULES', () => {
  const targetsOf = (input: unknown) =>
    EVENT_RULES.filter((rule) => matchesEventPattern(rule.eventPattern, input)).map((rule) => rule.target);

  const cases: [string, unknown, string[]][] = [
    ['Record Upsert from an application', event('shop.orders', 'Record Upsert'), ['ingest']],
    ['Record Delete from an application', event('shop', 'Record Delete'), ['ingest']],
    ['Association Change from an application', event('shop', 'Association Change'), ['ingest']],
    ['Workflow Enroll from an application', event('shop', 'Workflow Enroll'), ['ingest']],
    ['an inbound type from a crm. source', event('crm.records', 'Record Upsert'), []],
    ['a crm-like source that is not crm.', event('crmx', 'Record Upsert'), ['ingest']],
    ['Record Changed', event('crm.records', 'Record Changed'), ['enrollment']],
    ['Record Changed from an application', event('shop', 'Record Changed'), []],
    ['Enrollment Started (for subscribers only)', event('crm.workflows', 'Enrollment Started'), []],
    ['an unknown type', event('shop', 'Order Placed'), []],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    // Prepare: the case. Act
    const targets = targetsOf(input);
    // Assess
    expect(targets).toEqual(expected);
  });

  it('are plain data that the CDK construct can use as they are', () => {
    // Prepare
    const names = EVENT_RULES.map((rule) => rule.name);
    // Act
    const copy = JSON.parse(JSON.stringify(EVENT_RULES));
    // Assess
    expect(copy).toEqual(EVENT_RULES);
    expect(new Set(names).size).toBe(names.length);
  });
});
