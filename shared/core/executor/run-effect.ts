import type { EnrollmentRef } from '../contract/task-contract.ts';
import { ActionNotApplicable, ActionTransient } from '../contract/task-errors.ts';
import { EnrollmentRefused } from '../enrollment/enrollment-refused.ts';
import type { EnrollmentService } from '../enrollment/enrollment-service.ts';
import { AppError, NotFoundError } from '../errors/app-error.ts';
import type { Properties } from '../records/record.schema.ts';
import type { ChangeCause } from '../records/record-change.ts';
import { RecordVersionConflict } from '../records/version-conflict.ts';
import type { ListService, RecordService, WriteOptions } from '../services/crm-services.ts';
import type { PublishActionEvent } from './action-messages.ts';
import type { ResolvedEffect, ResolvedWrite } from './effect-intents.ts';
import type { OutsideWorld } from './outside-world.ts';
import type { EffectOutcome } from './ports.ts';
import { valuesNow } from './resolve-effect.ts';

/** What carrying out a resolved effect calls: the CRM's services, the bus and the outside world. */
export interface EffectServices {
  readonly records: Pick<RecordService, 'create' | 'update' | 'associate'>;
  readonly lists: Pick<ListService, 'addMember' | 'removeMember'>;
  readonly enrollment: Pick<EnrollmentService, 'enrollManually'>;
  readonly publishActionEvent: PublishActionEvent;
  readonly outside: OutsideWorld;
}

/** The cause of the enrollment's record writes: one deeper than the change that enrolled the record. */
export const causeOf = (enrollment: EnrollmentRef): ChangeCause => ({
  workflowId: enrollment.workflowId,
  enrollmentId: enrollment.enrollmentId,
  depth: (enrollment.depth ?? 0) + 1,
});

/** How often a write computed from the record is computed again after losing to another write, per Task. */
export const WRITE_FROM_RECORD_ATTEMPTS = 10;

/**
 * A record write of an effect. Absolute values are written as they are. Values that follow from the record's own
 * (an increment; `write.from`) are written conditionally on the version they were computed from, with the effect
 * key: lost to another write, they are computed again from the record as that write left it — unless the record
 * holds a change of this key after that version already (this write, made by an attempt that died before its
 * intent was marked done): then nothing is written again. `ActionTransient` after `WRITE_FROM_RECORD_ATTEMPTS`
 * lost races: the Task is retried with backoff.
 */
const writeRecord = async (
  records: EffectServices['records'],
  write: ResolvedWrite,
  options: WriteOptions,
  key: string,
): Promise<void> => {
  if (write.from === undefined) {
    await records.update(write.objectType, write.id, write.properties, options);
    return;
  }
  let version = write.from.version;
  let properties: Properties | undefined = write.properties;
  for (let attempt = 1; attempt <= WRITE_FROM_RECORD_ATTEMPTS; attempt += 1) {
    try {
      await records.update(write.objectType, write.id, properties, {
        ...options,
        expectedVersion: version,
        effectKey: key,
      });
      return;
    } catch (error) {
      if (!(error instanceof RecordVersionConflict)) throw error;
      version = error.current.version;
      properties = valuesNow(write, error.current.properties);
      if (properties === undefined) return;
    }
  }
  throw new ActionTransient(
    `the ${write.objectType} record ${write.id} changed under ${WRITE_FROM_RECORD_ATTEMPTS} attempts to write it`,
  );
};

/** Runs a write; the caller's mistakes (4xx: an unknown property, a list that does not exist) are not applicable. */
const applicable = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (error) {
    if (error instanceof AppError && error.statusCode < 500) throw new ActionNotApplicable(error.message);
    throw error;
  }
};

/** Runs a write of a record that may have been deleted meanwhile: nothing to write then. */
const unlessDeleted = async (write: () => Promise<unknown>): Promise<void> => {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
};

const enrollElsewhere = async (
  services: EffectServices,
  workflowId: string,
  enrollment: EnrollmentRef,
  key: string,
): Promise<EffectOutcome> => {
  try {
    const enrolled = await services.enrollment.enrollManually(workflowId, enrollment.recordId, {
      trigger: key,
      enrolledBecause: `workflow:${enrollment.workflowId}`,
    });
    return { enrolled: true, enrollmentId: enrolled.id };
  } catch (error) {
    // The record's state refused it (enrolled now, re-enrollment off, a gate): the action did its part.
    if (error instanceof EnrollmentRefused) return { enrolled: false, reason: error.reason };
    // An unknown or inactive workflow, a record of another type: it cannot enroll there.
    if (error instanceof AppError && error.statusCode < 500) throw new ActionNotApplicable(error.message);
    throw error;
  }
};

/**
 * Carries out a resolved effect for the enrollment; idempotent (the same resolved effect again writes the same
 * values, creates no second record, adds no second membership), except what reaches outside the CRM, which gets
 * `key` to deduplicate. Record writes carry the enrollment's cause, so that each is published and may enroll.
 */
export const runEffect = async (
  services: EffectServices,
  effect: ResolvedEffect,
  enrollment: EnrollmentRef,
  key: string,
): Promise<EffectOutcome | undefined> => {
  const options: WriteOptions = { cause: causeOf(enrollment) };
  switch (effect.kind) {
    case 'writeRecords':
      for (const write of effect.writes) {
        await applicable(() => unlessDeleted(() => writeRecord(services.records, write, options, key)));
      }
      return undefined;
    case 'createRecord': {
      const { associateWith } = effect;
      await applicable(() =>
        services.records.create(effect.objectType, effect.properties, { ...options, id: effect.id }),
      );
      if (associateWith) {
        await unlessDeleted(() =>
          services.records.associate(
            associateWith.objectType,
            associateWith.id,
            effect.objectType,
            effect.id,
            options,
          ),
        );
      }
      return { createdRecordId: effect.id };
    }
    case 'addToList':
      await applicable(() => services.lists.addMember(effect.listId, enrollment.recordId, options));
      return undefined;
    case 'removeFromList':
      await applicable(() => services.lists.removeMember(effect.listId, enrollment.recordId, options));
      return undefined;
    case 'enrollInWorkflow':
      return enrollElsewhere(services, effect.workflowId, enrollment, key);
    case 'publishEvent':
      await services.publishActionEvent({
        source: effect.source,
        detailType: effect.detailType,
        detail: effect.detail,
      });
      return undefined;
    case 'sendEmail':
      await services.outside.mailer.send({ ...withoutKind(effect), enrollment, key });
      return undefined;
    case 'sendNotification':
      await services.outside.notifier.send({ ...withoutKind(effect), enrollment, key });
      return undefined;
    case 'webhook':
      await services.outside.webhooks.send({ ...withoutKind(effect), enrollment, key });
      return undefined;
  }
};

const withoutKind = <T extends { readonly kind: string }>({ kind: _kind, ...rest }: T): Omit<T, 'kind'> =>
  rest;
