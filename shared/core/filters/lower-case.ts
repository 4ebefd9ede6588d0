// One record is evaluated against many workflows, so the same few values are lowercased over and over: a
// bounded memo turns the repeats into one lookup (V8 keeps a string's hash with the string). Long texts (a
// ticket's content) are not kept: they would hold memory, and are rarely compared twice.
const MEMO_LIMIT = 4096;
const MEMO_MAX_LENGTH = 256;
const memo = new Map<string, string>();

/** `text.toLowerCase()`, memoised for the short values one evaluation sees again and again. */
export const lowerCase = (text: string): string => {
  if (text.length > MEMO_MAX_LENGTH) return text.toLowerCase();
  let lower = memo.get(text);
  if (lower === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    lower = text.toLowerCase();
    memo.set(text, lower);
  }
  return lower;
};

// U+0130 (İ) is the one character whose lowercase is longer (i + combining dot): only it changes the length.
const EXPANDS_WHEN_LOWERED = '\u0130';

/**
 * `text.toLowerCase() === lower` (with `lower` already lowercase), without building the lowercase copy when the
 * text is ASCII — the common case on the hot path of enrollment.
 */
export const equalsLowerCase = (text: string, lower: string): boolean => {
  const length = text.length;
  if (length !== lower.length) return text.includes(EXPANDS_WHEN_LOWERED) && lowerCase(text) === lower;
  for (let i = 0; i < length; i += 1) {
    const c = text.charCodeAt(i);
    const l = lower.charCodeAt(i);
    if (c === l || (c >= 65 && c <= 90 && c + 32 === l)) continue;
    // Beyond ASCII, case mapping is Unicode's business.
    return c > 127 && lowerCase(text) === lower;
  }
  return true;
};
