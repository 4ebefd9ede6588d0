import { describe, expect, it } from 'vitest';
import {
  executionName,
  executionOrder,
  generationIn,
  MAX_EXECUTION_NAME_LENGTH,
  standsAfter,
} from '../../../shared/core/executions/executions.ts';

const ID = 'enr_0123456789abcdef_12';
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:crm-wf-wf_1-r3';

describe('executionName', () => {
  it('names the first run by the enrollment id, a retry -r<n>, and their continuations -c<m>', () => {
    // Act
    const names = [
      executionName(ID, 0),
      executionName(ID, 2),
      executionName(ID, 0, 1),
      executionName(ID, 3, 2),
    ];
    // Assess
    expect(names).toEqual([ID, `${ID}-c2`, `${ID}-r1`, `${ID}-r2-c3`]);
    expect(executionName(ID, 999, 999).length).toBeLessThanOrEqual(MAX_EXECUTION_NAME_LENGTH);
  });
});

describe('generationIn', () => {
  it('reads the generation of an execution of one run, and nothing of another run', () => {
    // Act
    const read = (name: string, retry?: number) => generationIn(`${ARN}:${name}`, ID, retry);
    // Assess
    expect(read(ID)).toBe(0);
    expect(read(`${ID}-c4`)).toBe(4);
    expect(read(`${ID}-r2`, 2)).toBe(0);
    expect(read(`${ID}-r2-c1`, 2)).toBe(1);
    expect(read(`${ID}-r2-c1`)).toBeUndefined();
    expect(read(`${ID}-r1`, 2)).toBeUndefined();
    expect(read(ID, 1)).toBeUndefined();
    expect(read('enr_0123456789abcdef_1')).toBeUndefined();
    expect(generationIn(undefined, ID)).toBeUndefined();
  });
});

describe('executionOrder and standsAfter', () => {
  it('orders an enrollment executions by run, then generation; another enrollment or none stands first', () => {
    // Act
    const arn = (name: string) => `${ARN}:${name}`;
    // Assess
    expect(executionOrder(arn(ID), ID)).toEqual([0, 0]);
    expect(executionOrder(arn(`${ID}-c4`), ID)).toEqual([0, 4]);
    expect(executionOrder(arn(`${ID}-r2-c1`), ID)).toEqual([2, 1]);
    expect(executionOrder(arn(`${ID}x-c1`), ID)).toBeUndefined();
    expect(executionOrder(undefined, ID)).toBeUndefined();
    expect(standsAfter(arn(`${ID}-c2`), arn(`${ID}-c1`), ID)).toBe(true);
    expect(standsAfter(arn(`${ID}-r1`), arn(`${ID}-c9`), ID)).toBe(true);
    expect(standsAfter(arn(`${ID}-c1`), arn(`${ID}-r1`), ID)).toBe(false);
    expect(standsAfter(arn(`${ID}-c1`), arn(`${ID}-c1`), ID)).toBe(false);
    expect(standsAfter(arn(ID), undefined, ID)).toBe(true);
    expect(standsAfter(undefined, arn(ID), ID)).toBe(false);
  });
});
