import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CHANGE_PUBLISHER_TABLE_ACCESS,
  RESUMER_TABLE_ACCESS,
  type TableDataAction,
} from '../../infra/workflow-permissions.ts';
import type { WorkflowSystem } from '../../shared/adapters/workflow-system.ts';
import { leadsAfterDelay } from '../fixtures/leads-after-delay.ts';
import { deliveredEvent } from '../helpers/bus-delivery.ts';
import {
  deploymentTable,
  executionArnIn,
  type Handler,
  loadDeployedFunctions,
  MINUTE_CONTEXT,
} from '../helpers/deployed-functions.ts';
import { type DocumentTable, routeDocumentClient } from '../helpers/in-memory-table.ts';

/**
 * The change publisher's and the resumer's roles are narrowed to the table actions (and indexes) their code sends:
 * each handler is run here through its paths over a table in memory that notes every command it takes, by the
 * function whose invocation sent it, and what each sent must be exactly what its role is granted.
 */

type Role = 'changePublisher' | 'resumer' | 'other';

/** The IAM action and the index of each document command the table takes. */
const sent = new Map<Role, Set<string>>();
const queried = new Map<Role, Set<string>>();
let role: Role = 'other';
const note = (action: TableDataAction, index?: string): void => {
  sent.set(role, (sent.get(role) ?? new Set()).add(action));
  if (index !== undefined) queried.set(role, (queried.get(role) ?? new Set()).add(index));
};

const table = deploymentTable();
/** `answer`, once the command is noted under the role running. */
const noting = <T>(action: TableDataAction, answer: () => T, index?: string): T => {
  note(action, index);
  return answer();
};
const recording: DocumentTable = {
  get: (input) => noting('dynamodb:GetItem', () => table.get(input)),
  put: (input) => noting('dynamodb:PutItem', () => table.put(input)),
  update: (input) => noting('dynamodb:UpdateItem', () => table.update(input)),
  delete: (input) => noting('dynamodb:DeleteItem', () => table.delete(input)),
  query: (input) => noting('dynamodb:Query', () => table.query(input), input.IndexName),
  batchWrite: (input) => noting('dynamodb:BatchWriteItem', () => table.batchWrite(input)),
};

const documents = routeDocumentClient(recording);
const sfn = mockClient(SFNClient);
const bus = mockClient(EventBridgeClient);
const published: PutEventsRequestEntry[] = [];
let refuseEvents = false;

const context = MINUTE_CONTEXT;
let changePublisher: Handler;
let enrollment: Handler;
let resumer: Handler;
let system: WorkflowSystem;
let restore: () => void;

/** Runs `invoke` as `as`: every table command it sends is noted under that role. */
const as = async <T>(who: Role, invoke: () => Promise<T>): Promise<T> => {
  role = who;
  try {
    return await invoke();
  } finally {
    role = 'other';
  }
};

/** Each `Record Changed` the change publisher put on the bus, delivered to the enrollment function. */
let deliveries = 0;
const deliver = async (): Promise<void> => {
  for (const entry of published.splice(0).filter((e) => e.DetailType === 'Record Changed')) {
    await enrollment(deliveredEvent(entry, `delivery-${++deliveries}`), context);
  }
};

beforeAll(async () => {
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: executionArnIn(input.stateMachineArn, input.name),
    startDate: new Date(),
  }));
  ({ changePublisher, enrollment, resumer, system, restore } = await loadDeployedFunctions({
    sfn,
    bus,
    published,
    refuse: () => refuseEvents,
    documents,
    table,
  }));
});

afterAll(() => restore());

describe('the table actions of the narrowed roles, as their handlers send them', () => {
  it('the change publisher queries the unpublished index and marks changes published; the resumer queries the due index, reads the enrollment and forgets the timer: nothing more', async () => {
    // Prepare: a workflow whose 7-day delay is parked (past the 24-hour threshold), two contacts that match it.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-01-04T08:00:00Z') });
    const workflow = await system.services.workflows.create(leadsAfterDelay('P7D'));
    await system.activation.activate(workflow.id, { enrollExisting: false });
    await system.services.records.create('contacts', { lifecyclestage: 'lead' });
    await system.services.records.create('contacts', { lifecyclestage: 'lead' });

    // Act: the change publisher, once refused by the bus (nothing marked), then accepted; the enrollments; the
    // resumer a week later.
    refuseEvents = true;
    await expect(as('changePublisher', () => changePublisher({}, context))).rejects.toThrow(/refused/);
    refuseEvents = false;
    const publication = await as('changePublisher', () => changePublisher({}, context));
    await deliver();
    vi.setSystemTime(new Date('2027-01-11T08:01:00Z'));
    const resumed = await as('resumer', () => resumer({}, context));

    // Assess: both paths ran (changes published, parked executions started), each sending exactly its role's grant.
    expect(publication).toEqual({ published: 2, refused: 0 });
    expect(resumed).toEqual({ started: 2 });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect([...sent.get('changePublisher')!].sort()).toEqual(
      [...CHANGE_PUBLISHER_TABLE_ACCESS.actions].sort(),
    );
    expect([...queried.get('changePublisher')!]).toEqual(CHANGE_PUBLISHER_TABLE_ACCESS.indexNames);
    expect([...sent.get('resumer')!].sort()).toEqual([...RESUMER_TABLE_ACCESS.actions].sort());
    expect([...queried.get('resumer')!]).toEqual(RESUMER_TABLE_ACCESS.indexNames);
    // The others (the API's services, the enrollment function) write what the two narrowed ones may not.
    expect([...sent.get('other')!]).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
  });
});
