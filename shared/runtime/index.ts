/** The embedded runtime's entry (`crm-workflows/runtime`): the whole system on one machine, no AWS account. */

export {
  type BusEvent,
  createEmbeddedBus,
  type DeadLetter,
  type EmbeddedBus,
  type EmbeddedBusOptions,
} from './bus/embedded-bus.ts';
export { type RuntimeConfig, RuntimeConfigError, readRuntimeConfig } from './config.ts';
export { type RunningRuntime, type RuntimeExtensions, startRuntime } from './start-runtime.ts';
export {
  createDurableStepFunctions,
  type DurableStepFunctions,
  type DurableStepFunctionsOptions,
  StepFunctionsError,
} from './step-functions/durable-step-functions.ts';
