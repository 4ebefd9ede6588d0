import type { ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import type { Target } from '../workflow/action.schema.ts';

/**
 * What an action does, as data: the executor applies effects through its adapters, the dry
 * run only reports them. Planning an action never touches the world.
 */
export type ActionEffect =
  | { readonly kind: 'updateRecords'; readonly target: Target; readonly properties: Properties }
  | {
      readonly kind: 'incrementProperty';
      readonly target: Target;
      readonly property: string;
      readonly by: number;
    }
  | {
      readonly kind: 'createRecord';
      readonly objectType: ObjectType;
      readonly properties: Properties;
      readonly associate: boolean;
    }
  | { readonly kind: 'sendEmail'; readonly to: string; readonly subject: string; readonly body: string }
  | { readonly kind: 'sendNotification'; readonly message: string; readonly recipients: readonly string[] }
  | {
      readonly kind: 'webhook';
      readonly url: string;
      readonly method: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly secretName?: string;
    }
  | { readonly kind: 'addToList' | 'removeFromList'; readonly listId: string }
  | { readonly kind: 'enrollInWorkflow'; readonly workflowId: string }
  | {
      readonly kind: 'rotateOwner';
      readonly target: Target;
      readonly owners: readonly string[];
      readonly property: string;
      readonly overwrite: boolean;
    }
  | {
      readonly kind: 'publishEvent';
      readonly detailType: string;
      readonly detail: Readonly<Record<string, unknown>>;
    };
