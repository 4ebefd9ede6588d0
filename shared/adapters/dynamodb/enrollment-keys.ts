/*
 * Keys of enrollments and history in the single table (docs/storage.md, "Enrollments and history"). Every prefix
 * is this file's: `ENR#`, `ENRCOUNT#`, `HIST#`, `HISTKEY#` partitions, the gsi1 partitions `ENRWF#`, `HISTREC#` and the gsi2
 * partition `HISTWF#` — none begins like the records' (`REC#`, `UNIQ#`, `PROP#`, `LIST#`, `TYPE#`, `LISTS`,
 * `PENDING`, `UNPUBLISHED`) or the workflows' (`WF#`, `WF`).
 */

/** A record's enrollments, all workflows: its states (`WF#…`) and its enrollments (`RUN#…`). */
export const enrollmentPk = (objectType: string, recordId: string) => `ENR#${objectType}#${recordId}`;
export const STATE_PREFIX = 'WF#';
export const stateSk = (workflowId: string) => `${STATE_PREFIX}${workflowId}`;
export const runSk = (workflowId: string, count: number) =>
  `RUN#${workflowId}#${String(count).padStart(10, '0')}`;
/** gsi1: a workflow's enrollments by status, then enrolment instant. */
export const workflowEnrollmentsPartition = (workflowId: string) => `ENRWF#${workflowId}`;
export const workflowEnrollmentsSort = (status: string, enrolledAt: string, id: string) =>
  `${status}#${enrolledAt}#${id}`;

/** A workflow's enrollment counts by status: one item, added to with `ADD` as enrollments start and end. */
export const enrollmentCountsPk = (workflowId: string) => `ENRCOUNT#${workflowId}`;
export const ENROLLMENT_COUNTS_SK = '#COUNTS';

/**
 * A workflow's history, newest first by `<at>#<order>#<key>`: the order of the write breaks ties between lines of one
 * instant (a line whose key was claimed before the order was kept has none).
 */
export const historyPk = (workflowId: string) => `HIST#${workflowId}`;
export const historySk = (at: string, order: string | undefined, key: string) =>
  order === undefined ? `${at}#${key}` : `${at}#${order}#${key}`;
/** One item per line key: the instant and write order the first append chose, so a retry rewrites the same line. */
export const historyKeyPk = (workflowId: string, key: string) => `HISTKEY#${workflowId}#${key}`;
export const HISTORY_KEY_SK = '#KEY';
/** gsi1: a record's history across workflows. */
export const recordHistoryPartition = (objectType: string, recordId: string) =>
  `HISTREC#${objectType}#${recordId}`;
/** gsi2: one record's history in one workflow. */
export const workflowRecordHistoryPartition = (workflowId: string, recordId: string) =>
  `HISTWF#${workflowId}#${recordId}`;
