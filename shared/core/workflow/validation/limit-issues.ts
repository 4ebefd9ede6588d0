import type { ValidationIssue } from '../../errors/validation-issue.ts';

/** Beyond this many problems an author fixes the first ones and tries again; the rest only weigh the response. */
export const MAX_REPORTED_ISSUES = 100;

/** The first MAX_REPORTED_ISSUES issues, and a last one saying how many were left out. */
export const limitIssues = (issues: readonly ValidationIssue[]): ValidationIssue[] => {
  if (issues.length <= MAX_REPORTED_ISSUES) return [...issues];
  const left = issues.length - MAX_REPORTED_ISSUES;
  return [
    ...issues.slice(0, MAX_REPORTED_ISSUES),
    { path: '', message: `${left} more problem${left === 1 ? '' : 's'} not shown: fix these first` },
  ];
};
