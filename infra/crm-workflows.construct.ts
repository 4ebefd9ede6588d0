import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** How a team configures crm-workflows in its own stack. */
export interface CrmWorkflowsProps {
  /** Name of the deployment's custom event bus (events.md): `crm-workflows` unless told. */
  readonly busName?: string;
}

/**
 * crm-workflows in a stack of your own. Today it holds the deployment's event bus; the API,
 * storage, enrollment and executor functions join it with their issues.
 */
export class CrmWorkflows extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: CrmWorkflowsProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName ?? 'crm-workflows' });
  }
}
