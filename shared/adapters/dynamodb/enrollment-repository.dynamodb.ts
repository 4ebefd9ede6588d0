import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { enrollmentId } from '../../core/enrollment/enrollment-id.ts';
import type {
  CurrentEnrollment,
  EndEnrollmentRef,
  Enrollment,
  EnrollmentCounts,
  EnrollmentRepository,
  EnrollmentStatus,
  StartEnrollment,
} from '../../core/enrollment/enrollment-repository.ts';
import { ConflictError } from '../../core/errors/app-error.ts';
import {
  ENROLLMENT_COUNTS_SK,
  enrollmentCountsPk,
  enrollmentPk,
  runSk,
  STATE_PREFIX,
  stateSk,
  workflowEnrollmentsPartition,
  workflowEnrollmentsSort,
} from './enrollment-keys.ts';
import { queryAll, queryPage } from './paging.ts';
import { conditionally, pickDefined } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

/*
 * Enrollments in the single table (docs/storage.md, "Enrollments and history"):
 *   state item       pk ENR#<type>#<recordId>  sk WF#<workflowId>             the latest enrollment, `count`, `trigger`
 *   enrollment item  pk ENR#<type>#<recordId>  sk RUN#<workflowId>#<count>    gsi1 ENRWF#<workflowId> / <status>#<enrolledAt>#<id>
 *   counts item      pk ENRCOUNT#<workflowId>       sk #COUNTS                    enrolled, active, completed, …
 * The state item is the lock: a start is one conditional Put of it, so a record is never enrolled twice at once.
 * The counts move only where a conditional write of the state item succeeded (a start that claimed it, an end that
 * ended it, a retry that set it back to active): a replayed start or a repeated end counts nothing.
 */

export interface DynamoDBEnrollmentRepositoryOptions {
  readonly tableName: string;
}

type Item = Record<string, unknown>;

/** Lost races a start retries (another enrollment started and ended in between) before it gives up. */
const MAX_START_ATTEMPTS = 5;

const ENROLLMENT_FIELDS = [
  'id',
  'workflowId',
  'revision',
  'objectType',
  'recordId',
  'count',
  'status',
  'enrolledBecause',
  'enrolledAt',
  'reason',
  'endedAt',
  'failedActionId',
  'depth',
  'retries',
  'retriedActionId',
  'currentActionId',
] as const;

const COUNT_NAMES = ['enrolled', 'active', 'completed', 'unenrolled', 'goal_met', 'failed'] as const;
type CountName = (typeof COUNT_NAMES)[number];

const toEnrollment = (item: Item): Enrollment => pickDefined(item, ENROLLMENT_FIELDS);

/** The latest enrollment a state item holds. */
const enrollmentOfState = (state: Item): Enrollment => toEnrollment({ ...state, id: state.enrollmentId });

const toCurrent = (state: Item): CurrentEnrollment => ({
  workflowId: state.workflowId as string,
  objectType: state.objectType as string,
  recordId: state.recordId as string,
  count: state.count as number,
  latest: enrollmentOfState(state),
  waitingActionIds: Object.keys((state.waits as Record<string, unknown> | undefined) ?? {}).sort(),
  ...(typeof state.trigger === 'string' ? { trigger: state.trigger } : {}),
  ...(typeof state.executionArn === 'string' ? { executionArn: state.executionArn } : {}),
});

const stateItem = (enrollment: Enrollment, trigger: string): Item => {
  const { id, ...fields } = enrollment;
  return {
    [TABLE_KEYS.pk]: enrollmentPk(enrollment.objectType, enrollment.recordId),
    [TABLE_KEYS.sk]: stateSk(enrollment.workflowId),
    entity: 'enrollmentState',
    ...fields,
    enrollmentId: id,
    trigger,
    waits: {},
  };
};

