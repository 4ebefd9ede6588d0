import { ConflictError } from '../errors/app-error.ts';
import type { SkipReason } from './enrollment-decision.ts';

/**
 * A manual enrollment refused by the record's state (409): enrolled now, enrolled before with re-enrollment off, or
 * stopped by a gate. `reason` says which, as the history's skip reasons do.
 */
export class EnrollmentRefused extends ConflictError {
  readonly reason: SkipReason;

  constructor(reason: SkipReason, message: string) {
    super(message);
    this.reason = reason;
  }
}
