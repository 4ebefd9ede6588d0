import type { ActionEffect } from '../actions/action-effects.ts';
import type { EnrollmentRef } from '../contract/task-contract.ts';
import { ActionNotApplicable } from '../contract/task-errors.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { Properties, PropertyValue } from '../records/record.schema.ts';
import { isPublishableDetailType, publishedEvent, webhookBody } from './action-messages.ts';
import type { ResolvedEffect, ResolvedWrite, WriteRule } from './effect-intents.ts';
import type { CounterStore } from './executor-counters.ts';
import { enrolledRecord, type ReadRecord, type RecordReads } from './record-reads.ts';

/** What resolving an effect reads and draws: records, new ids, the rotation counters. */
export interface EffectResolution {
  readonly reads: RecordReads;
  readonly newId: IdGenerator;
  readonly counters: CounterStore;
}

/** The effect being resolved: what it is, for whom, and the action it belongs to. */
export interface EffectToResolve<Kind extends ActionEffect['kind'] = ActionEffect['kind']> {
  readonly effect: Extract<ActionEffect, { kind: Kind }>;
  readonly enrollment: EnrollmentRef;
  readonly actionId: string;
}

/**
 * The number a property holds for an increment: an empty value counts 0; a value that is not a number makes the
 * action not applicable.
 */
export const numberOf = (value: PropertyValue | undefined, property: string): number => {
  if (value === undefined || value === null || value === '') return 0;
  const number = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(number)) {
    throw new ActionNotApplicable(`the property "${property}" holds ${JSON.stringify(value)}, not a number`);
  }
  return number;
};

const isUnset = (value: PropertyValue | undefined): boolean =>
  value === undefined || value === null || value === '';

/** The owners of the next `count` turns of a rotation, from the counter of the workflow's action. */
const nextOwners = async (
  resolution: EffectResolution,
  input: EffectToResolve<'rotateOwner'>,
  count: number,
): Promise<string[]> => {
  if (count === 0) return [];
  const { owners } = input.effect;
  const counter = { kind: 'rotation', scope: input.enrollment.workflowId, name: input.actionId } as const;
  const last = await resolution.counters.add(counter, count);
  return Array.from({ length: count }, (_, turn) => owners[(last - count + turn) % owners.length]!);
};

const rotateOwner = async (
  resolution: EffectResolution,
  input: EffectToResolve<'rotateOwner'>,
): Promise<ResolvedEffect> => {
  const { effect } = input;
  const targets = await resolution.reads.targets(enrolledRecord(input.enrollment), effect.target);
  const due = targets.filter((target) => effect.overwrite || isUnset(target.properties[effect.property]));
  const owners = await nextOwners(resolution, input, due.length);
  // Without `overwrite` the owner goes only where there is none: a write of one meanwhile wins.
  const rule: WriteRule | undefined = effect.overwrite
    ? undefined
    : { kind: 'whileEmpty', property: effect.property };
  return {
    kind: 'writeRecords',
    writes: due.map((target, turn) => writeOf(target, { [effect.property]: owners[turn]! }, rule)),
  };
};

const writeOf = (
  target: ReadRecord,
  properties: ResolvedWrite['properties'],
  rule?: WriteRule,
): ResolvedWrite => ({
  objectType: target.objectType,
  id: target.id,
  properties,
  ...(rule === undefined ? {} : { from: { version: target.version, rule } }),
});

/**
 * The values of a write that follows from the record's own (`ResolvedWrite.from`), computed again from the record's
 * properties as they are now; undefined when there is nothing to write any more (a rotation's property got a value).
 */
export const valuesNow = (write: ResolvedWrite, properties: Properties): Properties | undefined => {
  const rule = write.from?.rule;
  switch (rule?.kind) {
    case undefined:
      return write.properties;
    case 'increment':
      return { [rule.property]: numberOf(properties[rule.property], rule.property) + rule.by };
    case 'whileEmpty':
      return isUnset(properties[rule.property]) ? write.properties : undefined;
  }
};

/** The enrolled record as a webhook or a published event carries it; one deleted meanwhile cannot be sent. */
const enrolledNow = async (resolution: EffectResolution, enrollment: EnrollmentRef): Promise<ReadRecord> => {
  const ref = enrolledRecord(enrollment);
  const record = await resolution.reads.record(ref);
  if (!record) throw new ActionNotApplicable(`${ref.objectType} record ${ref.id} was deleted`);
  return record;
};

/**
 * True when resolving the effect changes nothing (it only reads and draws ids): resolving it again, its result
 * thrown away, leaves no trace. A rotation's resolution takes turns from its counter.
 */
export const resolvesWithoutWrites = (effect: ActionEffect): boolean => effect.kind !== 'rotateOwner';

/**
 * Fixes every value an effect depends on, at its first attempt: the records a target names, the values an
 * increment or a rotation comes to (an increment's, and a rotation's that does not overwrite, with the version of
 * the record they were computed from: see `ResolvedWrite.from`), a new record's id, the record a webhook or an
 * event carries.
 */
export const resolveEffect = async (
  resolution: EffectResolution,
  input: EffectToResolve,
): Promise<ResolvedEffect> => {
  const { effect, enrollment } = input;
  switch (effect.kind) {
    case 'updateRecords': {
      // The enrolled record's values are not needed: its write finds it deleted, as a read here might have.
      if (effect.target === 'self') {
        return {
          kind: 'writeRecords',
          writes: [{ ...enrolledRecord(enrollment), properties: effect.properties }],
        };
      }
      const targets = await resolution.reads.targets(enrolledRecord(enrollment), effect.target);
      return { kind: 'writeRecords', writes: targets.map((target) => writeOf(target, effect.properties)) };
    }
    case 'incrementProperty': {
      const targets = await resolution.reads.targets(enrolledRecord(enrollment), effect.target);
      const rule: WriteRule = { kind: 'increment', property: effect.property, by: effect.by };
      return {
        kind: 'writeRecords',
        writes: targets.map((target) =>
          writeOf(
            target,
            { [effect.property]: numberOf(target.properties[effect.property], effect.property) + effect.by },
            rule,
          ),
        ),
      };
    }
    case 'rotateOwner':
      return rotateOwner(resolution, { ...input, effect });
    case 'createRecord':
      return {
        kind: 'createRecord',
        objectType: effect.objectType,
        id: resolution.newId(),
        properties: effect.properties,
        ...(effect.associate ? { associateWith: enrolledRecord(enrollment) } : {}),
      };
    case 'webhook': {
      const record = await enrolledNow(resolution, enrollment);
      return {
        kind: 'webhook',
        url: effect.url,
        method: effect.method,
        headers: effect.headers,
        ...(effect.secretName === undefined ? {} : { secretName: effect.secretName }),
        body: webhookBody(record, enrollment, input.actionId),
      };
    }
    case 'publishEvent': {
      if (!isPublishableDetailType(effect.detailType)) {
        throw new ActionNotApplicable(`"${effect.detailType}" is an event of the system's own`);
      }
      const record = await enrolledNow(resolution, enrollment);
      return {
        kind: 'publishEvent',
        ...publishedEvent({ ...effect, actionId: input.actionId }, record, enrollment),
      };
    }
    case 'sendEmail':
    case 'sendNotification':
    case 'addToList':
    case 'removeFromList':
    case 'enrollInWorkflow':
      return effect;
  }
};
