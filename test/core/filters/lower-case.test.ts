import { describe, expect, it } from 'vitest';
import { lowerCase } from '../../../shared/core/filters/lower-case.ts';

describe('lowerCase', () => {
  it.each(['FR', 'Ünïcödé', 'x'.repeat(1_000).toUpperCase()])('lowercases %s as toLowerCase does', (text) => {
    expect([lowerCase(text), lowerCase(text)]).toEqual([text.toLowerCase(), text.toLowerCase()]);
  });
});
