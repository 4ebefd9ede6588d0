import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CrmWorkflows, type CrmWorkflowsProps } from './crm-workflows.construct.ts';

/** The standalone deployment: one stack holding the CrmWorkflows construct. */
export class CrmWorkflowsStack extends Stack {
  readonly workflows: CrmWorkflows;

  constructor(scope: Construct, id: string, props: StackProps & { workflows?: CrmWorkflowsProps } = {}) {
    super(scope, id, props);
    this.workflows = new CrmWorkflows(this, 'Workflows', props.workflows);
  }
}
