import type { AwsStub } from 'aws-sdk-client-mock';

/** The stack trace limit to restore once the current synchronous run of code is over (set while it is lowered). */
let savedLimit: number | undefined;

/**
 * Sinon records an `Error` with each call of a stub, its call stack captured, for its assertions' messages: on a
 * simulation's millions of sends that capture is most of the mock's cost. Lowered to no frame from the end of the
 * fake (where sinon creates that error, right after it) to the next microtask, and restored then.
 */
const withoutCallStack = (): void => {
  if (savedLimit !== undefined) return;
  savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  queueMicrotask(() => {
    Error.stackTraceLimit = savedLimit!;
    savedLimit = undefined;
  });
};

/**
 * Answers every `send` of `stub`'s client with `answer` (one `callsFake`, dispatching on the command itself: no
 * per-command matchers to try on each call), the calls recorded without their call stacks. For simulations that do
 * not assert on the mock's calls.
 */
export const answerSends = (
  // biome-ignore lint/suspicious/noExplicitAny: any client's stub, its commands' inputs and outputs
  stub: AwsStub<any, any, any>,
  answer: (command: { readonly input: unknown; readonly constructor: unknown }) => Promise<unknown>,
): void => {
  stub.send.callsFake((command) => {
    try {
      return answer(command) as never;
    } finally {
      withoutCallStack();
    }
  });
};
