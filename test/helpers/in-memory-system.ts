import type { ExecutionState } from '../../shared/core/contract/task-contract.ts';
import type { WorkflowEvent } from '../../shared/core/enrollment/enrollment-effects.ts';
import { EnrollmentRefused } from '../../shared/core/enrollment/enrollment-refused.ts';
import type { EndEnrollment } from '../../shared/core/enrollment/enrollment-repository.ts';
import { type HistoryLine, historyLineKey } from '../../shared/core/enrollment/history-repository.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/core/errors/app-error.ts';
import type { ActionEvent } from '../../shared/core/executor/action-messages.ts';
import type { EffectIntent, EffectIntentStore } from '../../shared/core/executor/effect-intents.ts';
import type { EventWait, EventWaitStore } from '../../shared/core/executor/event-wait-store.ts';
import type { CounterRef, CounterStore } from '../../shared/core/executor/executor-counters.ts';
import type {
  OutboundEmail,
  OutboundNotification,
  WebhookCall,
} from '../../shared/core/executor/outside-world.ts';
import type { SystemExecutorDeps } from '../../shared/core/executor/system-executor-ports.ts';
import type { ObjectType } from '../../shared/core/records/object-types.ts';
import type { CrmRecord, Properties } from '../../shared/core/records/record.schema.ts';
import type { ChangeCause } from '../../shared/core/records/record-change.ts';
import { RecordVersionConflict } from '../../shared/core/records/version-conflict.ts';
import type { StoredWorkflow } from '../../shared/core/workflow/stored-workflow.ts';

/** One write the fake record and list services took, with the cause it carried. */
export interface LoggedChange {
  readonly kind: 'created' | 'updated' | 'associated' | 'listed' | 'unlisted';
  readonly objectType: ObjectType;
  readonly id: string;
  readonly properties?: Properties;
  readonly cause?: ChangeCause;
}

/** Throws `error` the next `times` calls of a step (a crash, or a fault of a dependency). */
export class Faults {
  readonly #faults = new Map<string, { error: Error; times: number }>();

  inject(step: string, error: Error, times = 1): void {
    this.#faults.set(step, { error, times });
  }

  check(step: string): void {
    const fault = this.#faults.get(step);
    if (!fault || fault.times === 0) return;
    fault.times -= 1;
    throw fault.error;
  }
}

const notFound = (objectType: string, id: string) =>
  new NotFoundError(`${objectType} record ${id} not found`);

/**
 * The system behind the executor's ports, in memory: records with their associations and change log, lists,
 * enrollments, history, the bus, the outside world and the executor's own stores. `faults` interrupts a step.
 */
export class InMemorySystem {
  readonly records = new Map<string, { objectType: ObjectType; properties: Properties; version: number }>();
  readonly associations = new Map<string, Set<string>>();
  readonly lists = new Map<string, Set<string>>();
  readonly changes: LoggedChange[] = [];
  readonly revisions = new Map<string, StoredWorkflow>();
  /** Target workflows of `enrollInWorkflow`, by id: their status and the records enrolled in them now. */
  readonly targets = new Map<string, { active: boolean; enrolled: Map<string, string> }>();
  readonly enrollCalls: {
    workflowId: string;
    recordId: string;
    trigger?: string;
    enrolledBecause?: string;
  }[] = [];
  readonly ends: EndEnrollment[] = [];
  /** Where each enrollment is (`setCurrentAction`), by enrollment id. */
  readonly currentActions = new Map<string, string>();
  /** Enrollments moved to a later revision (`setRevision`), in order. */
  readonly moves: { enrollmentId: string; revision: number }[] = [];
  readonly waiting = new Map<string, boolean>();
  readonly history: HistoryLine[] = [];
  readonly published: WorkflowEvent[] = [];
  readonly actionEvents: ActionEvent[] = [];
  readonly emails: OutboundEmail[] = [];
  readonly notifications: OutboundNotification[] = [];
  readonly webhooks: WebhookCall[] = [];
  readonly intents = new Map<string, EffectIntent>();
  readonly counters = new Map<string, number>();
  readonly waits = new Map<string, EventWait>();
  readonly answered: { taskToken: string; state: ExecutionState }[] = [];
  readonly continued: ExecutionState[] = [];
  readonly faults = new Faults();
  now = new Date('2026-11-30T08:00:00.000Z');
  #ids = 0;
  readonly #ended = new Set<string>();
  readonly #historyKeys = new Set<string>();
  /** The effect keys the record writes carried, with the version each made. */
  readonly #effectKeys: { id: string; version: number; effectKey: string }[] = [];

