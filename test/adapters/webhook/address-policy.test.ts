import { describe, expect, it } from 'vitest';
import { addressKind, addressRefusal, urlRefusal } from '../../../shared/adapters/webhook/address-policy.ts';

const AWS = { allowLoopbackHttp: false };
const EMBEDDED = { allowLoopbackHttp: true };

describe('address kinds', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.1.1.1', 'private'],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it('refuses what is not an IP address', () => {
    expect(() => addressKind('example.com')).toThrow('example.com is not an IP address');
  });
});

describe('URL and address policy', () => {
  it.each([
    ['https://hooks.example.com/in', AWS, undefined],
    ['http://hooks.example.com/in', AWS, 'only https: URLs are called'],
    ['http://127.0.0.1:3000/in', AWS, 'only https: URLs are called'],
    ['http://127.0.0.1:3000/in', EMBEDDED, undefined],
    ['http://localhost:3000/in', EMBEDDED, undefined],
    ['http://[::1]:3000/in', EMBEDDED, undefined],
    ['http://127.0.0.2/in', EMBEDDED, 'http: is allowed only to this machine'],
    ['http://hooks.example.com/in', EMBEDDED, 'http: is allowed only to this machine'],
    ['file:///etc/passwd', EMBEDDED, 'file: URLs are not called'],
  ])('%s (%o): %s', (url, policy, refusal) => {
    const answer = urlRefusal(new URL(url), policy);
    if (refusal === undefined) expect(answer).toBeUndefined();
    else expect(answer).toContain(refusal);
  });

  it.each([
    ['https://hooks.example.com/', '93.184.216.34', AWS, true],
    ['https://hooks.example.com/', '10.0.0.1', AWS, false],
    ['https://localhost/', '127.0.0.1', AWS, false],
    ['https://localhost/', '127.0.0.1', EMBEDDED, true],
    ['http://localhost/', '::1', EMBEDDED, true],
    ['http://localhost/', '93.184.216.34', EMBEDDED, false],
    ['https://hooks.example.com/', '127.0.0.1', EMBEDDED, false],
    ['https://hooks.example.com/', '169.254.169.254', EMBEDDED, false],
    ['https://hooks.example.com/', '93.184.216.34', EMBEDDED, true],
  ])('%s at %s (%o) allowed: %s', (url, address, policy, allowed) => {
    expect(addressRefusal(new URL(url), address, policy) === undefined).toBe(allowed);
  });
});
