import { describe, expect, it } from 'vitest';
import { type ActionContext, planAction } from '../../../shared/core/actions/plan-action.ts';

const SATURDAY_BEFORE_SPRING_FORWARD = new Date('2026-03-28T10:00:00+01:00');

const dueDateOf = (due: string, context: ActionContext): unknown => {
  const [effect] = planAction({ id: 't1', type: 'createTask', title: 'Call', due, next: null }, context);
  return effect?.kind === 'createRecord' ? effect.properties.dueDate : undefined;
};

describe('planAction', () => {
  describe('createTask', () => {
    it.each([
      ['P1D', 'Europe/Paris', '2026-03-29T08:00:00.000Z', 'the same wall time Sunday, 23 hours later'],
      ['PT24H', 'Europe/Paris', '2026-03-29T09:00:00.000Z', '24 elapsed hours: 11:00 Sunday'],
      ['P1D', 'UTC', '2026-03-29T09:00:00.000Z', '24 hours later in UTC'],
      ['P1DT2H', 'Europe/Paris', '2026-03-29T10:00:00.000Z', 'the next day at 10:00, then 2 hours'],
    ])('counts due %s in %s like a delay: %s (%s)', (due, timeZone, expected) => {
      // Prepare
      const context: ActionContext = { properties: {}, now: SATURDAY_BEFORE_SPRING_FORWARD, timeZone };

      // Act
      const dueDate = dueDateOf(due, context);

      // Assess
      expect(dueDate).toBe(expected);
    });

    it('writes the due date in the canonical datetime form', () => {
      // Act
      const dueDate = dueDateOf('PT90M', {
        properties: {},
        now: new Date('2026-03-01T10:00:00.5Z'),
        timeZone: 'UTC',
      });

      // Assess
      expect(dueDate).toBe('2026-03-01T11:30:00.500Z');
    });
  });
});
