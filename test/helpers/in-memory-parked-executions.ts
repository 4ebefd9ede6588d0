import { standsAfter } from '../../shared/core/executions/executions.ts';
import type { ParkedExecution, ParkedExecutions } from '../../shared/core/executions/parked-executions.ts';
import { MinHeap } from './min-heap.ts';

interface Entry {
  readonly dueMs: number;
  readonly parked: ParkedExecution;
}

const before = (a: Entry, b: Entry): boolean =>
  a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.parked.name < b.parked.name);

/**
 * Parked executions in memory, for a million of them: one per enrollment (a map), and a binary heap on the due
 * instant whose entries of a forgotten or replaced execution are dropped as they surface. Same contract as the
 * table's store: `park` replaces, `cancel` with a name forgets only that execution, `due` earliest first.
 */
export class InMemoryParkedExecutions implements ParkedExecutions {
  readonly #parked = new Map<string, ParkedExecution>();
  readonly #heap = new MinHeap<Entry>(before);

  /** Parked executions now. */
  get size(): number {
    return this.#parked.size;
  }

  /** What is parked now, in no order. */
  all(): ParkedExecution[] {
    return [...this.#parked.values()];
  }

  /** The earliest due instant (ms), or +∞ when nothing is parked. */
  earliestDueMs(): number {
    this.#dropStale();
    return this.#heap.peek()?.dueMs ?? Number.POSITIVE_INFINITY;
  }

  async park(parked: ParkedExecution): Promise<boolean> {
    const enrollmentId = parked.input.enrollment.enrollmentId;
    if (standsAfter(this.#parked.get(enrollmentId)?.name, parked.name, enrollmentId)) return false;
    this.#parked.set(enrollmentId, parked);
    this.#heap.push({ dueMs: Date.parse(parked.dueAt), parked });
    return true;
  }

  async cancel(enrollmentId: string, name?: string): Promise<void> {
    if (name === undefined || this.#parked.get(enrollmentId)?.name === name)
      this.#parked.delete(enrollmentId);
  }

  async due(at: string, limit: number): Promise<ParkedExecution[]> {
    const atMs = Date.parse(at);
    const taken: Entry[] = [];
    for (;;) {
      this.#dropStale();
      const top = this.#heap.peek();
      if (!top || top.dueMs > atMs || taken.length >= limit) break;
      taken.push(this.#heap.pop()!);
    }
    // Still parked until forgotten: back in the heap.
    for (const entry of taken) this.#heap.push(entry);
    return taken.map((entry) => entry.parked);
  }

  #live(entry: Entry): boolean {
    return this.#parked.get(entry.parked.input.enrollment.enrollmentId) === entry.parked;
  }

  #dropStale(): void {
    for (let top = this.#heap.peek(); top && !this.#live(top); top = this.#heap.peek()) this.#heap.pop();
  }
}
