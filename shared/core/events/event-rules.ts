import {
  INBOUND_DETAIL_TYPES,
  INTERNAL_SOURCE_PREFIX,
  RECORD_CHANGED,
  RECORDS_SOURCE,
} from './event-names.ts';
import type { EventPattern } from './event-pattern.ts';

/** The consumers of the bus, by logical name: the embedded runtime maps each to a function, the construct to a Lambda. */
export type EventTargetName = 'ingest' | 'enrollment';

export interface EventRule {
  readonly name: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  readonly target: EventTargetName;
}

/**
 * The rules of the bus, written once: the embedded bus routes with them, the CDK construct creates them.
 * This module and what it imports have no run-time dependency.
 */
export const EVENT_RULES: readonly EventRule[] = [
  {
    name: 'inbound-to-ingest',
    description: "An application's Record Upsert, Record Delete, Association Change and Workflow Enroll",
    eventPattern: {
      source: [{ 'anything-but': { prefix: INTERNAL_SOURCE_PREFIX } }],
      'detail-type': [...INBOUND_DETAIL_TYPES],
    },
    target: 'ingest',
  },
  {
    name: 'record-changes-to-enrollment',
    description:
      'Every committed record change, for enrollment (criteria, re-enrollment, goals, unenrollment)',
    eventPattern: { source: [RECORDS_SOURCE], 'detail-type': [RECORD_CHANGED] },
    target: 'enrollment',
  },
];
