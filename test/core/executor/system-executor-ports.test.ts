import { describe, expect, it } from 'vitest';
import type { ActionEffect } from '../../../shared/core/actions/action-effects.ts';
import type { EnrollmentRef } from '../../../shared/core/contract/task-contract.ts';
import { ActionNotApplicable, ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import { executeTask } from '../../../shared/core/executor/execute-task.ts';
import { WRITE_FROM_RECORD_ATTEMPTS } from '../../../shared/core/executor/run-effect.ts';
import { createSystemExecutorPorts } from '../../../shared/core/executor/system-executor-ports.ts';
import type { StoredWorkflow } from '../../../shared/core/workflow/stored-workflow.ts';
import { WorkflowDefinitionSchema } from '../../../shared/core/workflow/workflow.schema.ts';
import { InMemorySystem } from '../../helpers/in-memory-system.ts';

const ENROLLMENT: EnrollmentRef = {
  workflowId: 'wf-1',
  revision: 1,
  enrollmentId: 'enr-1',
  recordId: 'c-1',
  objectType: 'contacts',
  depth: 2,
};
const CAUSE = { workflowId: 'wf-1', enrollmentId: 'enr-1', depth: 3 };
const keyOf = (actionId: string, index = 0, enrollmentId = 'enr-1') => `${enrollmentId}:${actionId}:${index}`;

/** A system holding contact c-1 (associated with deals d-1, d-2 and company co-1) and revision 1 of wf-1. */
const systemWithContact = () => {
  const system = new InMemorySystem();
  system.addRecord('contacts', 'c-1', { firstname: 'Ada', email: 'ada@example.fr', score: 5 });
  system.addRecord('deals', 'd-1', { dealname: 'First', amount: 10 });
  system.addRecord('deals', 'd-2', { dealname: 'Second' });
  system.addRecord('companies', 'co-1', { name: 'Acme' });
  for (const other of ['d-1', 'd-2', 'co-1']) system.associate('c-1', other);
  system.revisions.set('wf-1#1', storedWorkflow());
  return { system, ports: createSystemExecutorPorts(system.deps()) };
};

function storedWorkflow(actions: unknown[] = [], startActionId: string | null = null): StoredWorkflow {
  return {
    ...WorkflowDefinitionSchema.parse({
      name: 'Effects',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId,
      actions,
    }),
    id: 'wf-1',
    status: 'active',
    revision: 1,
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
}

const crash = () => Object.assign(new Error('the process died'), { name: 'Crash' });

/** A gate that holds its first `count` callers until the last of them arrives. */
const gate = (count: number) => {
  const held: (() => void)[] = [];
  return async (): Promise<void> => {
    if (held.length >= count) return;
    await new Promise<void>((release) => {
      held.push(release);
      if (held.length === count) for (const waiting of held) waiting();
    });
  };
};

describe('the system executor ports: reads', () => {
  it('reads the record, undefined once it is gone', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    // Act
    const before = await ports.record('contacts', 'c-1');
    system.records.delete('c-1');
    const after = await ports.record('contacts', 'c-1');
    // Assess
    expect(before).toEqual({ firstname: 'Ada', email: 'ada@example.fr', score: 5 });
    expect(after).toBeUndefined();
  });

  it('reads a revision once, and fails for one that does not exist', async () => {
    // Prepare
    const system = new InMemorySystem();
    system.revisions.set('wf-1#1', storedWorkflow());
    const deps = system.deps();
    let reads = 0;
    const ports = createSystemExecutorPorts({
      ...deps,
      revisions: {
        ...deps.revisions,
        revision: (id, revision) => {
          reads += 1;
          return deps.revisions.revision(id, revision);
        },
      },
    });
    // Act
    const first = await ports.workflow('wf-1', 1);
    const second = await ports.workflow('wf-1', 1);
    const missing = ports.workflow('wf-1', 2);
    // Assess
    expect(second).toBe(first);
    await expect(missing).rejects.toThrow('workflow wf-1 has no revision 2');
    expect(reads).toBe(2);
  });

  it('reads the revision a workflow runs now: at every Task by default, once per cache period when asked', async () => {
    // Prepare: wf-1 active at revision 2, wf-2 inactive
    const system = new InMemorySystem();
    system.revisions.set('wf-1#2', { ...storedWorkflow(), revision: 2 });
    system.revisions.set('wf-2#1', { ...storedWorkflow(), id: 'wf-2', status: 'inactive' });
    const deps = system.deps();
    let reads = 0;
    const counted = {
      ...deps.revisions,
      get: (id: string) => {
        reads += 1;
        return deps.revisions.get(id);
      },
    };
    const uncached = createSystemExecutorPorts({ ...deps, revisions: counted });
    const cached = createSystemExecutorPorts({ ...deps, revisions: counted, liveRevisionCacheMs: 5_000 });
    // Act
    const every = [await uncached.liveRevision('wf-1'), await uncached.liveRevision('wf-1')];
    const readsUncached = reads;
    const kept = [await cached.liveRevision('wf-1'), await cached.liveRevision('wf-1')];
    const readsWithin = reads - readsUncached;
    system.now = new Date(system.now.getTime() + 5_000);
    const later = await cached.liveRevision('wf-1');
    const inactive = await cached.liveRevision('wf-2');
    // Assess
    expect([...every, ...kept, later, inactive]).toEqual([2, 2, 2, 2, 2, undefined]);
    expect([readsUncached, readsWithin, reads]).toEqual([2, 1, 5]);
  });

  it('notes where the enrollment is: the action whose Task starts, and the action an action.scheduled line names', async () => {
    // Prepare: a setProperty, then a day's delay before a second one
    const { system } = systemWithContact();
    system.revisions.set(
      'wf-1#1',
      storedWorkflow(
        [
          { id: 'first', type: 'setProperty', property: 'firstname', value: 'Ada', next: 'wait' },
          { id: 'wait', type: 'delay', duration: 'P1D', next: 'second' },
          { id: 'second', type: 'setProperty', property: 'lastname', value: 'Lovelace', next: null },
        ],
        'first',
      ),
    );
    const ports = createSystemExecutorPorts(system.deps());
    const request = {
      kind: 'action' as const,
      actionId: 'first',
      state: { enrollment: ENROLLMENT, runAt: system.now.toISOString() },
      executionId: 'exec-1',
      startedAt: system.now.toISOString(),
    };
    // Act
    await executeTask(request, ports);
    const afterFirst = system.currentActions.get('enr-1');
    // Assess: noted `first` as its Task started, then `second`, which it waits a day to run
    expect(afterFirst).toBe('second');
    expect(system.history.map((line) => line.event)).toEqual(['action.completed', 'action.scheduled']);
  });

  it('asks the registry whether a revision is published until it is, then remembers it', async () => {
    // Prepare: revision 2 published after the first question
    const { system } = systemWithContact();
    let asked = 0;
    let publishedYet = false;
    const stateMachines = {
      stateMachineOf: async () => {
        asked += 1;
        return publishedYet ? { stateMachineArn: 'arn:sm', name: 'crm-wf-wf-1-r2' } : undefined;
      },
    };
    const ports = createSystemExecutorPorts({ ...system.deps(), stateMachines });
    const withoutRegistry = createSystemExecutorPorts(system.deps());
    // Act
    const before = await ports.revisionPublished('wf-1', 2);
    publishedYet = true;
    const after = [await ports.revisionPublished('wf-1', 2), await ports.revisionPublished('wf-1', 2)];
    // Assess
    expect([before, ...after, await withoutRegistry.revisionPublished('wf-1', 2)]).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(asked).toBe(2);
  });

  it('reads the properties of the associated records of the types asked only, and the lists', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.lists.set('vip', new Set(['c-1']));
    system.lists.set('others', new Set(['c-9']));
    // Act
    const associated = await ports.associated('contacts', 'c-1', ['deals']);
    const lists = await ports.lists('contacts', 'c-1');
    // Assess
    expect(associated).toEqual({ deals: [{ dealname: 'First', amount: 10 }, { dealname: 'Second' }] });
    expect(lists).toEqual(['vip']);
  });
});

