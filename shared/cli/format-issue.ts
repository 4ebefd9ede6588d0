import type { ValidationIssue } from '../core/errors/validation-issue.ts';

/** `<path>: <message>`, or the message alone for the document as a whole. */
export const formatIssue = (issue: ValidationIssue): string =>
  issue.path ? `${issue.path}: ${issue.message}` : issue.message;
