import type { ActionEffect } from '../../shared/core/actions/action-effects.ts';
import type { EnrollmentRef, ExecutionState } from '../../shared/core/contract/task-contract.ts';
import { WebhookRejected, WebhookRetryable } from '../../shared/core/contract/task-errors.ts';
import type { HistoryEvent } from '../../shared/core/executor/history-event.ts';
import type { ExecutorPorts } from '../../shared/core/executor/ports.ts';
import type { Properties } from '../../shared/core/records/record.schema.ts';
import type { WorkflowDefinition } from '../../shared/core/workflow/workflow.schema.ts';

interface StoredRecord {
  objectType: string;
  properties: Properties;
}

export interface Ended {
  enrollment: EnrollmentRef;
  outcome: string;
  reason?: string;
  actionId?: string;
}

/** An error from outside the task contract (an AWS SDK or store error), known by its name only. */
const foreignError = (name: string, message = `injected ${name}`): Error =>
  Object.assign(new Error(message), { name });

/** CRM data, history and the outside world in memory, behind the executor's ports. */
export class InMemoryWorld {
  now: Date;
  readonly workflows = new Map<string, WorkflowDefinition>();
  readonly records = new Map<string, StoredRecord>();
  readonly associations = new Map<string, Set<string>>();
  readonly lists = new Map<string, Set<string>>();
  readonly history: HistoryEvent[] = [];
  readonly outbox: { kind: string; to?: string; subject?: string; body?: string; message?: string }[] = [];
  readonly webhookCalls: { url: string; at: string }[] = [];
  readonly published: { detailType: string; recordId: string }[] = [];
  readonly enrolledElsewhere: { workflowId: string; recordId: string }[] = [];
  readonly ended: Ended[] = [];
  readonly eventWaits = new Map<string, { enrollment: EnrollmentRef; actionId: string }>();
  readonly tokenAnswers = new Map<string, ExecutionState>();
  /** Status codes the webhook answers, in order (the last one repeats). */
  webhookStatuses: number[] = [200];
  /** Faults an action's effects raise, by action id: the error thrown, how many times. */
  readonly faults = new Map<string, { error: Error; times: number }>();
  /** Faults the history store raises when writing an event: error name, how many times. */
  readonly historyFaults = new Map<string, { name: string; times: number }>();
  /** Inputs of the executions that took over (continue-as-new), in order. */
  readonly continuations: ExecutionState[] = [];
  /** The execution each continuation took over from (`from`), in the same order. */
  readonly continuedFrom: (string | undefined)[] = [];
  /** Parked event waits by `<enrollmentId>#<actionId>`: the timer execution, the timeout, the outcome that took it. */
  readonly parkedWaits = new Map<
    string,
    { timer: string; timesOutAt: string; claimedBy?: 'met' | 'timedOut'; noted: boolean; retry?: number }
  >();
  /** The execution noted on the enrollment (`notedExecution`): a continue-as-new notes the one it returns. */
  noted: string | undefined;
  /** The revision the workflow runs now (`liveRevision`): undefined, an enrollment stays on its revision. */
  liveRevision: number | undefined;
  /** Revisions whose state machine is not published yet (`revisionPublished`). */
  readonly unpublished = new Set<number>();
  /** The actions noted as where the enrollment is (`noteCurrentAction`), in order. */
  readonly currentActions: string[] = [];
  /** Enrollments moved to a later revision (`moveEnrollment`), in order. */
  readonly moves: { enrollmentId: string; revision: number }[] = [];
  /** When set, waits longer than this (ms) are parked (the ports' `parkLongerThanMs`). */
  parkLongerThanMs: number | undefined;
  readonly #applied = new Set<string>();
  readonly #attempts = new Map<string, number>();
  readonly #rotation = new Map<string, number>();
  #ids = 0;

  constructor(now: string) {
    this.now = new Date(now);
  }

  addWorkflow(workflowId: string, revision: number, workflow: WorkflowDefinition): void {
    this.workflows.set(`${workflowId}:${revision}`, workflow);
  }