describe('the system executor ports: record effects', () => {
  it('writes the record with the cause one deeper than the change that enrolled it (0 when none did)', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const tag = (value: string): ActionEffect => ({
      kind: 'updateRecords',
      target: 'self',
      properties: { leadstatus: value },
    });
    // Act
    await ports.apply(tag('open'), ENROLLMENT, keyOf('tag'));
    await ports.apply(tag('connected'), { ...ENROLLMENT, depth: undefined }, keyOf('retag'));
    // Assess
    expect(system.properties('c-1')?.leadstatus).toBe('connected');
    expect(system.changes).toEqual([
      {
        kind: 'updated',
        objectType: 'contacts',
        id: 'c-1',
        properties: { leadstatus: 'open' },
        cause: CAUSE,
      },
      {
        kind: 'updated',
        objectType: 'contacts',
        id: 'c-1',
        properties: { leadstatus: 'connected' },
        cause: { ...CAUSE, depth: 1 },
      },
    ]);
  });

  it('writes every associated record of the type asked, and no other', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    // Act
    await ports.apply(
      { kind: 'updateRecords', target: { associated: 'deals' }, properties: { pipeline: 'main' } },
      ENROLLMENT,
      keyOf('route-deals'),
    );
    // Assess
    expect(system.changes.map((change) => change.id)).toEqual(['d-1', 'd-2']);
    expect(system.properties('co-1')).toEqual({ name: 'Acme' });
    expect(system.changes.every((change) => change.cause?.depth === 3)).toBe(true);
  });

  it('increments once when the process dies after the write and before the intent is marked done', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    system.faults.inject('intents.markDone', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('bump'))).rejects.toThrow('the process died');
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    expect(system.properties('c-1')?.score).toBe(15);
    expect(system.changes).toHaveLength(1);
    expect(system.intents.get(keyOf('bump'))).toMatchObject({
      done: true,
      effect: {
        kind: 'writeRecords',
        writes: [{ objectType: 'contacts', id: 'c-1', properties: { score: 15 } }],
      },
    });
  });

  it('adds to the record as another write left it when the process died after the intent and before the write', async () => {
    // Prepare: the intent says score 15 (from version 1), then the write fails; a PATCH sets 7 meanwhile
    const { system, ports } = systemWithContact();
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    system.faults.inject('records.update', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('bump'))).rejects.toThrow('the process died');
    await system.deps().records.update('contacts', 'c-1', { score: 7 });
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    expect(system.properties('c-1')?.score).toBe(17);
    expect(system.changes.map((change) => change.properties?.score)).toEqual([7, 17]);
    expect(system.intents.get(keyOf('bump'))).toMatchObject({
      done: true,
      effect: { writes: [{ properties: { score: 15 }, from: { version: 1 } }] },
    });
  });

  it('adds every one of concurrent increments of a record that all read it before any wrote', async () => {
    // Prepare: three enrollments increment c-1 (score 5) at once; none goes on before all three have read it.
    const { system } = systemWithContact();
    const deps = system.deps();
    const allRead = gate(3);
    const ports = createSystemExecutorPorts({
      ...deps,
      records: {
        ...deps.records,
        get: async (objectType, id) => {
          const record = await deps.records.get(objectType, id);
          await allRead();
          return record;
        },
      },
    });
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 1 };
    const enrollments = ['enr-1', 'enr-2', 'enr-3'];
    // Act
    await Promise.all(
      enrollments.map((enrollmentId) =>
        ports.apply(effect, { ...ENROLLMENT, enrollmentId }, keyOf('bump', 0, enrollmentId)),
      ),
    );
    // Assess
    expect(system.properties('c-1')?.score).toBe(8);
    expect(system.records.get('c-1')?.version).toBe(4);
    expect(system.changes.map((change) => change.properties?.score)).toEqual([6, 7, 8]);
    expect(
      enrollments.map((enrollmentId) => system.intents.get(keyOf('bump', 0, enrollmentId))?.done),
    ).toEqual([true, true, true]);
  });

  it('adds nothing again when retried after its write, though other writes came after it', async () => {
    // Prepare: the increment (5 → 15) dies before its intent is marked done; another enrollment's follows (→ 25)
    const { system, ports } = systemWithContact();
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    system.faults.inject('intents.markDone', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('bump'))).rejects.toThrow('the process died');
    await ports.apply(effect, { ...ENROLLMENT, enrollmentId: 'enr-2' }, keyOf('bump', 0, 'enr-2'));
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    expect(system.properties('c-1')?.score).toBe(25);
    expect(system.changes.map((change) => change.properties?.score)).toEqual([15, 25]);
    expect(system.intents.get(keyOf('bump'))?.done).toBe(true);
  });

  it('gives up with Action.Transient, marking nothing done, when every attempt loses to another write', async () => {
    // Prepare: before each of the increment's writes, another write changes the record
    const { system } = systemWithContact();
    const deps = system.deps();
    let writes = 0;
    const ports = createSystemExecutorPorts({
      ...deps,
      records: {
        ...deps.records,
        update: async (objectType, id, properties, options) => {
          if (options?.expectedVersion !== undefined) {
            writes += 1;
            await deps.records.update(objectType, id, { leadstatus: `busy-${writes}` });
          }
          return deps.records.update(objectType, id, properties, options);
        },
      },
    });
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    // Act
    const applying = ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    await expect(applying).rejects.toBeInstanceOf(ActionTransient);
    expect(writes).toBe(WRITE_FROM_RECORD_ATTEMPTS);
    expect(system.properties('c-1')?.score).toBe(5);
    expect(system.intents.get(keyOf('bump'))?.done).toBe(false);
  });

  it('keeps an owner written between a rotation reading the record and writing it', async () => {
    // Prepare: the rotation finds no owner; a PATCH sets one before the rotation writes
    const { system } = systemWithContact();
    const deps = system.deps();
    const ports = createSystemExecutorPorts({
      ...deps,
      records: {
        ...deps.records,
        get: async (objectType, id) => {
          const record = await deps.records.get(objectType, id);
          await deps.records.update(objectType, id, { ownerId: 'chosen' });
          return record;
        },
      },
    });
    const effect: ActionEffect = {
      kind: 'rotateOwner',
      target: 'self',
      owners: ['ann', 'bob'],
      property: 'ownerId',
      overwrite: false,
    };
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('rotate'));
    // Assess
    expect(system.properties('c-1')?.ownerId).toBe('chosen');
    expect(system.changes.map((change) => change.properties)).toEqual([{ ownerId: 'chosen' }]);
    expect(system.intents.get(keyOf('rotate'))?.done).toBe(true);
  });

  it('creates one record, associated with the enrolled one, however often the effect is applied again', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const effect: ActionEffect = {
      kind: 'createRecord',
      objectType: 'tasks',
      properties: { title: 'Call Ada', status: 'not_started' },
      associate: true,
    };
    system.faults.inject('intents.markDone', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('task'))).rejects.toThrow('the process died');
    // Act
    const outcome = await ports.apply(effect, ENROLLMENT, keyOf('task'));
    // Assess
    const created = system.changes.filter((change) => change.kind === 'created');
    expect(created).toEqual([
      {
        kind: 'created',
        objectType: 'tasks',
        id: 'new-1',
        properties: { title: 'Call Ada', status: 'not_started' },
        cause: CAUSE,
      },
    ]);
    expect(system.associations.get('c-1')?.has('new-1')).toBe(true);
    expect(system.changes.filter((change) => change.kind === 'associated')).toHaveLength(1);
    expect(outcome).toEqual({ createdRecordId: 'new-1' });
  });

  it('rotates owners round robin across enrollments, one turn per effect key', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    for (const id of ['c-2', 'c-3', 'c-4']) system.addRecord('contacts', id, {});
    system.addRecord('contacts', 'c-5', { ownerId: 'kept' });
    const effect: ActionEffect = {
      kind: 'rotateOwner',
      target: 'self',
      owners: ['ann', 'bob'],
      property: 'ownerId',
      overwrite: false,
    };
    const enrollmentOf = (recordId: string): EnrollmentRef => ({
      ...ENROLLMENT,
      recordId,
      enrollmentId: `enr-${recordId}`,
    });
    // Act
    for (const id of ['c-2', 'c-3', 'c-5', 'c-4']) {
      await ports.apply(effect, enrollmentOf(id), keyOf('rotate', 0, `enr-${id}`));
    }
    await ports.apply(effect, enrollmentOf('c-2'), keyOf('rotate', 0, 'enr-c-2'));
    // Assess
    expect(['c-2', 'c-3', 'c-4', 'c-5'].map((id) => system.properties(id)?.ownerId)).toEqual([
      'ann',
      'bob',
      'ann',
      'kept',
    ]);
    expect(system.counters.get('rotation#wf-1#rotate')).toBe(3);
  });

  it('refuses a write the record service rejects as not applicable, and does not mark it done', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const effect: ActionEffect = { kind: 'updateRecords', target: 'self', properties: { unknownName: 'x' } };
    // Act
    const applying = ports.apply(effect, ENROLLMENT, keyOf('bad'));
    // Assess
    await expect(applying).rejects.toBeInstanceOf(ActionNotApplicable);
    expect(system.intents.get(keyOf('bad'))?.done).toBe(false);
  });
});

