/**
 * A small typed event emitter with no Node dependency, so the live pipeline
 * runs wherever the core does (DESIGN.md convention 10). Listeners run
 * synchronously in the order they were added; a listener that throws
 * propagates to the code that emitted (our bug, not bad input).
 */
/** Event name → the arguments its listeners get. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

export class Emitter<E extends EventMap<E>> {
  private readonly listeners: { [K in keyof E]?: Array<(...args: E[K]) => void> } = {};

  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): this {
    let list = this.listeners[event];
    if (list === undefined) {
      list = [];
      this.listeners[event] = list;
    }
    list.push(fn);
    return this;
  }

  off<K extends keyof E>(event: K, fn: (...args: E[K]) => void): this {
    const list = this.listeners[event];
    if (list !== undefined) {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    }
    return this;
  }

  /** Is anyone listening? (lets a producer skip building an event nobody reads) */
  has<K extends keyof E>(event: K): boolean {
    const list = this.listeners[event];
    return list !== undefined && list.length > 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const list = this.listeners[event];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) list[i](...args);
  }
}
