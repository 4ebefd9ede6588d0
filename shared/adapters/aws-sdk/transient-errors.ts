import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { ActionTransient } from '../../core/contract/task-errors.ts';

type SdkError = Parameters<typeof isTransientError>[0];

/**
 * True when an AWS SDK error is worth trying again later: throttling, a 5xx or server fault, a timeout or a
 * dropped connection. The classification is the SDK's own (the one its retry strategy uses), so an error the
 * client already retried in vain is retried again by the Task's backoff instead of failing the action.
 */
export const isTransientSdkError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const sdkError = error as SdkError;
  return (
    isThrottlingError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError) ||
    sdkError.$fault === 'server'
  );
};

/**
 * Runs one SDK call; a transient failure is thrown as {@link ActionTransient} (`Action.Transient`, retried with
 * backoff by the Task), any other error as it is.
 * @example await throwingTransient('SES SendEmail', () => client.send(command))
 */
export const throwingTransient = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (!isTransientSdkError(error)) throw error;
    const { name, message } = error as Error;
    throw new ActionTransient(`${what} failed, to be tried again: ${name}: ${message}`, { cause: error });
  }
};