describe('the system executor ports: reads an effect saves', () => {
  /** Ports over a system with contact c-1, the intents looked up and the records read counted. */
  const countedSystem = () => {
    const { system } = systemWithContact();
    const deps = system.deps();
    const reads = { intents: 0, records: 0 };
    const ports = createSystemExecutorPorts({
      ...deps,
      intents: {
        ...deps.intents,
        get: (key) => {
          reads.intents += 1;
          return deps.intents.get(key);
        },
      },
      records: {
        ...deps.records,
        get: (objectType, id) => {
          reads.records += 1;
          return deps.records.get(objectType, id);
        },
      },
    });
    return { system, ports, reads };
  };

  it('writes the enrolled record without reading it or looking the intent up first', async () => {
    // Prepare
    const { system, ports, reads } = countedSystem();
    const effect: ActionEffect = {
      kind: 'updateRecords',
      target: 'self',
      properties: { leadstatus: 'open' },
    };
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('tag'));
    // Assess
    expect(system.properties('c-1')?.leadstatus).toBe('open');
    expect(system.intents.get(keyOf('tag'))).toMatchObject({
      done: true,
      effect: { kind: 'writeRecords', writes: [{ objectType: 'contacts', id: 'c-1' }] },
    });
    expect(reads).toEqual({ intents: 0, records: 0 });
  });

  it('looks the intent up before resolving a rotation, whose resolution takes a turn', async () => {
    // Prepare
    const { system, ports, reads } = countedSystem();
    const effect: ActionEffect = {
      kind: 'rotateOwner',
      target: 'self',
      owners: ['ann', 'bob'],
      property: 'ownerId',
      overwrite: true,
    };
    system.faults.inject('intents.markDone', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('rotate'))).rejects.toThrow('the process died');
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('rotate'));
    // Assess: the retry found the intent and took no second turn.
    expect(reads.intents).toBe(2);
    expect(system.counters.get('rotation#wf-1#rotate')).toBe(1);
    expect(system.properties('c-1')?.ownerId).toBe('ann');
  });

  it('applies the kept intent when resolving the effect again fails on a retry', async () => {
    // Prepare: the intent says score 15, the write fails, then the score is no number any more.
    const { system, ports } = countedSystem();
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    system.faults.inject('records.update', crash());
    await expect(ports.apply(effect, ENROLLMENT, keyOf('bump'))).rejects.toThrow('the process died');
    system.properties('c-1')!.score = 'many';
    // Act
    await ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    expect(system.properties('c-1')?.score).toBe(15);
    expect(system.intents.get(keyOf('bump'))?.done).toBe(true);
  });

  it('still refuses an effect whose resolution fails when no intent is kept', async () => {
    // Prepare
    const { system, ports } = countedSystem();
    system.properties('c-1')!.score = 'many';
    const effect: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 10 };
    // Act
    const applying = ports.apply(effect, ENROLLMENT, keyOf('bump'));
    // Assess
    await expect(applying).rejects.toBeInstanceOf(ActionNotApplicable);
    expect(system.intents.has(keyOf('bump'))).toBe(false);
  });
});

