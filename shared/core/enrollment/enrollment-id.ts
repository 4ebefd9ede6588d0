const encoder = new TextEncoder();
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** FNV-1a, 64 bits, of the UTF-8 bytes of `text`, as 16 hex digits. */
const fnv1a64 = (text: string): string => {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(text)) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
  return hash.toString(16).padStart(16, '0');
};

/** What every enrollment id of the record in the workflow begins with. */
const enrollmentIdPrefix = (workflowId: string, recordId: string): string =>
  `enr_${fnv1a64(`${workflowId}\u0000${recordId}`)}_`;

/**
 * The id of the `count`-th enrollment (1, 2, …) of a record in a workflow: the same for the same three, so a
 * redelivered event names the same enrollment and its execution. Letters, digits and `_` only, 25–35
 * characters: a valid Step Functions execution name as it is.
 * @example enrollmentId('wf_1', 'c_42', 1) // 'enr_<16 hex digits>_1'
 */
export const enrollmentId = (workflowId: string, recordId: string, count: number): string => {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`an enrollment count is 1 or more: ${count}`);
  return `${enrollmentIdPrefix(workflowId, recordId)}${count}`;
};

/**
 * True when `id` names an enrollment (any count) of the record in the workflow.
 * @example isEnrollmentOf(enrollmentId('wf_1', 'c_42', 3), 'wf_1', 'c_42') // true
 */
export const isEnrollmentOf = (id: string, workflowId: string, recordId: string): boolean =>
  id.startsWith(enrollmentIdPrefix(workflowId, recordId));

/** A stable key of a history line: 16 hex digits of its fields (used by stores to keep one copy of a retry). */
export const lineDigest = (parts: readonly (string | number | undefined)[]): string =>
  fnv1a64(parts.map((part) => (part === undefined ? '' : String(part))).join('\u0000'));
