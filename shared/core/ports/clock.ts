/** The one source of "now" and of new ids: every timestamp the system writes comes from its clock. */
export interface Clock {
  readonly now: () => Date;
}

/** Makes a new unique id (records, lists, workflows); passed in so that the core draws no randomness itself. */
export type IdGenerator = () => string;
