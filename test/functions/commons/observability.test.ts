import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../../functions/commons/observability.ts';
import { CRM_WORKFLOWS_METRICS } from '../../../infra/workflow-observability.ts';

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