  addRecord(objectType: ObjectType, id: string, properties: Properties): void {
    this.records.set(id, { objectType, properties: { ...properties }, version: 1 });
  }

  associate(a: string, b: string): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      this.associations.set(from, new Set([...(this.associations.get(from) ?? []), to]));
    }
  }

  properties(id: string): Properties | undefined {
    return this.records.get(id)?.properties;
  }

  #record(objectType: ObjectType, id: string): CrmRecord {
    const stored = this.records.get(id);
    if (!stored || stored.objectType !== objectType) throw notFound(objectType, id);
    const at = this.now.toISOString();
    return {
      id,
      objectType,
      properties: { ...stored.properties },
      createdAt: at,
      updatedAt: at,
      version: stored.version,
    };
  }

  #log(change: LoggedChange): void {
    this.changes.push(change);
  }

  #members(listId: string): Set<string> {
    const members = this.lists.get(listId);
    if (!members) throw new NotFoundError(`list ${listId} not found`);
    return members;
  }

  #intentStore(): EffectIntentStore {
    return {
      get: async (key) => this.intents.get(key),
      claim: async (intent) => {
        this.faults.check('intents.claim');
        const kept = this.intents.get(intent.key) ?? { ...intent, done: false };
        this.intents.set(intent.key, kept);
        return kept;
      },
      markDone: async (key, outcome) => {
        this.faults.check('intents.markDone');
        const intent = this.intents.get(key);
        if (intent) this.intents.set(key, { ...intent, done: true, ...(outcome ? { outcome } : {}) });
      },
    };
  }

  #counterStore(): CounterStore {
    const name = (counter: CounterRef) => `${counter.kind}#${counter.scope}#${counter.name}`;
    return {
      add: async (counter, by) => {
        const value = (this.counters.get(name(counter)) ?? 0) + by;
        this.counters.set(name(counter), value);
        return value;
      },
      get: async (counter) => this.counters.get(name(counter)) ?? 0,
    };
  }

  #waitStore(): EventWaitStore {
    const key = (enrollmentId: string, actionId: string) => `${enrollmentId}#${actionId}`;
    return {
      put: async (wait) => void this.waits.set(key(wait.enrollmentId, wait.actionId), wait),
      get: async (enrollmentId, actionId) => this.waits.get(key(enrollmentId, actionId)),
      ofEnrollment: async (enrollmentId) =>
        [...this.waits.values()].filter((wait) => wait.enrollmentId === enrollmentId),
      claim: async (enrollmentId, actionId, outcome, executionId) => {
        const wait = this.waits.get(key(enrollmentId, actionId));
        if (!wait || (executionId !== undefined && wait.executionId !== executionId)) return 'gone';
        if (wait.taskToken !== undefined || (wait.claimedBy !== undefined && wait.claimedBy !== outcome))
          return 'lost';
        this.waits.set(key(enrollmentId, actionId), { ...wait, claimedBy: outcome });
        return 'won';
      },
      delete: async (enrollmentId, actionId) => void this.waits.delete(key(enrollmentId, actionId)),
    };
  }

  /** The dependencies of `createSystemExecutorPorts` over this system. */
  deps(): SystemExecutorDeps {
    return {
      clock: { now: () => this.now },
      newId: () => `new-${++this.#ids}`,
      revisions: {
        revision: async (id, revision) => this.revisions.get(`${id}#${revision}`),
        get: async (id) =>
          [...this.revisions.values()]
            .filter((workflow) => workflow.id === id)
            .sort((a, b) => b.revision - a.revision)[0],
      },
      records: {
        get: async (objectType, id) => this.#record(objectType, id),
        associations: async (objectType, id, toObjectType) => {
          this.#record(objectType, id);
          const ids = [...(this.associations.get(id) ?? [])].filter(
            (other) => this.records.get(other)?.objectType === toObjectType,
          );
          return { results: ids.map((other) => ({ id: other })), nextCursor: null };
        },
        create: async (objectType, properties, options = {}) => {
          const id = options.id ?? `new-${++this.#ids}`;
          if (!this.records.has(id)) {
            this.faults.check('records.create');
            this.records.set(id, { objectType, properties: { ...properties }, version: 1 });
            this.#log({ kind: 'created', objectType, id, properties, ...options });
          }
          return this.#record(objectType, id);
        },
        update: async (objectType, id, properties, options = {}) => {
          this.faults.check('records.update');
          const stored = this.records.get(id);
          if (!stored || stored.objectType !== objectType) throw notFound(objectType, id);
          if (Object.keys(properties).some((name) => name.startsWith('unknown'))) {
            throw new ValidationError([{ path: 'properties', message: 'unknown property' }]);
          }
          const { expectedVersion, effectKey, cause } = options;
          if (expectedVersion !== undefined && stored.version !== expectedVersion) {
            const madeAlready = this.#effectKeys.some(
              (write) => write.id === id && write.version > expectedVersion && write.effectKey === effectKey,
            );
            if (effectKey !== undefined && madeAlready) return this.#record(objectType, id);
            throw new RecordVersionConflict(this.#record(objectType, id), expectedVersion);
          }
          const changed = Object.entries(properties).some(
            ([name, value]) => stored.properties[name] !== value,
          );
          if (changed) {
            Object.assign(stored.properties, properties);
            stored.version += 1;
            if (effectKey !== undefined) this.#effectKeys.push({ id, version: stored.version, effectKey });
            this.#log({ kind: 'updated', objectType, id, properties, ...(cause ? { cause } : {}) });
          }
          return this.#record(objectType, id);
        },
        associate: async (objectType, id, toObjectType, toId, options = {}) => {
          this.#record(objectType, id);
          this.#record(toObjectType, toId);
          if (this.associations.get(id)?.has(toId)) return;
          this.associate(id, toId);
          this.#log({ kind: 'associated', objectType, id, ...options });
        },
      },
      lists: {
        addMember: async (listId, recordId, options = {}) => {
          const members = this.#members(listId);
          if (members.has(recordId)) return;
          members.add(recordId);
          this.#log({ kind: 'listed', objectType: 'contacts', id: recordId, ...options });
        },
        removeMember: async (listId, recordId, options = {}) => {
          const members = this.#members(listId);
          if (!members.has(recordId)) return;
          members.delete(recordId);
          this.#log({ kind: 'unlisted', objectType: 'contacts', id: recordId, ...options });
        },
      },
      memberships: {
        listsOf: async (ref) =>
          [...this.lists].filter(([, members]) => members.has(ref.id)).map(([listId]) => listId),
      },
      enrollment: {
        enrollManually: async (workflowId, recordId, options = {}) => {
          this.enrollCalls.push({ workflowId, recordId, ...options });
          const target = this.targets.get(workflowId);
          if (!target) throw new NotFoundError(`workflow ${workflowId} not found`);
          if (!target.active) throw new ConflictError(`workflow ${workflowId} is inactive`);
          const current = target.enrolled.get(recordId);
          if (current !== undefined && current !== options.trigger) {
            throw new EnrollmentRefused('already_enrolled', `record ${recordId} is enrolled in it now`);
          }
          target.enrolled.set(recordId, options.trigger ?? 'manual');
          return {
            id: `enr-${workflowId}-${recordId}`,
            recordId,
            revision: 1,
            status: 'active',
            enrolledAt: this.now.toISOString(),
          };
        },
      },
      enrollments: {
        setCurrentAction: async (input, actionId) => {
          this.currentActions.set(input.enrollmentId, actionId);
        },
        setRevision: async (input, revision) => {
          this.moves.push({ enrollmentId: input.enrollmentId, revision });
          return true;
        },
        end: async (input) => {
          if (this.#ended.has(input.enrollmentId)) return false;
          this.#ended.add(input.enrollmentId);
          this.ends.push(input);
          return true;
        },
        setWaiting: async (ref, actionId, waiting) => {
          this.waiting.set(`${ref.enrollmentId}#${actionId}`, waiting);
        },
        current: async () => undefined,
      },
      history: {
        append: async (line, key = historyLineKey(line)) => {
          if (this.#historyKeys.has(key)) return;
          this.#historyKeys.add(key);
          this.history.push(line);
        },
      },
      publish: async (events) => void this.published.push(...events),
      publishActionEvent: async (event) => {
        this.faults.check('publishActionEvent');
        this.actionEvents.push(event);
      },
      outside: {
        mailer: {
          send: async (email) => {
            this.faults.check('mailer.send');
            this.emails.push(email);
          },
        },
        notifier: { send: async (notification) => void this.notifications.push(notification) },
        webhooks: {
          send: async (call) => {
            this.faults.check('webhooks.send');
            this.webhooks.push(call);
          },
        },
      },
      intents: this.#intentStore(),
      counters: this.#counterStore(),
      eventWaits: this.#waitStore(),
      continueAsNew: async (input) => {
        this.continued.push(input);
        return `arn:aws:states:eu-west-1:123456789012:execution:${input.enrollment.workflowId}:continued-${this.continued.length}`;
      },
      succeedEventWait: async (taskToken, state) => void this.answered.push({ taskToken, state }),
    };
  }
}
