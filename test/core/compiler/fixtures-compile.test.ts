import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../../../shared/core/compiler/compile-workflow.ts';
import { startExecution } from '../../../shared/core/executor/start-execution.ts';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';
import { loadWorkflowFixture, WORKFLOW_FIXTURE_NAMES } from '../../fixtures/workflows/workflow-fixtures.ts';
import { aslProblems } from '../../helpers/asl-checks.ts';
import { InMemoryWorld } from '../../helpers/in-memory-world.ts';
import { runLocally } from '../../helpers/run-local.ts';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor';
const NOW = '2026-11-30T08:00:00.000Z';

/** A record with a value for every property a workflow might read, so that each runs its course. */
const SAMPLE: Record<string, Record<string, string | number>> = {
  contacts: {
    email: 'ada@example.com',
    firstname: 'Ada',
    country: 'FR',
    score: 70,
    lifecyclestage: 'lead',
    birthdate: '1990-12-15',
    ownerId: 'u1',
  },
  companies: {
    name: 'ACME',
    domain: 'acme.example',
    industry: 'Software',
    numberofemployees: 120,
    ownerId: 'u1',
  },
  deals: {
    dealname: 'ACME renewal',
    amount: 12_000,
    dealstage: 'closedwon',
    closedate: '2026-12-20',
    ownerId: 'u1',
  },
  tickets: { subject: 'Help', content: 'It broke', status: 'new', priority: 'high', ownerId: 'u1' },
  quotes: { title: 'Q-1', amount: 5000, status: 'sent', expirationdate: '2027-01-15', ownerId: 'u1' },
};

describe('workflow fixtures', () => {
  it.each(WORKFLOW_FIXTURE_NAMES)('%s compiles to ASL that asl-validator and statelint accept', (name) => {
    const definition = compileWorkflow(loadWorkflowFixture(name), { actionFunctionArn: ARN });
    expect(aslProblems(definition)).toEqual([]);
  });

  it.each(WORKFLOW_FIXTURE_NAMES)('%s runs to an end state with aws-local-stepfunctions', async (name) => {
    // Prepare
    const validation = validateWorkflow(loadWorkflowFixture(name));
    if (!validation.ok) throw new Error(`${name} is not valid`);
    const workflow = validation.workflow;
    const world = new InMemoryWorld(NOW);
    world.addWorkflow('wf', 1, workflow);
    const properties = SAMPLE[workflow.objectType] ?? {};
    const recordId = world.addRecord(workflow.objectType, properties);
    const start = startExecution(
      workflow,
      { workflowId: 'wf', revision: 1, enrollmentId: 'e', recordId, objectType: workflow.objectType },
      new Date(NOW),
      properties,
    );
    if (start.kind !== 'start') throw new Error(`${name}: the record left at once`);
    // Act
    const run = await runLocally(compileWorkflow(workflow, { actionFunctionArn: ARN }), start.input, world, {
      onWait: async () => 'timeout',
    });
    // Assess: every execution ends in Done or Exit, and the history says how the enrollment ended
    expect(run.status, run.error).toBe('succeeded');
    expect(['Done', 'Exit']).toContain(run.entered.at(-1));
    expect(world.ended).toHaveLength(1);
  });
});
