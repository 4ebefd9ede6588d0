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
