import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { EventEnvelope } from '../../../shared/core/events/event-envelope.ts';
import { EventRejectedError } from '../../../shared/core/events/event-rejected-error.ts';
import {
  createIngestTarget,
  ENROLLMENT_NOT_AVAILABLE,
  type IngestTargetOptions,
} from '../../../shared/core/events/ingest-target.ts';

const envelope = (detailType: string, detail: Record<string, unknown>): EventEnvelope => ({
  version: '0',
  id: 'e-1',
  source: 'shop',
  'detail-type': detailType,
  account: '000000000000',
  region: 'local',
  time: '2027-01-04T08:00:00Z',
  resources: [],
  detail,
});

const fakeRecords = () => {
  const record = {
    id: 'c1',
    objectType: 'contacts' as const,
    properties: {},
    createdAt: '',
    updatedAt: '',
    version: 1,
  };
  return {
    create: vi.fn(async () => record),
    update: vi.fn(async () => record),
    upsert: vi.fn(async () => ({ record, created: true })),
    delete: vi.fn(async () => undefined),
    associate: vi.fn(async () => undefined),
    dissociate: vi.fn(async () => undefined),
  } satisfies IngestTargetOptions['records'];
};

describe('createIngestTarget', () => {
  it('updates by id, upserts by idProperty and creates with neither', async () => {
    // Prepare
    const records = fakeRecords();
    const ingest = createIngestTarget({ records });
    // Act
    await ingest(envelope('Record Upsert', { objectType: 'contacts', id: 'c1', properties: { a: 1 } }));
    await ingest(
      envelope('Record Upsert', {
        objectType: 'contacts',
        idProperty: 'email',
        properties: { email: 'x@y.z' },
      }),
    );
    await ingest(envelope('Record Upsert', { objectType: 'deals', properties: { dealname: 'D' } }));
    // Assess
    expect(records.update).toHaveBeenCalledWith('contacts', 'c1', { a: 1 });
    expect(records.upsert).toHaveBeenCalledWith('contacts', 'email', { email: 'x@y.z' });
    expect(records.create).toHaveBeenCalledWith('deals', { dealname: 'D' });
  });

  it('deletes, and a record already gone counts as deleted (a redelivery changes nothing)', async () => {
    // Prepare
    const records = fakeRecords();
    records.delete.mockRejectedValueOnce(new NotFoundError('contacts c1 not found'));
    const ingest = createIngestTarget({ records });
    // Act
    const applied = ingest(envelope('Record Delete', { objectType: 'contacts', id: 'c1' }));
    // Assess
    await expect(applied).resolves.toBeUndefined();
    expect(records.delete).toHaveBeenCalledWith('contacts', 'c1');
  });

  it('associates, and dissociates with remove: true', async () => {
    // Prepare
    const records = fakeRecords();
    const ingest = createIngestTarget({ records });
    const link = { objectType: 'contacts', id: 'c1', toObjectType: 'companies', toId: 'k1' };
    // Act
    await ingest(envelope('Association Change', link));
    await ingest(envelope('Association Change', { ...link, remove: true }));
    // Assess
    expect(records.associate).toHaveBeenCalledWith('contacts', 'c1', 'companies', 'k1');
    expect(records.dissociate).toHaveBeenCalledWith('contacts', 'c1', 'companies', 'k1');
  });

  it('hands Workflow Enroll to the enroll port, and refuses it without one', async () => {
    // Prepare
    const enroll = vi.fn(async () => undefined);
    const detail = { workflowId: 'wf_1', recordId: 'c1' };
    // Act
    await createIngestTarget({ records: fakeRecords(), enroll })(envelope('Workflow Enroll', detail));
    const without = createIngestTarget({ records: fakeRecords() })(envelope('Workflow Enroll', detail));
    // Assess
    expect(enroll).toHaveBeenCalledWith('wf_1', 'c1', { trigger: expect.stringMatching(/^event#.+/) });
    await expect(without).rejects.toThrow(new EventRejectedError(ENROLLMENT_NOT_AVAILABLE));
  });

  it('refuses an invalid detail with a ValidationError naming each problem under detail', async () => {
    // Prepare
    const records = fakeRecords();
    const ingest = createIngestTarget({ records });
    // Act
    const applied = ingest(envelope('Record Upsert', { objectType: 'people', properties: { a: {} } }));
    // Assess
    const error = await applied.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((issue) => issue.path)).toEqual([
      'detail.objectType',
      'detail.properties.a',
    ]);
    expect((error as Error).message).toBe('the Record Upsert detail is not valid');
    expect(records.create).not.toHaveBeenCalled();
  });

  it('refuses a detail-type it does not take', async () => {
    // Prepare
    const ingest = createIngestTarget({ records: fakeRecords() });
    // Act
    const applied = ingest(envelope('Order Placed', {}));
    // Assess
    await expect(applied).rejects.toBeInstanceOf(EventRejectedError);
  });
});
