import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CrmWorkflows, type CrmWorkflowsProps } from './crm-workflows.construct.ts';

/**
 * The standalone deployment: one stack holding the CrmWorkflows construct. Its outputs keep plain names
 * (`ApiUrl`, `EventBusName`, `EventBusArn`, `TableName`): the stack holds one construct, so they cannot clash.
 */
export class CrmWorkflowsStack extends Stack {
  readonly workflows: CrmWorkflows;

  constructor(scope: Construct, id: string, props: StackProps & { workflows?: CrmWorkflowsProps } = {}) {
    super(scope, id, props);
    this.workflows = new CrmWorkflows(this, 'Workflows', props.workflows);
    for (const [name, output] of Object.entries({
      ApiUrl: this.workflows.outputs.apiUrl,
      EventBusName: this.workflows.outputs.eventBusName,
      EventBusArn: this.workflows.outputs.eventBusArn,
      TableName: this.workflows.outputs.tableName,
    })) {
      output.overrideLogicalId(name);
    }
  }
}
