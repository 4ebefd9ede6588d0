import type { State, StateMachineDefinition } from './asl.types.ts';

/** The states of a machine being built: refuses a name twice, keeps insertion order. */
export class StateGraph {
  readonly #states = new Map<string, State>();

  /** Adds a state; throws when the name is taken (a compiler bug, never a user mistake). */
  add(name: string, state: State): void {
    if (this.#states.has(name)) throw new Error(`state "${name}" is defined twice`);
    if (name.length > 80) throw new Error(`state name "${name}" is longer than 80 characters`);
    this.#states.set(name, state);
  }

  has(name: string): boolean {
    return this.#states.has(name);
  }

  /** The finished definition. */
  toDefinition(startAt: string, comment: string): StateMachineDefinition {
    return { Comment: comment, StartAt: startAt, States: Object.fromEntries(this.#states) };
  }
}
