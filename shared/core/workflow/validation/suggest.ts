/** Edit distance (insertions, deletions, substitutions), stopping early once it exceeds `limit`. */
const distance = (a: string, b: string, limit: number): number => {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
};

/**
 * The candidates closest to a mistyped name (case ignored), best first.
 * @example closestNames('contry', ['country', 'city']) // ['country']
 */
export const closestNames = (name: string, candidates: Iterable<string>, max = 3): string[] => {
  const wanted = name.toLowerCase();
  // Short names get less slack, or every 3-letter name would suggest every other ("a9" is no typo of "a1").
  const limit = wanted.length <= 3 ? 0 : Math.max(1, Math.min(3, Math.floor(wanted.length / 3)));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    // A prefix either way ("contact" of "contacts"), or a shared stem ("company" / "companies"), is close.
    const prefix =
      lower.startsWith(wanted) ||
      wanted.startsWith(lower) ||
      (wanted.length >= 5 && lower.startsWith(wanted.slice(0, -1)));
    const score = lower === wanted ? 0 : prefix ? 1 : distance(wanted, lower, limit);
    if (score <= limit) scored.push({ candidate, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((entry) => entry.candidate);
};

/** Quotes names for a message: `"a", "b" or "c"`. */
export const quoteList = (names: readonly string[], conjunction = 'or'): string => {
  const quoted = names.map((name) => `"${name}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted.at(-1)}`;
};

/** ` — did you mean "x"?`, or nothing when no candidate is close. */
export const didYouMean = (name: string, candidates: Iterable<string>): string => {
  const close = closestNames(name, candidates);
  return close.length > 0 ? ` — did you mean ${quoteList(close)}?` : '';
};

/**
 * A message that names what is wrong, then the close names or the allowed ones.
 * @example withChoices('unknown operator "eqq"', 'eqq', ['eq', 'neq'], 'operators')
 */
export const withChoices = (
  problem: string,
  name: string,
  choices: readonly string[],
  label: string,
): string => {
  const close = closestNames(name, choices);
  const list = `${label} are: ${allowedList(choices, 50)}`;
  return close.length > 0
    ? `${problem} — did you mean ${quoteList(close)}? The ${list}`
    : `${problem}; the ${list}`;
};

/** Lists allowed values for a message, cut short when there are many. */
export const allowedList = (values: readonly string[], max = 30): string => {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} … (${values.length} in all)` : shown;
};
