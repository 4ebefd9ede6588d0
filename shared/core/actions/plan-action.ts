import { ActionNotApplicable } from '../contract/task-errors.ts';
import type { Properties, PropertyValue } from '../records/record.schema.ts';
import { addDuration } from '../time/duration-math.ts';
import { durationOf } from '../time/iso-duration.ts';
import { zoneOf } from '../time/time-zone.ts';
import type { Action, Target } from '../workflow/action.schema.ts';
import type { ActionEffect } from './action-effects.ts';
import { personalize } from './personalize.ts';

/** What planning an action may read: the enrolled record, its associated records, the time and the workflow's zone. */
export interface ActionContext {
  readonly properties: Properties;
  readonly associated?: Readonly<Record<string, readonly Properties[]>>;
  readonly now: Date;
  /** The workflow's IANA time zone: a task's due date counts in it, as delays do. */
  readonly timeZone: string;
}

/** `now` plus `due` in the workflow's zone (calendar parts on the wall clock), as a canonical UTC datetime. */
const dueDateOf = (context: ActionContext, due: string): string =>
  new Date(addDuration(zoneOf(context.timeZone), context.now.getTime(), durationOf(due))).toISOString();

const render = (value: PropertyValue, properties: Properties): PropertyValue =>
  typeof value === 'string' ? personalize(value, properties) : value;

const renderAll = (values: Properties, properties: Properties): Properties =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, render(value, properties)]));

/** Copying from associated records reads the first one that has a value. */
const sourceValue = (context: ActionContext, from: string, source: Target | undefined): PropertyValue => {
  if (source === undefined || source === 'self') return context.properties[from] ?? null;
  const records = context.associated?.[source.associated] ?? [];
  const value = records.map((record) => record[from]).find((v) => v !== null && v !== undefined && v !== '');
  return value ?? null;
};

/**
 * The effects of running `action` for a record now. Delays, branches and event waits have
 * none (the state machine carries them out).
 * @example planAction({ type: 'setProperty', property: 'leadstatus', value: 'open', … }, ctx) // [{ kind: 'updateRecords', … }]
 */
export const planAction = (action: Action, context: ActionContext): ActionEffect[] => {
  const own = context.properties;
  switch (action.type) {
    case 'delay':
    case 'delayUntilDate':
    case 'delayUntilDayTime':
    case 'delayUntilAnchor':
    case 'delayUntilEvent':
    case 'branch':
    case 'valueBranch':
    case 'randomSplit':
      return [];
    case 'setProperty':
      return [
        {
          kind: 'updateRecords',
          target: action.target ?? 'self',
          properties: { [action.property]: render(action.value, own) },
        },
      ];
    case 'copyProperty':
      return [
        {
          kind: 'updateRecords',
          target: action.target ?? 'self',
          properties: { [action.to]: sourceValue(context, action.from, action.source) },
        },
      ];
    case 'clearProperty':
      return [
        { kind: 'updateRecords', target: action.target ?? 'self', properties: { [action.property]: null } },
      ];
    case 'incrementProperty':
      return [
        {
          kind: 'incrementProperty',
          target: action.target ?? 'self',
          property: action.property,
          by: action.by,
        },
      ];
    case 'createRecord':
      return [
        {
          kind: 'createRecord',
          objectType: action.objectType,
          properties: renderAll(action.properties, own),
          associate: action.associate ?? true,
        },
      ];
    case 'createTask': {
      const properties: Properties = { title: personalize(action.title, own), status: 'not_started' };
      if (action.body !== undefined) properties.body = personalize(action.body, own);
      if (action.due !== undefined) properties.dueDate = dueDateOf(context, action.due);
      const owner = action.ownerFrom === undefined ? undefined : own[action.ownerFrom];
      if (owner !== undefined && owner !== null && owner !== '') properties.ownerId = String(owner);
      return [{ kind: 'createRecord', objectType: 'tasks', properties, associate: true }];
    }
    case 'sendEmail': {
      const to = own[action.toProperty ?? 'email'];
      if (typeof to !== 'string' || to === '') {
        throw new ActionNotApplicable(`the record has no address in "${action.toProperty ?? 'email'}"`);
      }
      return [
        {
          kind: 'sendEmail',
          to,
          subject: personalize(action.subject, own),
          body: personalize(action.body, own),
        },
      ];
    }
    case 'sendNotification':
      return [
        {
          kind: 'sendNotification',
          message: personalize(action.message, own),
          recipients: action.recipients ?? [],
        },
      ];
    case 'webhook':
      return [
        {
          kind: 'webhook',
          url: action.url,
          method: action.method ?? 'POST',
          headers: action.headers ?? {},
          ...(action.secretName === undefined ? {} : { secretName: action.secretName }),
        },
      ];
    case 'addToList':
    case 'removeFromList':
      return [{ kind: action.type, listId: action.listId }];
    case 'enrollInWorkflow':
      return [{ kind: 'enrollInWorkflow', workflowId: action.workflowId }];
    case 'rotateOwner':
      return [
        {
          kind: 'rotateOwner',
          target: action.target ?? 'self',
          owners: action.owners,
          property: action.property ?? 'ownerId',
          overwrite: action.overwrite ?? false,
        },
      ];
    case 'publishEvent':
      return [{ kind: 'publishEvent', detailType: action.detailType, detail: action.detail ?? {} }];
  }
};
