/** Step Functions adapters (`crm-workflows/adapters/stepfunctions`). */

export { createSfnExecutions } from './executions.sfn.ts';
export { createSfnStateMachines, type SfnStateMachinesOptions } from './state-machines.sfn.ts';
