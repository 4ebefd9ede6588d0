import { describe, expect, it, vi } from 'vitest';
import {
  countWorkflowEvents,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  metrics,
} from '../../../functions/commons/observability.ts';
import { CRM_WORKFLOWS_METRICS } from '../../../infra/workflow-observability.ts';
import type { HistoryLine } from '../../../shared/core/enrollment/history-repository.ts';
import { actionFailedEvent } from '../../../shared/core/executor/action-messages.ts';

describe('the custom metrics', () => {
  it('are emitted under the namespace, dimension and names the dashboard and alarms read', () => {
    expect(METRICS_NAMESPACE).toBe(CRM_WORKFLOWS_METRICS.namespace);
    // Powertools adds the `service` dimension from the service name the functions use.
    expect(CRM_WORKFLOWS_METRICS.dimensions).toEqual({ service: 'crm-workflows' });
    for (const [key, name] of Object.entries(CRM_WORKFLOWS_METRICS.names)) {
      expect(METRIC_NAMES[key as keyof typeof METRIC_NAMES]).toBe(name);
    }
  });
});

describe('countWorkflowEvents', () => {
  const target = {
    workflowId: 'wf-1',
    revision: 1,
    enrollmentId: 'en-1',
    objectType: 'contacts' as const,
    recordId: 'c-1',
  };
  const failed = (error: string) =>
    actionFailedEvent(
      {
        workflowId: 'wf-1',
        revision: 1,
        enrollmentId: 'en-1',
        objectType: 'contacts',
        recordId: 'c-1',
        event: 'action.failed',
        actionId: 'hook',
        at: '2027-01-18T08:00:00.000Z',
        details: { error, cause: JSON.stringify({ errorMessage: 'the webhook answered 503' }) },
      } as unknown as HistoryLine,
      target,
    );
  const counted = (events: Parameters<typeof countWorkflowEvents>[0]) => {
    const addMetric = vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
    try {
      countWorkflowEvents(events);
      return addMetric.mock.calls.map(([name, , value]) => [name, value]);
    } finally {
      addMetric.mockRestore();
    }
  };

  it("counts a failed webhook, as Action Failed's error code tells it, besides the failed action", () => {
    const retryable = failed('Webhook.Retryable');
    // The event's own shape (events.md): the code sits in `error.code`.
    expect((retryable.detail as { error: { code: string } }).error.code).toBe('Webhook.Retryable');
    expect(counted([retryable, failed('Webhook.Rejected')])).toEqual([
      [METRIC_NAMES.actionsFailed, 1],
      [METRIC_NAMES.webhookFailures, 1],
      [METRIC_NAMES.actionsFailed, 1],
      [METRIC_NAMES.webhookFailures, 1],
    ]);
  });

  it('counts another failed action as failed only, and enrollments and goals by their events', () => {
    expect(
      counted([
        failed('Action.NotApplicable'),
        { source: 'crm.workflows', detailType: 'Enrollment Started', detail: {} },
        { source: 'crm.workflows', detailType: 'Enrollment Ended', detail: {} },
        { source: 'crm.workflows', detailType: 'Goal Met', detail: {} },
        { source: 'crm.workflows', detailType: 'Record Enrolled Elsewhere', detail: {} },
      ]),
    ).toEqual([
      [METRIC_NAMES.actionsFailed, 1],
      [METRIC_NAMES.enrollmentsStarted, 1],
      [METRIC_NAMES.enrollmentsEnded, 1],
      [METRIC_NAMES.goalsMet, 1],
    ]);
  });
});
