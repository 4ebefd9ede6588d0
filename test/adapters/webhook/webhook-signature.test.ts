import { describe, expect, it } from 'vitest';
import {
  signWebhookBody,
  verifyWebhookSignature,
} from '../../../shared/adapters/webhook/webhook-signature.ts';

/** HMAC-SHA256 of `1767225600.{"id":"c_1"}` keyed `whsec_vector`, as `openssl dgst -sha256 -hmac` computes it. */
const VECTOR = {
  body: '{"id":"c_1"}',
  timestamp: 1767225600,
  secret: 'whsec_vector',
  signature: 'v1=80d4608f04e7632905f60102149402ceced2413027cd5ff1ea3320d4eb1f886e',
};
const SIGNED_AT = new Date(VECTOR.timestamp * 1000);

describe('webhook signature', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    expect(signWebhookBody(VECTOR)).toBe(VECTOR.signature);
  });

  it('verifies with the timestamp header as a string or a number', () => {
    expect(verifyWebhookSignature({ ...VECTOR, now: SIGNED_AT })).toBe(true);
    expect(verifyWebhookSignature({ ...VECTOR, timestamp: String(VECTOR.timestamp), now: SIGNED_AT })).toBe(
      true,
    );
  });

  it('accepts any of several v1 signatures (a secret being rotated)', () => {
    const signature = `v1=${'0'.repeat(64)}, ${VECTOR.signature}`;
    expect(verifyWebhookSignature({ ...VECTOR, signature, now: SIGNED_AT })).toBe(true);
  });

  it('accepts a timestamp within the tolerance and refuses one outside it, either way', () => {
    const at = (seconds: number) => new Date((VECTOR.timestamp + seconds) * 1000);
    expect(verifyWebhookSignature({ ...VECTOR, now: at(300) })).toBe(true);
    expect(verifyWebhookSignature({ ...VECTOR, now: at(301) })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, now: at(-301) })).toBe(false);
    expect(verifyWebhookSignature({ ...VECTOR, now: at(30), toleranceSeconds: 10 })).toBe(false);
  });

  it.each([
    ['another secret', { secret: 'whsec_other' }],
    ['another body', { body: '{"id":"c_2"}' }],
    ['another timestamp', { timestamp: VECTOR.timestamp + 1 }],
    ['another scheme', { signature: VECTOR.signature.replace('v1=', 'v0=') }],
    ['a truncated signature', { signature: VECTOR.signature.slice(0, -2) }],
    ['no signature', { signature: '' }],
    ['a timestamp that is not a number', { timestamp: '1767225600.5' }],
  ])('refuses %s', (_, change) => {
    expect(verifyWebhookSignature({ ...VECTOR, now: SIGNED_AT, ...change })).toBe(false);
  });
});
