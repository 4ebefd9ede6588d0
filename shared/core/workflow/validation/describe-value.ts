const MAX_SHOWN = 40;

/**
 * Names a JSON value in a message, short enough to read.
 * @example describeValue('5') // 'the text "5"'
 */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return value.length > MAX_SHOWN ? `the text "${value.slice(0, MAX_SHOWN)}…"` : `the text "${value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
};

/** A value as it appears in JSON, for quoting in a message (`"lead"`, `50`, `true`). */
export const showValue = (value: unknown): string => {
  if (typeof value === 'string')
    return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
  return typeof value === 'number' || typeof value === 'boolean' || value === null
    ? String(value)
    : describeValue(value);
};
