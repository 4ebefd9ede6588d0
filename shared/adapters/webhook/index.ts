export {
  type AddressKind,
  type AddressPolicy,
  addressKind,
  addressRefusal,
  urlRefusal,
} from './address-policy.ts';
export type { HostResolver, ResolvedAddress } from './checked-lookup.ts';
export { createWebhookSender, type WebhookSenderOptions } from './webhook-sender.ts';
export {
  signWebhookBody,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
  type WebhookSignatureCheck,
} from './webhook-signature.ts';
