/** Step Functions adapters (`crm-workflows/adapters/stepfunctions`). */
export { createSfnStateMachines, type SfnStateMachinesOptions } from './state-machines.sfn.ts';
