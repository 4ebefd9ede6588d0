import type { StateMachineDefinition } from '../compiler/asl.types.ts';

/** Step Functions' limit on a state machine's name. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/** What activation publishes: the compiled definition of one revision. */
export interface PublishStateMachine {
  readonly workflowId: string;
  readonly revision: number;
  readonly definition: StateMachineDefinition;
}

/** A published state machine. */
export interface PublishedStateMachine {
  readonly stateMachineArn: string;
  readonly name: string;
}

/**
 * Where the state machines of activated revisions live: one Standard state machine per revision (Step Functions on
 * AWS, a registry in the table embedded). A revision's definition never changes, so publishing it again is a no-op
 * that answers the same ARN.
 */
export interface StateMachineRegistry {
  /** Creates the revision's state machine, or answers the one already there (idempotent). */
  publish(input: PublishStateMachine): Promise<PublishedStateMachine>;
  /** The revision's state machine, or undefined when it was never published. */
  stateMachineOf(workflowId: string, revision: number): Promise<PublishedStateMachine | undefined>;
  /** The ARN the revision's state machine has once published, without asking (its name is deterministic). */
  arnOf(workflowId: string, revision: number): Promise<string>;
}

/** FNV-1a (32 bits) in hex: a short, stable suffix for names that had to be cut. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
};

/**
 * `crm-wf-<workflowId>-r<revision>`: only letters, digits, `-` and `_` (others become `-`), at most 80 characters
 * (a longer id is cut and followed by a hash of the whole id, so two ids never share a name by the cut).
 * @example stateMachineName('wf_3f2a', 2) // 'crm-wf-wf_3f2a-r2'
 */
export const stateMachineName = (workflowId: string, revision: number): string => {
  const suffix = `-r${revision}`;
  const safe = workflowId.replace(/[^A-Za-z0-9_-]/g, '-');
  const name = `crm-wf-${safe}${suffix}`;
  if (name.length <= MAX_STATE_MACHINE_NAME_LENGTH && safe === workflowId) return name;
  const hash = `-${fnv1a(workflowId)}`;
  const room = MAX_STATE_MACHINE_NAME_LENGTH - 'crm-wf-'.length - hash.length - suffix.length;
  return `crm-wf-${safe.slice(0, room)}${hash}${suffix}`;
};
