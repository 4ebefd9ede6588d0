import type * as z from 'zod';
import { NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { RecordService } from '../services/crm-services.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { EventEnvelope } from './event-envelope.ts';
import { INBOUND_DETAIL_TYPES, type InboundDetailType } from './event-names.ts';
import { EventRejectedError } from './event-rejected-error.ts';
import {
  AssociationChangeDetailSchema,
  RecordDeleteDetailSchema,
  RecordUpsertDetailSchema,
  WorkflowEnrollDetailSchema,
} from './event-schemas.ts';

/** A consumer of the bus: resolves once the event is applied; throws to have it retried or dead-lettered. */
export type EventHandler = (event: EventEnvelope) => Promise<void>;

/**
 * Manual enrollment (`Workflow Enroll`), provided by the enrollment engine. `trigger` names the event
 * (`event#<id>`): its redelivery answers the enrollment it started instead of a conflict.
 */
export type EnrollPort = (
  workflowId: string,
  recordId: string,
  options: { readonly trigger: string },
) => Promise<void>;

export const ENROLLMENT_NOT_AVAILABLE = 'enrollment is not available yet';

export interface IngestTargetOptions {
  /** The very services the API calls. */
  readonly records: Pick<
    RecordService,
    'create' | 'update' | 'upsert' | 'delete' | 'associate' | 'dissociate'
  >;
  /** Without it a `Workflow Enroll` is dead-lettered with "enrollment is not available yet". */
  readonly enroll?: EnrollPort;
}

const isInbound = (detailType: string): detailType is InboundDetailType =>
  (INBOUND_DETAIL_TYPES as readonly string[]).includes(detailType);

/** The detail checked against its schema; a ValidationError (never retried) names each problem under `detail`. */
export const parseDetail = <T>(schema: z.ZodType<T>, event: EventEnvelope): T => {
  const parsed = schema.safeParse(event.detail, { error: zodErrorMap, reportInput: true });
  if (parsed.success) return parsed.data;
  const details = issuesFromZod(parsed.error.issues, 'the detail').map((issue) => ({
    path: issue.path === '' ? 'detail' : `detail.${issue.path}`,
    message: issue.message,
  }));
  throw new ValidationError(details, `the ${event['detail-type']} detail is not valid`);
};

/**
 * The `ingest` target: an application's inbound events applied through the same services as the API.
 * The caller's mistakes (an invalid detail, an unknown property, a record that does not exist) are the
 * services' 4xx errors, which the bus dead-letters without retrying; anything else is retried.
 * Idempotent as the contract asks: an upsert by id or idProperty, a delete (a missing record is already
 * deleted), an association change applied twice change nothing more; only a Record Upsert with neither
 * `id` nor `idProperty` creates a record each time it is delivered.
 */
export const createIngestTarget = (options: IngestTargetOptions): EventHandler => {
  const { records } = options;
  return async (event) => {
    const detailType = event['detail-type'];
    if (!isInbound(detailType)) {
      throw new EventRejectedError(`ingest takes ${INBOUND_DETAIL_TYPES.join(', ')}; not "${detailType}"`);
    }
    switch (detailType) {
      case 'Record Upsert': {
        const { objectType, id, idProperty, properties } = parseDetail(RecordUpsertDetailSchema, event);
        if (id !== undefined) await records.update(objectType, id, properties);
        else if (idProperty !== undefined) await records.upsert(objectType, idProperty, properties);
        else await records.create(objectType, properties);
        return;
      }
      case 'Record Delete': {
        const { objectType, id } = parseDetail(RecordDeleteDetailSchema, event);
        try {
          await records.delete(objectType, id);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
        return;
      }
      case 'Association Change': {
        const { objectType, id, toObjectType, toId, remove } = parseDetail(
          AssociationChangeDetailSchema,
          event,
        );
        if (remove === true) await records.dissociate(objectType, id, toObjectType, toId);
        else await records.associate(objectType, id, toObjectType, toId);
        return;
      }
      case 'Workflow Enroll': {
        const { workflowId, recordId } = parseDetail(WorkflowEnrollDetailSchema, event);
        if (!options.enroll) throw new EventRejectedError(ENROLLMENT_NOT_AVAILABLE);
        await options.enroll(workflowId, recordId, { trigger: `event#${event.id}` });
        return;
      }
    }
  };
};
