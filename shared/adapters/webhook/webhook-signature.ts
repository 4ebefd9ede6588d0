import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The headers of a webhook call:
 * - `X-Crm-Delivery`: the effect's idempotency key, the same on every retry of one call (deduplicate on it);
 * - `X-Crm-Timestamp`: when this attempt was signed, in Unix seconds;
 * - `X-Crm-Signature`: `v1=<hex>`, the HMAC-SHA256, keyed with the secret, of `<timestamp>.<body>` (the
 *   timestamp header's value, a dot, then the body's exact bytes). Several comma-separated `v1=` values may be
 *   accepted by a receiver while a secret is rotated.
 */
export const WEBHOOK_HEADERS = {
  delivery: 'x-crm-delivery',
  timestamp: 'x-crm-timestamp',
  signature: 'x-crm-signature',
} as const;

/** The signature scheme's version, the prefix of each signature value. */
const SCHEME = 'v1';

/** How far a receiver lets the timestamp drift from its clock by default: 5 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const hmacHex = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The `X-Crm-Signature` value of `body` sent at `timestamp` (Unix seconds).
 * @example signWebhookBody({ body: '{"id":"c_1"}', timestamp: 1767225600, secret }) // 'v1=5f0c…'
 */
export const signWebhookBody = (input: {
  readonly body: string;
  readonly timestamp: number;
  readonly secret: string;
}): string => `${SCHEME}=${hmacHex(input.secret, String(input.timestamp), input.body)}`;

/** What a receiver checks: the raw body and the two headers as received, its secret and its clock. */
export interface WebhookSignatureCheck {
  /** The request body exactly as received (before any JSON parsing). */
  readonly body: string;
  /** The `X-Crm-Timestamp` header. */
  readonly timestamp: string | number;
  /** The `X-Crm-Signature` header. */
  readonly signature: string;
  readonly secret: string;
  /** How far the timestamp may be from `now`, either way (default 300 s): older calls are replays. */
  readonly toleranceSeconds?: number;
  /** The receiver's clock (default: now). */
  readonly now?: Date;
}

/**
 * True when `signature` is a `v1` HMAC-SHA256 of `<timestamp>.<body>` under `secret` and the timestamp is within
 * the tolerance of `now`. Compares in constant time.
 * @example verifyWebhookSignature({ body: raw, timestamp: headers['x-crm-timestamp'], signature: headers['x-crm-signature'], secret })
 */
export const verifyWebhookSignature = (check: WebhookSignatureCheck): boolean => {
  const timestamp = String(check.timestamp).trim();
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((check.now ?? new Date()).getTime() / 1000);
  const tolerance = check.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(hmacHex(check.secret, timestamp, check.body), 'hex');
  return check.signature.split(',').some((part) => {
    const [scheme, value = ''] = part.trim().split('=', 2);
    if (scheme !== SCHEME || !/^[0-9a-f]{64}$/i.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), expected);
  });
};
