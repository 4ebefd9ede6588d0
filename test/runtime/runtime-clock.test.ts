import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/core/errors/app-error.ts';
import { manualClock } from '../../shared/runtime/runtime-clock.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const clockAt = (start: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-clock-'));
  dirs.push(dir);
  return { dir, clock: manualClock(dir, new Date(start), () => new Date(start)) };
};

describe('the manual clock', () => {
  it.each([
    [{ advance: 'P1000000Y' }, 'advance'],
    [{ advance: 'P7999Y' }, 'advance'],
    [{ to: '9999-12-31T23:59:59-23:59' }, 'to'],
  ])('refuses a move past 9999 (%j) with a 400 at its field and stays where it was', (move, path) => {
    // Prepare
    const { dir, clock } = clockAt('2027-01-04T08:00:00Z');
    // Act
    const moving = () => clock.move(move);
    // Assess
    expect(moving).toThrow(ValidationError);
    expect(() => moving()).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path })] }));
    expect(clock.now().toISOString()).toBe('2027-01-04T08:00:00.000Z');
    expect(JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8'))).toEqual({
      now: '2027-01-04T08:00:00.000Z',
    });
  });

  it('moves up to the last instant of 9999', () => {
    const { clock } = clockAt('9999-12-31T00:00:00Z');
    expect(clock.move({ to: '9999-12-31T23:59:59.999Z' }).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });
});
