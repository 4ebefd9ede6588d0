import type { EventEnvelope } from '../../core/events/event-envelope.ts';
import { INTERNAL_SOURCE_PREFIX } from '../../core/events/event-names.ts';

/** One entry of a PutEvents request, as the SDK sends it (values unchecked). */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: unknown;
  /** Epoch seconds (what the SDK sends) or an ISO 8601 instant. */
  readonly Time?: unknown;
  readonly EventBusName?: unknown;
  readonly TraceHeader?: unknown;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/** EventBridge's limit on an entry (and a request): 256 KB, counted as its documentation says. */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** An accepted entry, before the bus gives it an id, a time and its account and region. */
export type CheckedEntry = Pick<EventEnvelope, 'source' | 'detail-type' | 'resources' | 'detail'> & {
  readonly time?: Date;
};

type Check =
  | { readonly ok: true; readonly entry: CheckedEntry }
  | { readonly ok: false; readonly error: PutEventsResultEntry };

const fail = (ErrorCode: string, ErrorMessage: string): Check => ({
  ok: false,
  error: { ErrorCode, ErrorMessage },
});

const required = (name: string): Check =>
  fail('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Epoch seconds or an ISO string as a Date; undefined when absent, null when unreadable. */
const timeOf = (value: unknown): Date | undefined | null => {
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

export interface EntryCheckOptions {
  readonly busName: string;
  /** The system's own `crm.*` sources are refused to applications (only `publish` may use them). */
  readonly internal: boolean;
}

/**
 * Checks one entry as EventBridge does: Source, DetailType and Detail (a JSON object) present, the bus
 * ours, at most 256 KB. A refused entry gets EventBridge's ErrorCode and a message; the others go on.
 */
export const checkEntry = (raw: unknown, options: EntryCheckOptions): Check => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('InvalidArgument', 'An entry must be an object.');
  const entry = raw as PutEventsEntry;
  const bus = entry.EventBusName;
  if (
    bus !== undefined &&
    bus !== null &&
    bus !== options.busName &&
    !(typeof bus === 'string' && bus.endsWith(`:event-bus/${options.busName}`))
  ) {
    return fail('InvalidArgument', `Event bus ${String(bus)} does not exist.`);
  }
  if (typeof entry.Source !== 'string' || entry.Source.trim() === '') return required('Source');
  if (typeof entry.DetailType !== 'string' || entry.DetailType.trim() === '') return required('DetailType');
  if (typeof entry.Detail !== 'string' || entry.Detail === '') return required('Detail');
  if (!options.internal && entry.Source.startsWith(INTERNAL_SOURCE_PREFIX)) {
    return fail(
      'NotAuthorizedForSourceException',
      `Not authorized for the source ${entry.Source}: sources starting with ${INTERNAL_SOURCE_PREFIX} are the system's own.`,
    );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return fail('MalformedDetail', 'Detail is malformed: it must be a JSON object.');
  }
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
    return fail(
      'InvalidArgument',
      'Parameter Resources is not valid. Reason: Resources must be a list of strings.',
    );
  }
  const time = timeOf(entry.Time);
  if (time === null) return fail('InvalidArgument', 'Parameter Time is not valid.');
  const size =
    (time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, resource: string) => sum + bytes(resource), 0);
  if (size > MAX_ENTRY_BYTES) {
    return fail('InvalidArgument', `Entry size ${size} bytes is over the limit of ${MAX_ENTRY_BYTES} bytes.`);
  }
  return {
    ok: true,
    entry: {
      source: entry.Source,
      'detail-type': entry.DetailType,
      resources: resources as string[],
      detail: detail as Record<string, unknown>,
      ...(time ? { time } : {}),
    },
  };
};