describe('the system executor ports: lists, workflows, events and the outside world', () => {
  it('adds to and removes from a list with the cause; removing a non-member is no error', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.lists.set('vip', new Set());
    // Act
    await ports.apply({ kind: 'addToList', listId: 'vip' }, ENROLLMENT, keyOf('add'));
    await ports.apply({ kind: 'removeFromList', listId: 'vip' }, ENROLLMENT, keyOf('remove'));
    await ports.apply({ kind: 'removeFromList', listId: 'vip' }, ENROLLMENT, keyOf('remove-again'));
    const unknown = ports.apply({ kind: 'addToList', listId: 'gone' }, ENROLLMENT, keyOf('add-gone'));
    // Assess
    expect(system.changes.map((change) => [change.kind, change.cause])).toEqual([
      ['listed', CAUSE],
      ['unlisted', CAUSE],
    ]);
    await expect(unknown).rejects.toBeInstanceOf(ActionNotApplicable);
  });

  it('enrolls the record in another workflow, named by the effect key and the source workflow', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.targets.set('wf-2', { active: true, enrolled: new Map() });
    // Act
    const outcome = await ports.apply(
      { kind: 'enrollInWorkflow', workflowId: 'wf-2' },
      ENROLLMENT,
      keyOf('hand'),
    );
    // Assess
    expect(outcome).toEqual({ enrolled: true, enrollmentId: 'enr-wf-2-c-1' });
    expect(system.enrollCalls).toEqual([
      { workflowId: 'wf-2', recordId: 'c-1', trigger: keyOf('hand'), enrolledBecause: 'workflow:wf-1' },
    ]);
  });

  it('reports a record already enrolled in the other workflow as the outcome, not as a failure', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.targets.set('wf-2', { active: true, enrolled: new Map([['c-1', 'criteria']]) });
    // Act
    const outcome = await ports.apply(
      { kind: 'enrollInWorkflow', workflowId: 'wf-2' },
      ENROLLMENT,
      keyOf('hand'),
    );
    // Assess
    expect(outcome).toEqual({ enrolled: false, reason: 'already_enrolled' });
    expect(system.intents.get(keyOf('hand'))).toMatchObject({ done: true, outcome });
  });

  it('cannot enroll in a workflow that is unknown or not active', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.targets.set('wf-off', { active: false, enrolled: new Map() });
    // Act
    const inactive = ports.apply({ kind: 'enrollInWorkflow', workflowId: 'wf-off' }, ENROLLMENT, keyOf('a'));
    const unknown = ports.apply({ kind: 'enrollInWorkflow', workflowId: 'wf-none' }, ENROLLMENT, keyOf('b'));
    // Assess
    await expect(inactive).rejects.toBeInstanceOf(ActionNotApplicable);
    await expect(unknown).rejects.toBeInstanceOf(ActionNotApplicable);
  });

  it('records the enrollment an enrollInWorkflow action was refused in its action.completed line', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    system.revisions.set(
      'wf-1#1',
      storedWorkflow([{ id: 'hand', type: 'enrollInWorkflow', workflowId: 'wf-2', next: null }], 'hand'),
    );
    system.targets.set('wf-2', { active: true, enrolled: new Map([['c-1', 'criteria']]) });
    const state = { enrollment: ENROLLMENT, runAt: system.now.toISOString() };
    // Act
    await executeTask(
      { kind: 'action', actionId: 'hand', state, executionId: 'exec-1', startedAt: state.runAt },
      ports,
    );
    // Assess
    expect(system.history.find((line) => line.event === 'action.completed')).toMatchObject({
      objectType: 'contacts',
      details: { type: 'enrollInWorkflow', attempt: 1, enrolled: false, reason: 'already_enrolled' },
    });
  });

  it('publishes a publishEvent action with the record, and refuses the system own detail types', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    // Act
    await ports.apply(
      { kind: 'publishEvent', detailType: 'Lead Ready', detail: { tier: 'gold' } },
      ENROLLMENT,
      keyOf('shout'),
    );
    const reserved = ports.apply(
      { kind: 'publishEvent', detailType: 'Enrollment Ended', detail: {} },
      ENROLLMENT,
      keyOf('spoof'),
    );
    // Assess
    expect(system.actionEvents).toEqual([
      {
        source: 'crm.workflows',
        detailType: 'Lead Ready',
        detail: {
          tier: 'gold',
          workflowId: 'wf-1',
          revision: 1,
          enrollmentId: 'enr-1',
          objectType: 'contacts',
          recordId: 'c-1',
          actionId: 'shout',
          record: {
            objectType: 'contacts',
            id: 'c-1',
            properties: { firstname: 'Ada', email: 'ada@example.fr', score: 5 },
          },
        },
      },
    ]);
    await expect(reserved).rejects.toBeInstanceOf(ActionNotApplicable);
  });

  it('sends an email once it was sent, and again after the mailer failed', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const email: ActionEffect = { kind: 'sendEmail', to: 'ada@example.fr', subject: 'Hi', body: 'Welcome' };
    system.faults.inject('mailer.send', new Error('SES throttled'));
    await expect(ports.apply(email, ENROLLMENT, keyOf('greet'))).rejects.toThrow('SES throttled');
    // Act
    await ports.apply(email, ENROLLMENT, keyOf('greet'));
    await ports.apply(email, ENROLLMENT, keyOf('greet'));
    await ports.apply(
      { kind: 'sendNotification', message: 'Ada', recipients: ['u1'] },
      ENROLLMENT,
      keyOf('n'),
    );
    // Assess
    expect(system.emails).toEqual([
      {
        to: 'ada@example.fr',
        subject: 'Hi',
        body: 'Welcome',
        enrollment: ENROLLMENT,
        key: keyOf('greet'),
      },
    ]);
    expect(system.notifications).toEqual([
      { message: 'Ada', recipients: ['u1'], enrollment: ENROLLMENT, key: keyOf('n') },
    ]);
  });

  it('sends the record as the webhook body, the same body on every retry', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const webhook: ActionEffect = {
      kind: 'webhook',
      url: 'https://hooks.example.com/crm',
      method: 'POST',
      headers: { 'x-team': 'sales' },
      secretName: 'hook-secret',
    };
    system.faults.inject('webhooks.send', new Error('503'));
    await expect(ports.apply(webhook, ENROLLMENT, keyOf('hook'))).rejects.toThrow('503');
    system.properties('c-1')!.score = 99;
    // Act
    await ports.apply(webhook, ENROLLMENT, keyOf('hook'));
    // Assess
    expect(system.webhooks).toEqual([
      {
        url: 'https://hooks.example.com/crm',
        method: 'POST',
        headers: { 'x-team': 'sales' },
        secretName: 'hook-secret',
        body: JSON.stringify({
          objectType: 'contacts',
          id: 'c-1',
          properties: { firstname: 'Ada', email: 'ada@example.fr', score: 5 },
          workflowId: 'wf-1',
          enrollmentId: 'enr-1',
          actionId: 'hook',
        }),
        enrollment: ENROLLMENT,
        key: keyOf('hook'),
      },
    ]);
  });
});

