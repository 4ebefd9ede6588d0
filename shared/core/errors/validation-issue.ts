/** One problem found in user input: where (a JSON path such as `actions[2].next`) and what, in a sentence. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Formats path segments as a JSON path.
 * @example formatPath(['actions', 2, 'next']) // 'actions[2].next'
 */
export const formatPath = (segments: readonly PropertyKey[]): string =>
  segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    const key = String(segment);
    return path === '' ? key : `${path}.${key}`;
  }, '');
