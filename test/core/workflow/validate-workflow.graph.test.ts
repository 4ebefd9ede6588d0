import { describe, expect, it } from 'vitest';
import { errorsOf, issue, withActions, workflow } from './workflow-builders.ts';

const delay = (id: string, next: string | null = null) => ({ id, type: 'delay', duration: 'P1D', next });

describe('validateWorkflow — action graph', () => {
  it('accepts no actions with a null start', () => {
    expect(errorsOf(workflow({ startActionId: null, actions: [] }))).toEqual([]);
  });

  it('accepts paths that meet again (no cycle)', () => {
    const json = withActions([
      {
        id: 'split',
        type: 'randomSplit',
        paths: [
          { percent: 50, next: 'a' },
          { percent: 50, next: 'b' },
        ],
      },
      delay('a', 'end'),
      delay('b', 'end'),
      delay('end'),
    ]);
    expect(errorsOf(json)).toEqual([]);
  });

  it('refuses a start when there are no actions', () => {
    expect(errorsOf(workflow({ startActionId: 'a1', actions: [] }))).toEqual([
      { path: 'startActionId', message: 'must be null: there are no actions (it names "a1")' },
    ]);
  });

  it('refuses a null start when there are actions', () => {
    expect(errorsOf(workflow({ startActionId: null }))).toEqual([
      { path: 'startActionId', message: 'must name the first action (e.g. "a1"): null means no actions' },
    ]);
  });

  it('refuses a start that names no action, suggesting a close id', () => {
    expect(errorsOf(withActions([delay('welcome')], { startActionId: 'welcom' }))).toEqual([
      {
        path: 'startActionId',
        message: 'names "welcom", which is not an action of this workflow — did you mean "welcome"?',
      },
    ]);
  });

  it('refuses duplicate ids', () => {
    expect(errorsOf(withActions([delay('a1', 'a2'), delay('a2'), delay('a2')]))).toEqual([
      { path: 'actions[2].id', message: 'duplicate action id "a2" (actions[1] has it)' },
    ]);
  });

  it.each([
    [{ id: 'a1', type: 'delay', duration: 'P1D', next: 'zz' }, 'actions[0].next'],
    [
      {
        id: 'a1',
        type: 'branch',
        branches: [
          {
            name: 'A',
            criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }],
            next: 'zz',
          },
        ],
      },
      'actions[0].branches[0].next',
    ],
    [
      {
        id: 'a1',
        type: 'branch',
        branches: [{ name: 'A', criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }] }],
        defaultNext: 'zz',
      },
      'actions[0].defaultNext',
    ],
    [
      { id: 'a1', type: 'valueBranch', property: 'city', cases: [{ value: 'Paris', next: 'zz' }] },
      'actions[0].cases[0].next',
    ],
    [
      { id: 'a1', type: 'randomSplit', paths: [{ percent: 50 }, { percent: 50, next: 'zz' }] },
      'actions[0].paths[1].next',
    ],
    [
      {
        id: 'a1',
        type: 'delayUntilEvent',
        criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }],
        timeout: 'P1D',
        timeoutNext: 'zz',
      },
      'actions[0].timeoutNext',
    ],
  ])('refuses a successor that names no action (%#)', (action, path) => {
    expect(errorsOf(withActions([action]))).toEqual([
      { path, message: 'names "zz", which is not an action of this workflow' },
    ]);
  });

  it('names the cycle', () => {
    expect(errorsOf(withActions([delay('a1', 'a2'), delay('a2', 'a3'), delay('a3', 'a2')]))).toEqual([
      { path: 'actions[2].next', message: 'leads back to "a2" and makes a cycle: a2 → a3 → a2' },
    ]);
  });

  it('names a loop onto itself', () => {
    expect(errorsOf(withActions([delay('a1', 'a1')]))).toEqual([
      { path: 'actions[0].next', message: 'leads back to "a1" and makes a cycle: a1 → a1' },
    ]);
  });

  it('finds a cycle through a branch path', () => {
    const json = withActions([
      delay('a1', 'check'),
      {
        id: 'check',
        type: 'branch',
        branches: [
          {
            name: 'Again',
            criteria: [{ filters: [{ property: 'score', operator: 'lt', value: 10 }] }],
            next: 'a1',
          },
        ],
        defaultNext: null,
      },
    ]);
    expect(errorsOf(json)).toEqual([issue('actions[1].branches[0].next', 'makes a cycle: a1 → check → a1')]);
  });

  it('names each unreachable action', () => {
    expect(errorsOf(withActions([delay('a1'), delay('orphan', 'orphan2'), delay('orphan2')]))).toEqual([
      {
        path: 'actions[1]',
        message: 'action "orphan" is never reached: no path from startActionId "a1" leads to it',
      },
      {
        path: 'actions[2]',
        message: 'action "orphan2" is never reached: no path from startActionId "a1" leads to it',
      },
    ]);
  });

  it('walks a 500-action chain without deep recursion', () => {
    const actions = Array.from({ length: 500 }, (_, index) =>
      delay(`a${index}`, index < 499 ? `a${index + 1}` : 'a0'),
    );
    expect(errorsOf(withActions(actions))).toEqual([
      issue('actions[499].next', 'makes a cycle: a0 → a1 → a2 → '),
    ]);
  });
});
