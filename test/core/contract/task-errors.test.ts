import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../shared/core/contract/task-contract.ts';
import {
  ActionNotApplicable,
  ActionTransient,
  TaskError,
  WebhookRejected,
  WebhookRetryable,
  WorkflowContinued,
  WorkflowExit,
  WorkflowStopped,
  WorkflowUnknownResumeAction,
} from '../../../shared/core/contract/task-errors.ts';
import * as entry from '../../../shared/core/index.ts';

const ALL = [
  new WorkflowExit('goal_met'),
  new WorkflowContinued('a3'),
  new ActionTransient('the store did not answer'),
  new WebhookRetryable('the webhook answered 503'),
  new WebhookRejected('the webhook answered 404'),
  new WorkflowStopped(),
  new WorkflowUnknownResumeAction(),
  new ActionNotApplicable('the record has no address in "email"'),
];

describe('task errors', () => {
  it.each(ALL.map((error) => [error.constructor.name, error] as const))(
    '%s is a TaskError named by the contract',
    (className, error) => {
      // Assess
      expect(error).toBeInstanceOf(TaskError);
      expect(error).toBeInstanceOf(Error);
      expect(Object.values(ERRORS)).toContain(error.name);
      // The class is the ASL name without its dot: Workflow.Exit → WorkflowExit.
      expect(error.name.replace('.', '')).toBe(className);
    },
  );

  it('has one class for every error name of the contract', () => {
    // Act
    const names = ALL.map((error) => error.name).sort();
    // Assess
    expect(names).toEqual(Object.values(ERRORS).sort());
  });

  it('keeps why the record left and the message a person reads', () => {
    // Act
    const exit = new WorkflowExit('record_deleted');
    // Assess
    expect(exit.reason).toBe('record_deleted');
    expect(exit.message).toBe('the record left the workflow: record_deleted');
    expect(new WorkflowContinued('note').message).toBe('a new execution resumes at note');
  });

  it('keeps the cause of a transient fault', () => {
    // Prepare
    const cause = new Error('socket hang up');
    // Act
    const error = new ActionTransient('the CRM did not answer', { cause });
    // Assess
    expect(error.cause).toBe(cause);
  });

  it('is exported from the public entry', () => {
    // Assess
    expect(entry.WorkflowExit).toBe(WorkflowExit);
    expect(entry.ActionNotApplicable).toBe(ActionNotApplicable);
    expect(entry.TaskError).toBe(TaskError);
    expect(new entry.WebhookRejected('410').name).toBe(entry.TASK_ERRORS.webhookRejected);
  });
});
