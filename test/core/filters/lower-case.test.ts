import { describe, expect, it } from 'vitest';
import { equalsLowerCase, lowerCase } from '../../../shared/core/filters/lower-case.ts';

describe('equalsLowerCase', () => {
  it.each<[text: string, other: string]>([
    ['FR', 'fr'],
    ['fr', 'fr'],
    ['Jo@Example.COM', 'jo@example.com'],
    ['ÉVRY', 'évry'],
    ['İstanbul', 'i̇stanbul'],
    ['\u212A', 'k'],
    ['ΣΊΣΥΦΟΣ', 'σίσυφοσ'],
    ['', ''],
    ['FR', 'de'],
    ['FR', 'fra'],
    ['Istanbul', 'i̇stanbul'],
    ['[', '{'],
    ['@', '`'],
    ['É', 'e'],
  ])('agrees with toLowerCase on %j and %j', (text, other) => {
    const lower = other.toLowerCase();
    expect(equalsLowerCase(text, lower)).toBe(text.toLowerCase() === lower);
  });
});

describe('lowerCase', () => {
  it.each(['FR', 'Ünïcödé', 'x'.repeat(1_000).toUpperCase()])('lowercases %s as toLowerCase does', (text) => {
    expect([lowerCase(text), lowerCase(text)]).toEqual([text.toLowerCase(), text.toLowerCase()]);
  });
});
