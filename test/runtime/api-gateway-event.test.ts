import { describe, expect, it } from 'vitest';
import { toApiGatewayEvent } from '../../shared/runtime/api-gateway-event.ts';

const eventFor = (url: string) =>
  toApiGatewayEvent(
    { method: 'GET', url, headers: {}, body: Buffer.alloc(0), requestId: 'r1', now: new Date(0) },
    undefined,
  );

describe('toApiGatewayEvent', () => {
  it('passes query parameters named like Object members as plain keys', () => {
    // Act
    const event = eventFor('/lists?__proto__=a&constructor=b&constructor=c&toString=d');
    // Assess
    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'c'],
      ['toString', 'd'],
    ]);
    expect(event.multiValueQueryStringParameters?.constructor).toEqual(['b', 'c']);
  });
});