describe('the system executor ports: history, ends, waits and attempts', () => {
  it('appends history lines with the object type, once per key; action.failed also publishes Action Failed', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const failed = {
      at: system.now.toISOString(),
      workflowId: 'wf-1',
      revision: 1,
      enrollmentId: 'enr-1',
      recordId: 'c-1',
      event: 'action.failed' as const,
      actionId: 'hook',
      details: {
        error: 'Webhook.Rejected',
        cause: JSON.stringify({ errorType: 'Webhook.Rejected', errorMessage: 'the webhook answered 404' }),
        attempts: 1,
      },
    };
    // Act
    await ports.history(failed);
    await ports.history(failed);
    // Assess
    expect(system.history).toEqual([{ ...failed, objectType: 'contacts' }]);
    expect(system.published[0]).toEqual({
      source: 'crm.workflows',
      detailType: 'Action Failed',
      detail: {
        workflowId: 'wf-1',
        revision: 1,
        enrollmentId: 'enr-1',
        objectType: 'contacts',
        recordId: 'c-1',
        actionId: 'hook',
        error: { code: 'Webhook.Rejected', message: 'the webhook answered 404' },
      },
    });
  });

  it('ends the enrollment once and publishes its events only when this call ended it', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const other = { ...ENROLLMENT, enrollmentId: 'enr-2' };
    // Act
    await ports.endEnrollment(ENROLLMENT, 'failed', { actionId: 'hook', reason: 'Webhook.Rejected' });
    await ports.endEnrollment(ENROLLMENT, 'completed', {});
    await ports.endEnrollment(other, 'goal_met', {});
    // Assess
    expect(system.ends).toEqual([
      expect.objectContaining({ enrollmentId: 'enr-1', status: 'failed', failedActionId: 'hook' }),
      expect.objectContaining({ enrollmentId: 'enr-2', status: 'goal_met' }),
    ]);
    expect(
      system.published.map((event) => [event.detailType, event.detail.enrollmentId, event.detail.outcome]),
    ).toEqual([
      ['Enrollment Ended', 'enr-1', 'failed'],
      ['Goal Met', 'enr-2', undefined],
      ['Enrollment Ended', 'enr-2', 'goal_met'],
    ]);
  });

  it('keeps the latest token of an event wait, notes the wait, and forgets it once answered', async () => {
    // Prepare
    const { system, ports } = systemWithContact();
    const criteria = [{ filters: [{ property: 'status', operator: 'eq' as const, value: 'replied' }] }];
    await ports.registerEventWait(ENROLLMENT, 'listen', 'token-1', criteria);
    await ports.registerEventWait(ENROLLMENT, 'listen', 'token-2', criteria);
    const waiting = system.waiting.get('enr-1#listen');
    const kept = system.waits.get('enr-1#listen')?.taskToken;
    const state = { enrollment: ENROLLMENT, runAt: system.now.toISOString() };
    // Act
    await ports.succeedEventWait('token-2', state);
    // Assess
    expect([waiting, kept]).toEqual([true, 'token-2']);
    expect(system.answered).toEqual([{ taskToken: 'token-2', state }]);
    expect(system.waiting.get('enr-1#listen')).toBe(false);
    expect(system.waits.size).toBe(0);
  });

  it('hands the calling execution on with a continue-as-new, so that a retried Task asks for the same successor', async () => {
    // Prepare
    const system = new InMemorySystem();
    const handed: unknown[] = [];
    const ports = createSystemExecutorPorts({
      ...system.deps(),
      continueAsNew: async (input, from) => {
        handed.push({ input, from });
        return 'arn:aws:states:eu-west-1:1:execution:wf-1-r1:enr-1-c3';
      },
    });
    const input = { enrollment: ENROLLMENT, runAt: '2027-12-01T00:00:00.000Z', resumeAt: 'later' };
    const from = {
      executionId: 'arn:aws:states:eu-west-1:1:execution:wf-1-r1:enr-1-c2',
      startedAt: '2026-11-01T00:00:00.000Z',
    };
    // Act
    await ports.continueAsNew(input, from);
    // Assess
    expect(handed).toEqual([{ input, from }]);
  });

  it('counts attempts per execution and action', async () => {
    // Prepare
    const { ports } = systemWithContact();
    // Act
    const counts = [
      await ports.countAttempt('exec-1', 'greet'),
      await ports.countAttempt('exec-1', 'greet'),
      await ports.countAttempt('exec-2', 'greet'),
    ];
    // Assess
    expect(counts).toEqual([1, 2, 1]);
    expect(await ports.attempts('exec-1', 'greet')).toBe(2);
    expect(await ports.attempts('exec-1', 'other')).toBe(0);
  });
});
