import { lookup as lookupHost } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, addressRefusal } from './address-policy.ts';

/** An address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (default: the system resolver, `dns.lookup`). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** A resolved address the policy refuses: the lookup fails with it, so no connection is made. */
export class AddressRefused extends Error {
  override readonly name = 'AddressRefused';
}

/** The system resolver (`dns.lookup`, as Node's own requests use it), every address. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookupHost(hostname, { all: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * A `lookup` for `http.request` that checks every address of the host against the policy when the socket
 * connects, so that the address connected to is one the policy allowed; a refusal fails the lookup with
 * {@link AddressRefused} and no connection is made.
 */
export const checkedLookup =
  (url: URL, policy: AddressPolicy, resolve: HostResolver): LookupFunction =>
  (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    resolve(hostname).then(
      (found) => {
        const addresses = found.filter((each) => !family || each.family === family);
        const first = addresses[0];
        const refusal = found
          .map((each) => addressRefusal(url, each.address, policy))
          .find((each) => each !== undefined);
        if (refusal) {
          callback(new AddressRefused(refusal), '');
        } else if (!first) {
          callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        } else if (options.all) {
          callback(
            null,
            addresses.map(({ address, family }) => ({ address, family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