  addRecord(objectType: string, properties: Properties, id = `${objectType}-${++this.#ids}`): string {
    this.records.set(id, { objectType, properties: { ...properties } });
    return id;
  }

  associate(a: string, b: string): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = this.associations.get(from) ?? new Set<string>();
      set.add(to);
      this.associations.set(from, set);
    }
  }

  addToList(listId: string, recordId: string): void {
    const members = this.lists.get(listId) ?? new Set<string>();
    members.add(recordId);
    this.lists.set(listId, members);
  }

  /** Moves the clock forward (never back). */
  advanceTo(instant: string | Date): void {
    const at = new Date(instant);
    if (at.getTime() > this.now.getTime()) this.now = at;
  }

  properties(id: string): Properties {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    return record.properties;
  }

  events(name?: HistoryEvent['event']): HistoryEvent[] {
    return name ? this.history.filter((event) => event.event === name) : this.history;
  }

  #associatedIds(id: string, objectType: string): string[] {
    return [...(this.associations.get(id) ?? [])].filter(
      (other) => this.records.get(other)?.objectType === objectType,
    );
  }

  #targets(recordId: string, target: 'self' | { associated: string }): string[] {
    return target === 'self' ? [recordId] : this.#associatedIds(recordId, target.associated);
  }

  async #apply(effect: ActionEffect, enrollment: EnrollmentRef, key: string): Promise<undefined> {
    if (this.#applied.has(key)) return;
    const fault = this.faults.get(key.split(':')[1] ?? '');
    if (fault && fault.times > 0) {
      fault.times -= 1;
      throw fault.error;
    }
    const recordId = enrollment.recordId;
    switch (effect.kind) {
      case 'updateRecords':
        for (const id of this.#targets(recordId, effect.target))
          Object.assign(this.properties(id), effect.properties);
        break;
      case 'incrementProperty':
        for (const id of this.#targets(recordId, effect.target)) {
          const properties = this.properties(id);
          properties[effect.property] = Number(properties[effect.property] ?? 0) + effect.by;
        }
        break;
      case 'createRecord': {
        const id = this.addRecord(effect.objectType, effect.properties);
        if (effect.associate) this.associate(recordId, id);
        break;
      }
      case 'sendEmail':
        this.outbox.push({ kind: 'email', to: effect.to, subject: effect.subject, body: effect.body });
        break;
      case 'sendNotification':
        this.outbox.push({ kind: 'notification', message: effect.message });
        break;
      case 'webhook': {
        const status =
          this.webhookStatuses[Math.min(this.webhookCalls.length, this.webhookStatuses.length - 1)] ?? 200;
        this.webhookCalls.push({ url: effect.url, at: this.now.toISOString() });
        if (status === 429 || status >= 500) throw new WebhookRetryable(`the webhook answered ${status}`);
        if (status >= 400) throw new WebhookRejected(`the webhook answered ${status}`);
        break;
      }
      case 'addToList':
        this.addToList(effect.listId, recordId);
        break;
      case 'removeFromList':
        this.lists.get(effect.listId)?.delete(recordId);
        break;
      case 'enrollInWorkflow':
        this.enrolledElsewhere.push({ workflowId: effect.workflowId, recordId });
        break;
      case 'rotateOwner':
        for (const id of this.#targets(recordId, effect.target)) {
          const properties = this.properties(id);
          if (!effect.overwrite && properties[effect.property]) continue;
          const turn = this.#rotation.get(key.split(':')[1] ?? '') ?? 0;
          properties[effect.property] = effect.owners[turn % effect.owners.length] ?? null;
          this.#rotation.set(key.split(':')[1] ?? '', turn + 1);
        }
        break;
      case 'publishEvent':
        this.published.push({ detailType: effect.detailType, recordId });
        break;
    }
    this.#applied.add(key);
  }

  /** The executor's ports over this world. */
  ports(): ExecutorPorts {
    return {
      now: () => this.now,
      ...(this.parkLongerThanMs === undefined ? {} : { parkLongerThanMs: this.parkLongerThanMs }),
      liveRevision: async () => this.liveRevision,
      revisionPublished: async (_workflowId, revision) => !this.unpublished.has(revision),
      noteCurrentAction: async (_enrollment, actionId) => void this.currentActions.push(actionId),
      moveEnrollment: async (enrollment, revision) =>
        void this.moves.push({ enrollmentId: enrollment.enrollmentId, revision }),
      workflow: async (workflowId, revision) => {
        const workflow = this.workflows.get(`${workflowId}:${revision}`);
        if (!workflow) throw new Error(`no workflow ${workflowId} revision ${revision}`);
        return workflow;
      },
      record: async (_objectType, id) => {
        const record = this.records.get(id);
        return record ? { ...record.properties } : undefined;
      },
      associated: async (_objectType, id, types) =>
        Object.fromEntries(
          types.map((type) => [
            type,
            this.#associatedIds(id, type).map((other) => ({ ...this.properties(other) })),
          ]),
        ),
      lists: async (_objectType, id) =>
        [...this.lists].filter(([, members]) => members.has(id)).map(([listId]) => listId),
      apply: (effect, enrollment, key) => this.#apply(effect, enrollment, key),
      history: async (event) => {
        const fault = this.historyFaults.get(event.event);
        if (fault && fault.times > 0) {
          fault.times -= 1;
          throw foreignError(fault.name, `injected ${fault.name} writing ${event.event}`);
        }
        this.history.push(event);
      },
      endEnrollment: async (enrollment, outcome, detail) => {
        this.ended.push({ enrollment, outcome, ...detail });
      },
      registerEventWait: async (enrollment, actionId, taskToken) => {
        for (const [token, wait] of this.eventWaits) {
          if (wait.enrollment.enrollmentId === enrollment.enrollmentId && wait.actionId === actionId) {
            this.eventWaits.delete(token);
          }
        }
        this.eventWaits.set(taskToken, { enrollment, actionId });
      },
      succeedEventWait: async (taskToken, state) => {
        this.eventWaits.delete(taskToken);
        this.tokenAnswers.set(taskToken, state);
      },
      continueAsNew: async (input, from) => {
        this.continuations.push(input);
        this.continuedFrom.push(from?.executionId);
        this.noted = `arn:aws:states:eu-west-1:123456789012:execution:${input.enrollment.workflowId}:continued-${this.continuations.length}`;
        return this.noted;
      },
      parkEventWait: async (enrollment, actionId, timer, timesOutAt) => {
        this.parkedWaits.set(`${enrollment.enrollmentId}#${actionId}`, {
          timer: timer.executionId,
          timesOutAt,
          noted: true,
          ...(enrollment.retry ? { retry: enrollment.retry } : {}),
        });
      },
      claimEventWait: async (enrollment, actionId, outcome, executionId) => {
        const wait = this.parkedWaits.get(`${enrollment.enrollmentId}#${actionId}`);
        if (!wait || (executionId !== undefined && wait.timer !== executionId)) return 'gone';
        if (wait.claimedBy !== undefined && wait.claimedBy !== outcome) return 'lost';
        wait.claimedBy = outcome;
        return 'won';
      },
      settleEventWait: async (enrollment, actionId) => {
        const wait = this.parkedWaits.get(`${enrollment.enrollmentId}#${actionId}`);
        if (wait) wait.noted = false;
      },
      notedExecution: async () => this.noted,
      parkedEventWait: async (enrollment, actionId) => {
        const wait = this.parkedWaits.get(`${enrollment.enrollmentId}#${actionId}`);
        if (!wait) return undefined;
        return {
          timer: { executionId: wait.timer, startedAt: this.now.toISOString() },
          ...(wait.claimedBy === undefined ? {} : { claimedBy: wait.claimedBy }),
          ...(wait.retry === undefined ? {} : { retry: wait.retry }),
        };
      },
      countAttempt: async (executionId, actionId) => {
        const key = `${executionId}:${actionId}`;
        const count = (this.#attempts.get(key) ?? 0) + 1;
        this.#attempts.set(key, count);
        return count;
      },
      attempts: async (executionId, actionId) => this.#attempts.get(`${executionId}:${actionId}`) ?? 0,
    };
  }
}
