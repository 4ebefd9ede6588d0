import type { ValidationIssue } from '../errors/validation-issue.ts';

/** The workflow cannot become a state machine: each issue names where and why. */
export class CompileError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('\n'));
    this.name = 'CompileError';
    this.issues = issues;
  }
}
