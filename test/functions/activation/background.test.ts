import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackgroundSystem,
  RECOVERY_GRACE_MS,
  runBackground,
} from '../../../functions/activation/background.ts';
import { workflowSystemFromEnvironment } from '../../../functions/commons/workflow-system.aws.ts';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { Crash, crashingClient } from '../../helpers/crashing-client.ts';

const ENV = {
  TABLE_NAME: 'background-fn',
  EVENT_BUS_NAME: 'crm-workflows',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-workflows-states',
};

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: ENV.TABLE_NAME });
});
afterAll(async () => {
  await db.close();
});

/** Activations that answer `unfinished` in turn (then 0), counting the steps asked for. */
const activations = (unfinished: number[]) => {
  const asked = { steps: 0 };
  return {
    asked,
    activation: {
      continueUnfinished: async () => {
        asked.steps += 1;
        return unfinished.shift() ?? 0;
      },
    },
  };
};

/** The invocation's time as `timeLeft` tells it, 30 s of safety. */
const at = (timeLeft: () => number) => ({ timeLeft, safetyMs: 30_000, now: () => new Date() });

describe("the background function's minute run", () => {
  it('completes a change a writer stopped before logging, so the change is published, then steps the activations', async () => {
    const healthy = workflowSystemFromEnvironment(ENV, { dynamodb: toDocumentClient(db.client) });
    const contact = await healthy.services.records.create('contacts', { firstname: 'Ada' });
    const published = await healthy.changeLog.unpublished({ limit: 100 });
    for (const change of published.results) await healthy.changeLog.markPublished(change);
    // A writer that dies right after its commit (the record item with the change pending), as a Lambda timing out.
    const dying = workflowSystemFromEnvironment(ENV, { dynamodb: crashingClient(db.client, 1).client });
    await expect(
      dying.services.records.update('contacts', contact.id, { firstname: 'Grace' }),
    ).rejects.toThrow(Crash);
    expect((await healthy.changeLog.unpublished({ limit: 100 })).results).toEqual([]);

    // Within the grace its writer might still be at it: left alone.
    const committedAt = Date.now();
    const soon = {
      timeLeft: () => Number.POSITIVE_INFINITY,
      safetyMs: 30_000,
      now: () => new Date(committedAt),
    };
    expect(await runBackground(healthy, soon)).toEqual({ recovered: 0, steps: 0 });

    const later = { ...soon, now: () => new Date(committedAt + RECOVERY_GRACE_MS + 1_000) };
    const run = await runBackground(healthy, later);

    expect(run).toEqual({ recovered: 1, steps: 0 });
    const feed = (await healthy.changeLog.unpublished({ limit: 100 })).results;
    expect(
      feed.map((change) => [change.id, change.version, change.change, change.after?.properties.firstname]),
    ).toEqual([[contact.id, 2, 'updated', 'Grace']]);
    // Nothing is left pending: a second run finds nothing to complete.
    expect((await runBackground(healthy, later)).recovered).toBe(0);
  });

  it('steps the unfinished activations while some remain and more than the safety margin is left', async () => {
    const { asked, activation } = activations([2, 1]);
    const system: BackgroundSystem = { completePendingChanges: async () => 3, activation };
    expect(
      await runBackground(
        system,
        at(() => 60_000),
      ),
    ).toEqual({ recovered: 3, steps: 3 });
    expect(asked.steps).toBe(3);

    const late = activations([2, 1]);
    const times = [60_000, 40_000, 20_000];
    const cutShort = await runBackground(
      { completePendingChanges: async () => 0, activation: late.activation },
      // The first reading sets the recovery's share; then one step fits, the next does not.
      at(() => times.shift() ?? 0),
    );
    expect(cutShort).toEqual({ recovered: 0, steps: 2 });
    expect(late.asked.steps).toBe(1);
  });

  it('still steps the activations when completing the pending changes fails, then fails the run with that error', async () => {
    const { asked, activation } = activations([1]);
    const cause = new Error('ProvisionedThroughputExceededException');
    const system: BackgroundSystem = {
      completePendingChanges: async () => {
        throw cause;
      },
      activation,
    };
    const failure = await runBackground(
      system,
      at(() => 60_000),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/recovery of pending changes failed/);
    expect((failure as Error).cause).toBe(cause);
    expect(asked.steps).toBe(2);
  });

  it('gives the recovery at most half the time left, so the activations always get the rest', async () => {
    // A clock that moves 5 s at each reading; the invocation starts with 60 s left and keeps 30 s of safety.
    let left = 65_000;
    const timeLeft = () => {
      left -= 5_000;
      return left;
    };
    let swept = 0;
    const { asked, activation } = activations([1, 1, 1, 1, 1, 1, 1, 1]);
    const system: BackgroundSystem = {
      completePendingChanges: async (options) => {
        while (options?.continueWhile?.() ?? true) swept += 1;
        return swept;
      },
      activation,
    };
    const run = await runBackground(system, { timeLeft, safetyMs: 30_000, now: () => new Date() });
    // 60 s left: the recovery may go on while more than 45 s are left (55 s, 50 s), the activations while more
    // than 30 s are (40 s, 35 s).
    expect(run).toEqual({ recovered: 2, steps: 2 });
    expect(asked.steps).toBe(2);
  });
});
