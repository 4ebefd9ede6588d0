/** The embedded runtime's entry (`crm-workflows/runtime`): compiled workflows run on one machine. */

export {
  type BusEvent,
  createEmbeddedBus,
  type DeadLetter,
  type EmbeddedBus,
  type EmbeddedBusOptions,
} from './bus/embedded-bus.ts';
export {
  type ExecutionEvent,
  type ExecutionOutcome,
  type LocalExecutionOptions,
  runStateMachine,
  StatesTimeout,
  type TaskInvocation,
  taskTokenOf,
} from './local-state-machine.ts';
