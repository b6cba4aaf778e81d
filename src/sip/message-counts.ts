/**
 * Messages counted by request method and by response status (the `requests`
 * and `responses` of an analysis's stats).
 *
 * The method is text from the capture (RFC 3261 §25.1: extension-method =
 * token), so it is never used as a property name while counting: a method
 * named `toString` or `constructor` found the inherited function there and
 * counted as `"function toString() { [native code] }1"`, and `__proto__`
 * replaced the object's prototype. Counts live in Maps and come out as
 * records without a prototype, with the key order a plain object gives:
 * methods as first seen (integer-like names first, ascending), statuses
 * ascending.
 */
export class MessageCounts {
  private readonly methods = new Map<string, number>();
  private readonly statuses = new Map<number, number>();

  request(method: string): void {
    this.methods.set(method, (this.methods.get(method) ?? 0) + 1);
  }

  response(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** Requests by method. */
  requests(): Record<string, number> {
    return record(this.methods);
  }

  /** Responses by status code. */
  responses(): Record<string, number> {
    return record(this.statuses);
  }
}

function record(counts: Map<string | number, number>): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const [k, n] of counts) out[k] = n;
  return out;
}
