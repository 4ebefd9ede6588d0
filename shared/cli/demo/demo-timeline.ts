import { DateTime } from 'luxon';
import type { HistoryEvent } from '../../core/executor/history-event.ts';

/** A history line as `GET /workflows/{id}/history` answers it (the API adds the record's object type). */
export type TimelineLine = HistoryEvent & { readonly objectType?: string };

/** One action of the workflow, as far as the timeline names it. */
export interface TimelineAction {
  readonly id: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What the timeline needs of the workflow: its time zone and its actions (for their types and order). */
export interface TimelineWorkflow {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly startActionId?: string | null;
  readonly actions: readonly TimelineAction[];
}

export interface TimelineInput {
  readonly workflow: TimelineWorkflow;
  /** The history lines, in any order (the API answers newest first). */
  readonly lines: readonly TimelineLine[];
  /** How to name a record (`Ada Lovelace <ada@example.com>`); others are named `<objectType>/<id>`. */
  readonly labels?: ReadonlyMap<string, string>;
}

/**
 * Where an event falls among the lines of one record at one instant (a step of an execution writes them all at the
 * clock's same instant): the enrollment first, then the actions, then the end.
 */
const PHASE: Readonly<Record<string, number>> = {
  enrolled: 0,
  'enrollment.skipped': 0,
  'goal.met': 2,
  unenrolled: 2,
  completed: 2,
};
const phaseOf = (event: string): number => PHASE[event] ?? 1;
/** Of two lines of one action at one instant, the scheduling comes first. */
const stepOf = (event: string): number => (event === 'action.scheduled' ? 0 : 1);

/** The ids an action leads to: every `next`, `defaultNext`, `timeoutNext`… at any depth (branches, paths). */
const successorsOf = (value: unknown, into: string[] = []): string[] => {
  if (Array.isArray(value)) {
    for (const item of value) successorsOf(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [field, child] of Object.entries(value)) {
      if ((field === 'next' || field.endsWith('Next')) && typeof child === 'string') into.push(child);
      else successorsOf(child, into);
    }
  }
  return into;
};

/**
 * The actions in the order a record meets them: a topological order of the graph from the start action (an action
 * comes after every action leading to it), then the unreachable ones in the definition's order.
 */
export const actionOrder = (workflow: Pick<TimelineWorkflow, 'actions' | 'startActionId'>): string[] => {
  const ids = new Set(workflow.actions.map((action) => action.id));
  const successors = new Map(
    workflow.actions.map((action) => [action.id, successorsOf(action).filter((id) => ids.has(id))]),
  );
  const reachable = new Set<string>();
  const pending = workflow.startActionId && ids.has(workflow.startActionId) ? [workflow.startActionId] : [];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (reachable.has(id)) continue;
    reachable.add(id);
    pending.push(...(successors.get(id) ?? []));
  }
  const incoming = new Map([...reachable].map((id) => [id, 0]));
  for (const id of reachable) {
    for (const next of successors.get(id) ?? []) incoming.set(next, (incoming.get(next) ?? 0) + 1);
  }
  const order: string[] = [];
  const ready = workflow.actions.map((action) => action.id).filter((id) => incoming.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift() as string;
    order.push(id);
    for (const next of successors.get(id) ?? []) {
      const left = (incoming.get(next) ?? 0) - 1;
      incoming.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  // A cycle (definitions have none) or an unreachable action: definition order.
  for (const action of workflow.actions) if (!order.includes(action.id)) order.push(action.id);
  return order;
};

const localTime = (instant: string, zone: string): string =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat('ccc yyyy-MM-dd HH:mm:ss ZZ');
const utcTime = (instant: string): string =>
  DateTime.fromISO(instant, { zone: 'utc' }).toFormat("yyyy-MM-dd HH:mm:ss'Z'");

const valueText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The last column: the reason, then the details worth reading (`runAt` in both times, no `type`, attempt > 1). */
const detailsOf = (line: TimelineLine, zone: string): string => {
  const parts: string[] = [];
  if (line.reason !== undefined) parts.push(`reason: ${line.reason}`);
  for (const [field, value] of Object.entries(line.details ?? {})) {
    if (field === 'type' || (field === 'attempt' && value === 1)) continue;
    if (field === 'runAt' && typeof value === 'string') {
      parts.push(`runs at ${localTime(value, zone)} (${utcTime(value)})`);
      continue;
    }
    parts.push(`${field}: ${valueText(value)}`);
  }
  return parts.join(', ');
};

const padded = (rows: readonly (readonly string[])[]): string[] => {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
};

/**
 * A workflow's history as a readable timeline: one block per record (in the order records first appear, those of
 * one instant in the order of `labels`), each line oldest first with the local time in the workflow's time zone,
 * the UTC time, the event, the action (`id (type)`) and the reason or details. Lines of one record at one instant keep the order they happened in:
 * enrollment first, then actions in the order of the workflow's graph, the end last.
 * @example formatTimeline({ workflow, lines: history.results, labels: new Map([[adaId, 'Ada Lovelace']]) })
 */
export const formatTimeline = ({ workflow, lines, labels }: TimelineInput): string[] => {
  const zone = workflow.timeZone;
  const order = actionOrder(workflow);
  const position = (actionId: string | undefined) =>
    actionId === undefined ? -1 : order.indexOf(actionId) === -1 ? order.length : order.indexOf(actionId);
  // The API answers newest first: of two lines of one instant, the later in the answer is the older.
  const chronological = lines
    .map((line, index) => ({ line, index }))
    .sort((a, b) => Date.parse(a.line.at) - Date.parse(b.line.at) || b.index - a.index);
  const byRecord = new Map<string, { line: TimelineLine; index: number }[]>();
  for (const entry of chronological) {
    const group = byRecord.get(entry.line.recordId) ?? [];
    group.push(entry);
    byRecord.set(entry.line.recordId, group);
  }
  // Records that appear at the same instant in the order of `labels` (the order the caller created them).
  const labelled = [...(labels?.keys() ?? [])];
  const labelRank = (recordId: string) =>
    labelled.includes(recordId) ? labelled.indexOf(recordId) : labelled.length;
  const firstAt = (recordId: string) => Date.parse(byRecord.get(recordId)?.[0]?.line.at ?? '');
  const recordIds = [...byRecord.keys()].sort(
    (a, b) => firstAt(a) - firstAt(b) || labelRank(a) - labelRank(b),
  );
  const groups = recordIds
    .map((recordId) => byRecord.get(recordId) ?? [])
    .map((group) =>
      group
        .sort(
          (a, b) =>
            Date.parse(a.line.at) - Date.parse(b.line.at) ||
            phaseOf(a.line.event) - phaseOf(b.line.event) ||
            position(a.line.actionId) - position(b.line.actionId) ||
            stepOf(a.line.event) - stepOf(b.line.event) ||
            b.index - a.index,
        )
        .map(({ line }) => line),
    );
  const out = [
    `Timeline of "${workflow.name}" (${workflow.id}), oldest first`,
    `times: local in ${zone}, then UTC`,
  ];
  if (lines.length === 0) return [...out, '', '(no history yet)'];
  const typeOf = new Map(workflow.actions.map((action) => [action.id, action.type]));
  const rowOf = (line: TimelineLine) => [
    localTime(line.at, zone),
    utcTime(line.at),
    line.event,
    line.actionId === undefined
      ? ''
      : `${line.actionId}${typeOf.has(line.actionId) ? ` (${typeOf.get(line.actionId)})` : ''}`,
    detailsOf(line, zone),
  ];
  // Padded across every record, so that the columns line up over the whole timeline.
  const rows = padded(groups.flatMap((group) => group.map(rowOf)));
  let next = 0;
  for (const group of groups) {
    const first = group[0] as TimelineLine;
    const id = first.objectType ? `${first.objectType}/${first.recordId}` : first.recordId;
    const label = labels?.get(first.recordId);
    out.push('', label ? `${label}  ${id}` : id);
    for (const row of rows.slice(next, next + group.length)) out.push(`  ${row}`);
    next += group.length;
  }
  return out;
};