const runItem = (enrollment: Enrollment): Item => ({
  [TABLE_KEYS.pk]: enrollmentPk(enrollment.objectType, enrollment.recordId),
  [TABLE_KEYS.sk]: runSk(enrollment.workflowId, enrollment.count),
  [TABLE_KEYS.gsi1.pk]: workflowEnrollmentsPartition(enrollment.workflowId),
  [TABLE_KEYS.gsi1.sk]: workflowEnrollmentsSort(enrollment.status, enrollment.enrolledAt, enrollment.id),
  entity: 'enrollment',
  ...enrollment,
});

/** The count an enrollment id ends with (`enr_<hash>_<count>`). */
const countOf = (id: string): number => Number(id.slice(id.lastIndexOf('_') + 1));

/**
 * The enrollment repository over the single table, through a DocumentClient.
 * @example createDynamoDBEnrollmentRepository(DynamoDBDocumentClient.from(client), { tableName: 'crm-workflows' })
 */
export const createDynamoDBEnrollmentRepository = (
  documents: DynamoDBDocumentClient,
  options: DynamoDBEnrollmentRepositoryOptions,
): EnrollmentRepository => {
  const { tableName } = options;

  const getItem = async (pk: string, sk: string): Promise<Item | undefined> => {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { [TABLE_KEYS.pk]: pk, [TABLE_KEYS.sk]: sk },
        ConsistentRead: true,
      }),
    );
    return Item;
  };
  const getState = (workflowId: string, objectType: string, recordId: string) =>
    getItem(enrollmentPk(objectType, recordId), stateSk(workflowId));

  /**
   * Sets one attribute of the enrollment's state item or enrollment item, only while that item holds this active
   * enrollment (and, with `below`, while the attribute is below `value`): false when refused.
   */
  const setWhileActive = (
    ref: EndEnrollmentRef,
    item: 'state' | 'run',
    attribute: string,
    value: string | number,
    condition?: 'below',
  ): Promise<boolean> => {
    const idAttribute = item === 'state' ? 'enrollmentId' : 'id';
    return conditionally(() =>
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: {
            [TABLE_KEYS.pk]: enrollmentPk(ref.objectType, ref.recordId),
            [TABLE_KEYS.sk]:
              item === 'state' ? stateSk(ref.workflowId) : runSk(ref.workflowId, countOf(ref.enrollmentId)),
          },
          UpdateExpression: 'SET #attribute = :value',
          ConditionExpression: `#id = :id AND #status = :active${condition === 'below' ? ' AND #attribute < :value' : ''}`,
          ExpressionAttributeNames: { '#attribute': attribute, '#id': idAttribute, '#status': 'status' },
          ExpressionAttributeValues: { ':value': value, ':id': ref.enrollmentId, ':active': 'active' },
        }),
      ),
    );
  };

  /** Adds to the workflow's counts in one atomic `ADD` (concurrent adds never lose one). */
  const addCounts = async (workflowId: string, deltas: Partial<Record<CountName, number>>) => {
    const names = Object.keys(deltas) as CountName[];
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { [TABLE_KEYS.pk]: enrollmentCountsPk(workflowId), [TABLE_KEYS.sk]: ENROLLMENT_COUNTS_SK },
        UpdateExpression: `ADD ${names.map((name) => `#${name} :${name}`).join(', ')} SET #entity = :entity`,
        ExpressionAttributeNames: {
          ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
          '#entity': 'entity',
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name) => [`:${name}`, deltas[name]])),
          ':entity': 'enrollmentCounts',
        },
      }),
    );
  };

  /** The enrollment item, unless one is there (a replay never overwrites an enrollment that has ended since). */
  const putRunIfAbsent = (enrollment: Enrollment) =>
    conditionally(() =>
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: runItem(enrollment),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
        }),
      ),
    );

  /**
   * The ended enrollment item, unless it has ended already (the first outcome written stays) — in this run: an
   * outcome of a run before a retry (fewer `retries`) gives way to the retried run's.
   */
  const putRunEnded = (enrollment: Enrollment) =>
    conditionally(() =>
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: runItem(enrollment),
          ...(enrollment.retries
            ? {
                ConditionExpression:
                  'attribute_not_exists(#pk) OR #status = :active OR attribute_not_exists(#retries) OR #retries < :retries',
                ExpressionAttributeNames: {
                  '#pk': TABLE_KEYS.pk,
                  '#status': 'status',
                  '#retries': 'retries',
                },
                ExpressionAttributeValues: { ':active': 'active', ':retries': enrollment.retries },
              }
            : {
                ConditionExpression: 'attribute_not_exists(#pk) OR #status = :active',
                ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'active' },
              }),
        }),
      ),
    );

  /** One conditional Put of the state item: the record's first enrollment, or the next one after an ended one. */
  const claim = (enrollment: Enrollment, trigger: string, previous: Item | undefined) =>
    conditionally(() =>
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: stateItem(enrollment, trigger),
          ...(previous
            ? {
                ConditionExpression: '#count = :count AND #status <> :active',
                ExpressionAttributeNames: { '#count': 'count', '#status': 'status' },
                ExpressionAttributeValues: { ':count': previous.count, ':active': 'active' },
              }
            : {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
              }),
        }),
      ),
    );

  const start = async (input: StartEnrollment) => {
    for (let attempt = 0; attempt < MAX_START_ATTEMPTS; attempt += 1) {
      const previous = await getState(input.workflowId, input.objectType, input.recordId);
      if (previous && previous.trigger === input.trigger) {
        // The same trigger again (a redelivered event): the enrollment it started, under the same id.
        const enrollment = enrollmentOfState(previous);
        if (enrollment.status === 'active') await putRunIfAbsent(enrollment);
        return { started: true, replayed: true, enrollment } as const;
      }
      if (previous?.status === 'active')
        return { started: false, active: enrollmentOfState(previous) } as const;
      const count = ((previous?.count as number | undefined) ?? 0) + 1;
      const enrollment: Enrollment = {
        id: enrollmentId(input.workflowId, input.recordId, count),
        workflowId: input.workflowId,
        revision: input.revision,
        objectType: input.objectType,
        recordId: input.recordId,
        count,
        status: 'active',
        enrolledBecause: input.enrolledBecause,
        enrolledAt: input.at,
        ...(input.depth ? { depth: input.depth } : {}),
      };
      if (!(await claim(enrollment, input.trigger, previous))) continue;
      await addCounts(input.workflowId, { enrolled: 1, active: 1 });
      // A crash here leaves the state without its enrollment item: a replay of the trigger, or `end`, writes it.
      await putRunIfAbsent(enrollment);
      return { started: true, replayed: false, enrollment } as const;
    }
    throw new ConflictError(
      `the enrollment of ${input.recordId} in ${input.workflowId} keeps changing: try again`,
    );
  };

  return {
    async current(workflowId, objectType, recordId) {
      const state = await getState(workflowId, objectType, recordId);
      return state ? toCurrent(state) : undefined;
    },

    async ofRecord(objectType, recordId) {
      const states = await queryAll<Item>(documents, {
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#sk': TABLE_KEYS.sk },
        ExpressionAttributeValues: { ':pk': enrollmentPk(objectType, recordId), ':prefix': STATE_PREFIX },
        ConsistentRead: true,
      });
      return Object.fromEntries(states.map((state) => [state.workflowId as string, toCurrent(state)]));
    },

    async page(workflowId, status: EnrollmentStatus | undefined, page) {
      const partition = workflowEnrollmentsPartition(workflowId);
      const { results, nextCursor } = await queryPage<Item>(
        documents,
        {
          TableName: tableName,
          IndexName: TABLE_KEYS.gsi1.name,
          KeyConditionExpression:
            status === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :status)',
          ExpressionAttributeNames: {
            '#pk': TABLE_KEYS.gsi1.pk,
            ...(status === undefined ? {} : { '#sk': TABLE_KEYS.gsi1.sk }),
          },
          ExpressionAttributeValues: {
            ':pk': partition,
            ...(status === undefined ? {} : { ':status': `${status}#` }),
          },
          ScanIndexForward: false,
        },
        page,
        [TABLE_KEYS.gsi1.pk, partition],
      );
      return { results: results.map(toEnrollment), nextCursor };
    },

    start,

    async end(input) {
      const pk = enrollmentPk(input.objectType, input.recordId);
      const state = await getState(input.workflowId, input.objectType, input.recordId);
      const outcome = {
        status: input.status,
        endedAt: input.at,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(input.failedActionId === undefined ? {} : { failedActionId: input.failedActionId }),
      };
      if (state?.enrollmentId === input.enrollmentId) {
        // 1. The state item, the truth of "enrolled now", only while it holds this active enrollment.
        const ended =
          state.status === 'active' &&
          (await conditionally(() =>
            documents.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { [TABLE_KEYS.pk]: pk, [TABLE_KEYS.sk]: stateSk(input.workflowId) },
                UpdateExpression: `SET ${Object.keys(outcome)
                  .map((field) => `#${field} = :${field}`)
                  .join(', ')}, #waits = :none`,
                ConditionExpression: '#enrollmentId = :id AND #status = :active',
                ExpressionAttributeNames: {
                  ...Object.fromEntries(Object.keys(outcome).map((field) => [`#${field}`, field])),
                  '#waits': 'waits',
                  '#enrollmentId': 'enrollmentId',
                },
                ExpressionAttributeValues: {
                  ...Object.fromEntries(
                    Object.entries(outcome).map(([field, value]) => [`:${field}`, value]),
                  ),
                  ':none': {},
                  ':id': input.enrollmentId,
                  ':active': 'active',
                },
              }),
            ),
          ));
        if (ended) await addCounts(input.workflowId, { active: -1, [input.status]: 1 });
        // 2. The enrollment item, with the outcome the state item kept (ours, or the one that won the race).
        const kept = ended
          ? { ...state, ...outcome }
          : await getState(input.workflowId, input.objectType, input.recordId);
        if (kept?.enrollmentId === input.enrollmentId && kept.status !== 'active') {
          await putRunEnded(enrollmentOfState(kept));
        }
        return ended;
      }
      // An older enrollment whose item a crash left active: the state has moved on, the item takes this outcome.
      const run = await getItem(pk, runSk(input.workflowId, countOf(input.enrollmentId)));
      if (run?.status !== 'active') return false;
      return putRunEnded({ ...toEnrollment(run), ...outcome });
    },

    async retry(input) {
      const pk = enrollmentPk(input.objectType, input.recordId);
      const state = await getState(input.workflowId, input.objectType, input.recordId);
      const failedActionId = state?.failedActionId;
      if (
        state?.enrollmentId !== input.enrollmentId ||
        state.status !== 'failed' ||
        typeof failedActionId !== 'string'
      ) {
        return { retried: false, ...(state ? { current: enrollmentOfState(state) } : {}) };
      }
      const previous = state.retries as number | undefined;
      const retries = (previous ?? 0) + 1;
      // Only the failed enrollment as it was read: a concurrent retry (or a retry, a failure and a retry) wins once.
      const retried = await conditionally(() =>
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [TABLE_KEYS.pk]: pk, [TABLE_KEYS.sk]: stateSk(input.workflowId) },
            UpdateExpression:
              'SET #status = :active, #retries = :retries, #retriedActionId = :action ' +
              'REMOVE #endedAt, #reason, #failedActionId',
            ConditionExpression: `#enrollmentId = :id AND #status = :failed AND #failedActionId = :action AND ${
              previous === undefined ? 'attribute_not_exists(#retries)' : '#retries = :previous'
            }`,
            ExpressionAttributeNames: {
              '#status': 'status',
              '#retries': 'retries',
              '#retriedActionId': 'retriedActionId',
              '#endedAt': 'endedAt',
              '#reason': 'reason',
              '#failedActionId': 'failedActionId',
              '#enrollmentId': 'enrollmentId',
            },
            ExpressionAttributeValues: {
              ':active': 'active',
              ':failed': 'failed',
              ':retries': retries,
              ':action': failedActionId,
              ':id': input.enrollmentId,
              ...(previous === undefined ? {} : { ':previous': previous }),
            },
          }),
        ),
      );
      if (!retried) {
        const now = await getState(input.workflowId, input.objectType, input.recordId);
        return { retried: false, ...(now ? { current: enrollmentOfState(now) } : {}) };
      }
      await addCounts(input.workflowId, { failed: -1, active: 1 });
      const { endedAt: _endedAt, reason: _reason, failedActionId: _failed, ...rest } = state;
      const enrollment = enrollmentOfState({
        ...rest,
        status: 'active',
        retries,
        retriedActionId: failedActionId,
      });
      // The enrollment item follows (only from `failed`: an outcome written since stays); a crash before it leaves
      // the item `failed` until the retried run ends and writes its outcome over it.
      await conditionally(() =>
        documents.send(
          new PutCommand({
            TableName: tableName,
            Item: runItem(enrollment),
            ConditionExpression: 'attribute_not_exists(#pk) OR #status = :failed',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'failed' },
          }),
        ),
      );
      return { retried: true, enrollment };
    },

    async counts(workflowId) {
      const item = await getItem(enrollmentCountsPk(workflowId), ENROLLMENT_COUNTS_SK);
      // A crash between a state write and its count can only leave a count short, never below zero.
      return Object.fromEntries(
        COUNT_NAMES.map((name) => [name, Math.max(0, Number(item?.[name] ?? 0))]),
      ) as unknown as EnrollmentCounts;
    },

    setExecution(ref, executionArn, expected) {
      const unchanged =
        expected === undefined
          ? ''
          : expected === null
            ? ' AND attribute_not_exists(#executionArn)'
            : ' AND #executionArn = :expected';
      return conditionally(() =>
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: {
              [TABLE_KEYS.pk]: enrollmentPk(ref.objectType, ref.recordId),
              [TABLE_KEYS.sk]: stateSk(ref.workflowId),
            },
            UpdateExpression: 'SET #executionArn = :arn',
            ConditionExpression: `#enrollmentId = :id AND #status = :active${unchanged}`,
            ExpressionAttributeNames: {
              '#executionArn': 'executionArn',
              '#enrollmentId': 'enrollmentId',
              '#status': 'status',
            },
            ExpressionAttributeValues: {
              ':arn': executionArn,
              ':id': ref.enrollmentId,
              ':active': 'active',
              ...(typeof expected === 'string' ? { ':expected': expected } : {}),
            },
          }),
        ),
      );
    },

    async setCurrentAction(ref, actionId) {
      await setWhileActive(ref, 'run', 'currentActionId', actionId);
    },

    async setRevision(ref, revision) {
      const moved = await setWhileActive(ref, 'state', 'revision', revision, 'below');
      // The enrollment item follows (while active: an outcome written since keeps the revision it ended on). A crash
      // before it is mended by the retried Task, which moves the state again (refused) and the item.
      await setWhileActive(ref, 'run', 'revision', revision, 'below');
      return moved;
    },

    async setWaiting(ref, actionId, waiting) {
      await conditionally(() =>
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: {
              [TABLE_KEYS.pk]: enrollmentPk(ref.objectType, ref.recordId),
              [TABLE_KEYS.sk]: stateSk(ref.workflowId),
            },
            UpdateExpression: waiting ? 'SET #waits.#action = :true' : 'REMOVE #waits.#action',
            ConditionExpression: '#enrollmentId = :id AND #status = :active',
            ExpressionAttributeNames: {
              '#waits': 'waits',
              '#action': actionId,
              '#enrollmentId': 'enrollmentId',
              '#status': 'status',
            },
            ExpressionAttributeValues: {
              ':id': ref.enrollmentId,
              ':active': 'active',
              ...(waiting ? { ':true': true } : {}),
            },
          }),
        ),
      );
    },
  };
};
