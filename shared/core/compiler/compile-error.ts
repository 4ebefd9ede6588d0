import { ValidationError } from '../errors/app-error.ts';
import type { ValidationIssue } from '../errors/validation-issue.ts';

/**
 * The workflow cannot become a state machine: it breaks the contract, or Step Functions would
 * refuse or outgrow the result. A user's mistake (400), each issue naming where and why.
 */
export class CompileError extends ValidationError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(
      issues,
      issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('\n'),
    );
    this.issues = issues;
  }
}
