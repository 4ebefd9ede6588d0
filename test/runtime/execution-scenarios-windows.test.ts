import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'execution-windows-token-0123456789';
const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
const SPREAD_MS = 15 * 60_000;
const WEEKDAYS_9_TO_17 = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }];

let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-windows-'));
  runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'manual', start: new Date('2027-01-04T00:00:00Z') },
  });
});
afterEach(async () => {
  // No event of a scenario failed for good.
  const deadLetters = await call('GET', '/_local/dead-letters');
  expect(deadLetters.status).toBe(200);
  expect(deadLetters.json.results).toEqual([]);
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = runtimeClient(() => runtime.url, TOKEN);

/** One line of a workflow's history, as the API answers it. */
interface HistoryLine {
  readonly at: string;
  readonly event: string;
  readonly recordId: string;
  readonly actionId?: string;
  readonly reason?: string;
  // biome-ignore lint/suspicious/noExplicitAny: details differ per event and are read by path
  readonly details?: any;
}

/** A local wall time as the UTC instant the API writes. */
const instant = (local: string, zone: string): string =>
  DateTime.fromISO(local, { zone }).toUTC().toISO() as string;

/** An instant seen on the wall clock of `zone`. */
const wall = (at: string, zone: string): DateTime => DateTime.fromISO(at, { zone });

/** Moves the manual clock to `local` in `zone` (every timer due on the way fired) and checks where it stands. */
const moveTo = async (local: string, zone = 'UTC'): Promise<string> => {
  const to = instant(local, zone);
  const moved = await call('POST', '/_local/clock', { to });
  expect(moved.status).toBe(200);
  expect(moved.json.now).toBe(to);
  return to;
};

const settle = async (): Promise<void> => {
  expect((await call('POST', '/_local/settle')).status).toBe(200);
};

/** The record's history in the workflow, oldest first. */
const historyOf = async (workflowId: string, recordId: string): Promise<HistoryLine[]> => {
  const page = await call('GET', `/workflows/${workflowId}/history?recordId=${recordId}&limit=100`);
  expect(page.status).toBe(200);
  expect(page.json.nextCursor).toBeNull();
  return [...page.json.results].reverse();
};

const linesOf = (history: readonly HistoryLine[], event: string, actionId?: string): HistoryLine[] =>
  history.filter((line) => line.event === event && (actionId === undefined || line.actionId === actionId));

/** The one line of that event (and action): fails when there is none or more than one. */
const lineOf = (history: readonly HistoryLine[], event: string, actionId?: string): HistoryLine => {
  const lines = linesOf(history, event, actionId);
  expect(lines, `${event} ${actionId ?? ''}`).toHaveLength(1);
  return lines[0] as HistoryLine;
};

/** Saves and activates a workflow; answers its id. */
const activeWorkflow = async (definition: object): Promise<string> => {
  const created = await call('POST', '/workflows', definition);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const activated = await call('POST', `/workflows/${created.json.id}/activate`, { enrollExisting: false });
  expect(activated.status, JSON.stringify(activated.json)).toBe(200);
  return created.json.id as string;
};

const createRecord = async (objectType: string, properties: object): Promise<string> => {
  const created = await call('POST', `/objects/${objectType}`, { properties });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json.id as string;
};

const getRecord = async (objectType: string, id: string) => {
  const record = await call('GET', `/objects/${objectType}/${id}`);
  expect(record.status).toBe(200);
  return record.json;
};

const enroll = async (workflowId: string, recordId: string): Promise<void> => {
  const enrolled = await call('POST', `/workflows/${workflowId}/enrollments`, { recordId });
  expect(enrolled.status, JSON.stringify(enrolled.json)).toBe(201);
  await settle();
};

const enrollmentOf = async (workflowId: string, recordId: string) => {
  const page = await call('GET', `/workflows/${workflowId}/enrollments?limit=100`);
  expect(page.status).toBe(200);
  const mine = page.json.results.filter(
    (enrollment: { recordId: string }) => enrollment.recordId === recordId,
  );
  expect(mine).toHaveLength(1);
  return mine[0];
};

/**
 * Checks the history against `[at, "event:actionId-or-reason"]` pairs: every line, with its instant. Lines written at
 * one instant (a step under the manual clock) have no order among themselves, so both sides are compared in time order.
 */
const expectTimeline = (history: readonly HistoryLine[], expected: readonly [string, string][]): void => {
  const lines = history.map((line) => `${line.at} ${line.event}:${line.actionId ?? line.reason ?? ''}`);
  expect(lines.sort()).toEqual(expected.map(([at, what]) => `${at} ${what}`).sort());
};

/** An action held back by a window ran in the first 15 minutes after `opening`. */
const expectWithinSpread = (at: string, opening: string): void => {
  const lateness = Date.parse(at) - Date.parse(opening);
  expect(lateness, `${at} after ${opening}`).toBeGreaterThanOrEqual(0);
  expect(lateness, `${at} after ${opening}`).toBeLessThan(SPREAD_MS);
};

/** Every completed action ran on a weekday, between 09:00 (included) and 17:00 (excluded), in `zone`. */
const expectInsideWeekdayWindow = (lines: readonly HistoryLine[], zone: string): void => {
  for (const line of lines) {
    const local = wall(line.at, zone);
    expect(local.weekday, `${line.actionId} at ${local.toISO()}`).toBeLessThanOrEqual(5);
    const minutes = local.hour * 60 + local.minute;
    expect(minutes, `${line.actionId} at ${local.toISO()}`).toBeGreaterThanOrEqual(9 * 60);
    expect(minutes, `${line.actionId} at ${local.toISO()}`).toBeLessThan(17 * 60);
  }
};

describe('executions under execution windows, goals, unenrollment and anchors (manual clock)', () => {
  it('runs each action of a Paris workflow inside its weekday window, spread after 09:00 when held back, and takes the right branch after a 26-hour delay', async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'Paris nurture in office hours',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'open',
      actions: [
        { id: 'open', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'wait' },
        { id: 'wait', type: 'delay', duration: 'PT26H', next: 'hot' },
        {
          id: 'hot',
          type: 'branch',
          branches: [
            {
              name: 'Hot',
              criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 50 }] }],
              next: 'sales',
            },
          ],
          defaultNext: 'marketing',
        },
        {
          id: 'sales',
          type: 'setProperty',
          property: 'lifecyclestage',
          value: 'salesqualifiedlead',
          next: null,
        },
        {
          id: 'marketing',
          type: 'setProperty',
          property: 'lifecyclestage',
          value: 'marketingqualifiedlead',
          next: null,
        },
      ],
      settings: { timeZone: PARIS, executionWindows: WEEKDAYS_9_TO_17 },
    });
    const hot = await createRecord('contacts', { email: 'hot@example.fr', score: 80 });
    const cold = await createRecord('contacts', { email: 'cold@example.fr', score: 10 });

    // Act
    // Monday 08:00: before the window, the first action waits for 09:00.
    const hotEnrolledAt = await moveTo('2027-01-11T08:00', PARIS);
    await enroll(workflowId, hot);
    // Thursday 15:30: inside the window, the first action runs at once; 26 hours later is Friday 17:30, closed.
    const coldEnrolledAt = await moveTo('2027-01-14T15:30', PARIS);
    await enroll(workflowId, cold);
    const friday = await moveTo('2027-01-15T18:00', PARIS);
    const coldOnFriday = await getRecord('contacts', cold);
    await moveTo('2027-01-19T12:00', PARIS);

    // Assess
    const hotHistory = await historyOf(workflowId, hot);
    // Held back from 08:00 to the first 15 minutes after 09:00.
    const hotOpenRunAt = lineOf(hotHistory, 'action.scheduled', 'open').details.runAt as string;
    expectWithinSpread(hotOpenRunAt, instant('2027-01-11T09:00', PARIS));
    // The delay is 26 hours of elapsed time from the action before it; the branch is not held back, and Tuesday
    // 11:0x is inside the window: the action after the branch runs at once.
    const hotBranchAt = new Date(Date.parse(hotOpenRunAt) + 26 * 3600_000).toISOString();
    expect(wall(hotBranchAt, PARIS).toFormat('ccc HH')).toBe('Tue 11');
    expect(lineOf(hotHistory, 'action.scheduled', 'hot').details.runAt).toBe(hotBranchAt);
    expectTimeline(hotHistory, [
      [hotEnrolledAt, 'enrolled:manual'],
      [hotEnrolledAt, 'action.scheduled:open'],
      [hotOpenRunAt, 'action.completed:open'],
      [hotOpenRunAt, 'action.scheduled:hot'],
      [hotBranchAt, 'branch.taken:hot'],
      [hotBranchAt, 'action.completed:sales'],
      [hotBranchAt, 'completed:'],
    ]);
    expect(lineOf(hotHistory, 'branch.taken', 'hot').details).toMatchObject({ branch: 'Hot', index: 0 });

    const coldHistory = await historyOf(workflowId, cold);
    // Friday 17:30: the branch runs (branches are not held back), the action after it waits for Monday 09:00.
    const coldBranchAt = instant('2027-01-15T17:30', PARIS);
    expect(lineOf(coldHistory, 'action.scheduled', 'hot').details.runAt).toBe(coldBranchAt);
    const coldMarketingRunAt = lineOf(coldHistory, 'action.scheduled', 'marketing').details.runAt as string;
    expectWithinSpread(coldMarketingRunAt, instant('2027-01-18T09:00', PARIS));
    expectTimeline(coldHistory, [
      [coldEnrolledAt, 'enrolled:manual'],
      [coldEnrolledAt, 'action.completed:open'],
      [coldEnrolledAt, 'action.scheduled:hot'],
      [coldBranchAt, 'branch.taken:hot'],
      [coldBranchAt, 'action.scheduled:marketing'],
      [coldMarketingRunAt, 'action.completed:marketing'],
      [coldMarketingRunAt, 'completed:'],
    ]);
    expect(lineOf(coldHistory, 'branch.taken', 'hot').details).toMatchObject({ branch: 'default', index: 1 });

    expectInsideWeekdayWindow(
      [...linesOf(hotHistory, 'action.completed'), ...linesOf(coldHistory, 'action.completed')],
      PARIS,
    );
    // Over the weekend the held-back action had not run.
    expect(friday).toBe(instant('2027-01-15T18:00', PARIS));
    expect(coldOnFriday.properties).toMatchObject({ leadstatus: 'open' });
    expect(coldOnFriday.properties.lifecyclestage ?? null).toBeNull();
    // The records as the actions left them, last written when the last action ran.
    const hotRecord = await getRecord('contacts', hot);
    expect(hotRecord.properties).toMatchObject({ leadstatus: 'open', lifecyclestage: 'salesqualifiedlead' });
    expect(hotRecord.updatedAt).toBe(hotBranchAt);
    const coldRecord = await getRecord('contacts', cold);
    expect(coldRecord.properties).toMatchObject({
      leadstatus: 'open',
      lifecyclestage: 'marketingqualifiedlead',
    });
    expect(coldRecord.updatedAt).toBe(coldMarketingRunAt);
    expect(await enrollmentOf(workflowId, hot)).toMatchObject({ status: 'completed', endedAt: hotBranchAt });
    expect(await enrollmentOf(workflowId, cold)).toMatchObject({
      status: 'completed',
      endedAt: coldMarketingRunAt,
    });
  });

  it('holds a New York action enrolled on a Friday evening past the weekend and a blocked Monday, to Tuesday in the window', async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'New York follow-up',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'pause',
      actions: [
        { id: 'pause', type: 'delay', duration: 'PT30M', next: 'follow-up' },
        { id: 'follow-up', type: 'setProperty', property: 'leadstatus', value: 'connected', next: null },
      ],
      settings: { timeZone: NEW_YORK, executionWindows: WEEKDAYS_9_TO_17, blockedDates: ['2027-01-25'] },
    });
    const contact = await createRecord('contacts', { email: 'friday@example.com' });
    // Others enrolled the same evening: a backlog for Tuesday morning.
    const backlog: string[] = [];
    for (const name of ['amy', 'ben', 'cal', 'dot']) {
      backlog.push(await createRecord('contacts', { email: `${name}.friday@example.com` }));
    }

    // Act
    const enrolledAt = await moveTo('2027-01-22T19:00', NEW_YORK);
    for (const recordId of [contact, ...backlog]) await enroll(workflowId, recordId);
    await moveTo('2027-01-25T16:59', NEW_YORK);
    const onBlockedMonday = await getRecord('contacts', contact);
    const historyOnMonday = await historyOf(workflowId, contact);
    await moveTo('2027-01-27T12:00', NEW_YORK);

    // Assess
    expect(onBlockedMonday.properties.leadstatus ?? null).toBeNull();
    expect(linesOf(historyOnMonday, 'action.completed')).toEqual([]);
    const history = await historyOf(workflowId, contact);
    // Due Friday 19:30 after the delay; Saturday, Sunday and the blocked Monday are skipped.
    const runAt = lineOf(history, 'action.scheduled', 'follow-up').details.runAt as string;
    expectWithinSpread(runAt, instant('2027-01-26T09:00', NEW_YORK));
    expectTimeline(history, [
      [enrolledAt, 'enrolled:manual'],
      [enrolledAt, 'action.scheduled:follow-up'],
      [runAt, 'action.completed:follow-up'],
      [runAt, 'completed:'],
    ]);
    const completed = lineOf(history, 'action.completed', 'follow-up');
    expect(wall(completed.at, NEW_YORK).toFormat('yyyy-MM-dd ccc')).toBe('2027-01-26 Tue');
    expectInsideWeekdayWindow([completed], NEW_YORK);
    const record = await getRecord('contacts', contact);
    expect(record.properties.leadstatus).toBe('connected');
    expect(record.updatedAt).toBe(completed.at);
    // The backlog is spread over the first 15 minutes of Tuesday's window, not started at one instant.
    const backlogRuns: string[] = [];
    for (const recordId of backlog) {
      const lines = await historyOf(workflowId, recordId);
      const ranAt = lineOf(lines, 'action.completed', 'follow-up').at;
      expect(lineOf(lines, 'action.scheduled', 'follow-up').details.runAt).toBe(ranAt);
      expectWithinSpread(ranAt, instant('2027-01-26T09:00', NEW_YORK));
      expect((await getRecord('contacts', recordId)).properties.leadstatus).toBe('connected');
      backlogRuns.push(ranAt);
    }
    expect(new Set([runAt, ...backlogRuns]).size).toBeGreaterThan(1);
  });

  it('ends an enrollment whose record meets the goal during a delay, and never runs the action after it', async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'Convert within a week',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'wait',
      actions: [
        { id: 'wait', type: 'delay', duration: 'P3D', next: 'nudge' },
        { id: 'nudge', type: 'setProperty', property: 'leadstatus', value: 'in_progress', next: null },
      ],
      goal: {
        criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }],
      },
    });
    const contact = await createRecord('contacts', { email: 'goal@example.com', lifecyclestage: 'lead' });

    // Act
    const enrolledAt = await moveTo('2027-02-01T10:00:00Z');
    await enroll(workflowId, contact);
    const metAt = await moveTo('2027-02-02T10:00:00Z');
    const patched = await call('PATCH', `/objects/contacts/${contact}`, {
      properties: { lifecyclestage: 'customer' },
    });
    await settle();
    // Well past the instant the action after the delay was due (4 February).
    await moveTo('2027-02-12T10:00:00Z');

    // Assess
    expect(patched.status).toBe(200);
    const history = await historyOf(workflowId, contact);
    expect(lineOf(history, 'action.scheduled', 'nudge').details.runAt).toBe('2027-02-04T10:00:00.000Z');
    expectTimeline(history, [
      [enrolledAt, 'enrolled:manual'],
      [enrolledAt, 'action.scheduled:nudge'],
      [metAt, 'goal.met:'],
    ]);
    expect(await enrollmentOf(workflowId, contact)).toMatchObject({ status: 'goal_met', endedAt: metAt });
    const record = await getRecord('contacts', contact);
    expect(record.properties.leadstatus ?? null).toBeNull();
    expect(record.updatedAt).toBe(metAt);
  });

  it('unenrolls a record by hand while it waits, and runs nothing after', async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'Two-step reminder',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'first',
      actions: [
        { id: 'first', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'wait' },
        { id: 'wait', type: 'delay', duration: 'P2D', next: 'second' },
        { id: 'second', type: 'setProperty', property: 'leadstatus', value: 'in_progress', next: null },
      ],
    });
    const contact = await createRecord('contacts', { email: 'leave@example.com' });

    // Act
    const enrolledAt = await moveTo('2027-02-15T10:00:00Z');
    await enroll(workflowId, contact);
    const leftAt = await moveTo('2027-02-16T15:00:00Z');
    const removed = await call('DELETE', `/workflows/${workflowId}/enrollments/${contact}`);
    await settle();
    // Well past the instant the second action was due (17 February).
    await moveTo('2027-02-26T10:00:00Z');

    // Assess
    expect(removed.status).toBe(204);
    const history = await historyOf(workflowId, contact);
    expect(lineOf(history, 'action.scheduled', 'second').details.runAt).toBe('2027-02-17T10:00:00.000Z');
    expectTimeline(history, [
      [enrolledAt, 'enrolled:manual'],
      [enrolledAt, 'action.completed:first'],
      [enrolledAt, 'action.scheduled:second'],
      [leftAt, 'unenrolled:manual'],
    ]);
    expect(await enrollmentOf(workflowId, contact)).toMatchObject({
      status: 'unenrolled',
      reason: 'manual',
      endedAt: leftAt,
    });
    const record = await getRecord('contacts', contact);
    expect(record.properties.leadstatus).toBe('open');
    expect(record.updatedAt).toBe(enrolledAt);
  });

  it("updates a deal's associated companies, and only those, with the workflow as the changes' cause", async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'Mark the companies of won deals',
      objectType: 'deals',
      enrollment: { trigger: 'manual' },
      startActionId: 'mark',
      actions: [
        {
          id: 'mark',
          type: 'setProperty',
          property: 'industry',
          value: 'Customer of record',
          target: { associated: 'companies' },
          next: null,
        },
      ],
    });
    const acme = await createRecord('companies', {
      name: 'Acme',
      domain: 'acme.example',
      industry: 'Retail',
    });
    const globex = await createRecord('companies', { name: 'Globex', domain: 'globex.example' });
    const initech = await createRecord('companies', {
      name: 'Initech',
      domain: 'initech.example',
      industry: 'Software',
    });
    const buyer = await createRecord('contacts', { email: 'buyer@acme.example', city: 'Lyon' });
    const deal = await createRecord('deals', { dealname: 'Big one', amount: 50_000, dealstage: 'closedwon' });
    for (const [type, id] of [
      ['companies', acme],
      ['companies', globex],
      ['contacts', buyer],
    ] as const) {
      expect((await call('PUT', `/objects/deals/${deal}/associations/${type}/${id}`)).status).toBe(204);
    }
    await settle();
    const before = {
      acme: await getRecord('companies', acme),
      globex: await getRecord('companies', globex),
      initech: await getRecord('companies', initech),
      buyer: await getRecord('contacts', buyer),
      deal: await getRecord('deals', deal),
    };
    const published = vi.spyOn(runtime.bus, 'publish');

    // Act
    const ranAt = await moveTo('2027-03-01T10:00:00Z');
    await enroll(workflowId, deal);
    await settle();
    const changes = published.mock.calls
      .flatMap(([events]) => events)
      .filter((event) => event.detailType === 'Record Changed')
      .map(
        (event) =>
          event.detail as { objectType: string; id: string; changedProperties: string[]; cause?: object },
      );
    published.mockRestore();

    // Assess
    expectTimeline(await historyOf(workflowId, deal), [
      [ranAt, 'enrolled:manual'],
      [ranAt, 'action.completed:mark'],
      [ranAt, 'completed:'],
    ]);
    const enrollment = await enrollmentOf(workflowId, deal);
    for (const [id, was] of [
      [acme, before.acme],
      [globex, before.globex],
    ] as const) {
      const company = await getRecord('companies', id);
      expect(company.properties).toEqual({
        ...was.properties,
        industry: 'Customer of record',
        lastmodifieddate: ranAt,
      });
      expect(company.version).toBe(was.version + 1);
      expect(company.updatedAt).toBe(ranAt);
    }
    expect(await getRecord('companies', initech)).toEqual(before.initech);
    expect(await getRecord('contacts', buyer)).toEqual(before.buyer);
    expect(await getRecord('deals', deal)).toEqual(before.deal);
    // Exactly the two companies changed, each once, caused by this workflow's enrollment one step deep.
    expect(changes.map((change) => change.id).sort()).toEqual([acme, globex].sort());
    for (const change of changes) {
      expect(change).toMatchObject({
        objectType: 'companies',
        changedProperties: expect.arrayContaining(['industry']),
        cause: { workflowId, enrollmentId: enrollment.id, depth: 1 },
      });
    }
  });

  it('runs a date-centered action seven days before a deal closes, at 10:00 Paris time, across the change to summer time', async () => {
    // Prepare
    const workflowId = await activeWorkflow({
      name: 'A week before closing',
      objectType: 'deals',
      enrollment: {
        trigger: 'criteria',
        criteria: [
          {
            filters: [
              { property: 'pipeline', operator: 'eq', value: 'anchored' },
              { property: 'closedate', operator: 'hasProperty' },
            ],
          },
        ],
      },
      anchor: { type: 'dateProperty', property: 'closedate', recurAnnually: false },
      startActionId: 'week-before',
      actions: [
        { id: 'week-before', type: 'delayUntilAnchor', offset: '-P7D', time: '10:00', next: 'remind' },
        { id: 'remind', type: 'setProperty', property: 'dealstage', value: 'contractsent', next: null },
      ],
      settings: { timeZone: PARIS, executionWindows: WEEKDAYS_9_TO_17 },
    });

    // Act
    const enrolledAt = await moveTo('2027-03-02T12:00', PARIS);
    // Closes Monday 5 April (summer time): the action is due Monday 29 March, 10:00 CEST.
    const monday = await createRecord('deals', {
      dealname: 'Closes on a Monday',
      pipeline: 'anchored',
      closedate: '2027-04-05',
    });
    // Closes Saturday 3 April: seven days before is Saturday 27 March, outside the window.
    const saturday = await createRecord('deals', {
      dealname: 'Closes on a Saturday',
      pipeline: 'anchored',
      closedate: '2027-04-03',
    });
    // Closes in three days: the instant seven days before has passed, the action is skipped.
    const soon = await createRecord('deals', {
      dealname: 'Closes too soon',
      pipeline: 'anchored',
      closedate: '2027-03-05',
    });
    await settle();
    await moveTo('2027-04-10T12:00', PARIS);

    // Assess
    const mondayHistory = await historyOf(workflowId, monday);
    const dueAt = instant('2027-03-29T10:00', PARIS);
    expect(dueAt).toBe('2027-03-29T08:00:00.000Z');
    expect(lineOf(mondayHistory, 'action.scheduled', 'remind').details.runAt).toBe(dueAt);
    expectTimeline(mondayHistory, [
      [enrolledAt, 'enrolled:criteria'],
      [enrolledAt, 'action.scheduled:remind'],
      [dueAt, 'action.completed:remind'],
      [dueAt, 'completed:'],
    ]);
    expect((await getRecord('deals', monday)).properties.dealstage).toBe('contractsent');

    const saturdayHistory = await historyOf(workflowId, saturday);
    const heldTo = lineOf(saturdayHistory, 'action.scheduled', 'remind').details.runAt as string;
    expectWithinSpread(heldTo, instant('2027-03-29T09:00', PARIS));
    expectTimeline(saturdayHistory, [
      [enrolledAt, 'enrolled:criteria'],
      [enrolledAt, 'action.scheduled:remind'],
      [heldTo, 'action.completed:remind'],
      [heldTo, 'completed:'],
    ]);
    expect((await getRecord('deals', saturday)).properties.dealstage).toBe('contractsent');
    expectInsideWeekdayWindow(
      [...linesOf(mondayHistory, 'action.completed'), ...linesOf(saturdayHistory, 'action.completed')],
      PARIS,
    );
    expectTimeline(await historyOf(workflowId, soon), [
      [enrolledAt, 'enrolled:criteria'],
      [enrolledAt, 'action.skipped:week-before'],
      [enrolledAt, 'action.skipped:remind'],
      [enrolledAt, 'completed:'],
    ]);
    expect((await getRecord('deals', soon)).properties.dealstage ?? null).toBeNull();
  });
});
