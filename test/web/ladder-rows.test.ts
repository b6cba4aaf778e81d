/** The ladder's arrow paths and the culling that keeps only the rows near the viewport in the document. */
import { describe, expect, it } from 'vitest';
import { arrowPath, cut, cutSdp, rowCuller } from '../../web/src/ladder/rows.js';

/**
 * The rows' group as a list of row numbers, with the DOM calls the culler
 * makes; it counts them, and a call that would misplace a row throws.
 */
class Group {
  readonly kids: number[] = [];
  calls = 0;
  get firstChild(): number | null {
    return this.kids[0] ?? null;
  }
  appendChild(n: number): void {
    if (this.kids.includes(n)) throw new Error(`row ${n} is already in`);
    this.calls++;
    this.kids.push(n);
  }
  insertBefore(n: number, ref: number | null): void {
    if (this.kids.includes(n)) throw new Error(`row ${n} is already in`);
    this.calls++;
    const at = ref === null ? this.kids.length : this.kids.indexOf(ref);
    if (at < 0) throw new Error(`row ${ref} is not in`);
    this.kids.splice(at, 0, n);
  }
  removeChild(n: number): void {
    const at = this.kids.indexOf(n);
    if (at < 0) throw new Error(`row ${n} is not in`);
    this.calls++;
    this.kids.splice(at, 1);
  }
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('arrow paths', () => {
  it('runs the shaft from the source to the head, and the head ends at the destination', () => {
    expect(arrowPath({ x1: 100, x2: 300, self: false })).toBe('M100,0H291M299,0L291,-4L291,4Z');
    expect(arrowPath({ x1: 300, x2: 100, self: false })).toBe('M300,0H109M101,0L109,-4L109,4Z');
    expect(arrowPath({ x1: 100, x2: 100, self: true }).startsWith('M100,-6h28v12')).toBe(true);
  });

  it('cuts long text with an ellipsis', () => {
    expect(cut('audio 10.0.0.1:4000 PCMU/8000', 10)).toBe('audio 10.…');
    expect(cut('short', 10)).toBe('short');
  });

  it('cuts an SDP summary in its IPv6 address first, so that the port and codecs stay', () => {
    const sdp = 'audio [fd17:625c:f037:2:a00:27ff:feb9:1521]:6000 PCMU/8000';
    expect(cutSdp(sdp, 40)).toBe('audio [fd17:…:feb9:1521]:6000 PCMU/8000');
    expect(cutSdp(sdp, 34)).toBe('audio [fd17:…:1521]:6000 PCMU/8000');
    expect(cutSdp(sdp, 20)).toBe('audio [fd17:…:1521]…');
    expect(cutSdp('audio 10.0.0.1:4000 PCMU/8000', 10)).toBe('audio 10.…');
    expect(cutSdp(sdp, 80)).toBe(sdp);
  });
});

describe('row culling', () => {
  it('keeps in the group exactly the rows between two y coordinates, in row order', () => {
    const g = new Group();
    const cull = rowCuller(g, range(0, 99), 64, 36);
    cull(64, 64 + 36 * 10);
    expect(g.kids).toEqual(range(0, 10));
    // Scrolling down a little: the rows that left go, the new ones are appended.
    g.calls = 0;
    cull(64 + 36 * 5, 64 + 36 * 15);
    expect(g.kids).toEqual(range(5, 15));
    expect(g.calls).toBe(10);
    // Scrolling back up: the rows above go in before the first, in order.
    cull(64 + 36 * 2, 64 + 36 * 12);
    expect(g.kids).toEqual(range(2, 12));
    // A jump with nothing in common, everything, then past the end.
    cull(64 + 36 * 50, 64 + 36 * 55);
    expect(g.kids).toEqual(range(50, 55));
    cull(-1e6, 1e6);
    expect(g.kids).toEqual(range(0, 99));
    cull(64 + 36 * 200, 64 + 36 * 300);
    expect(g.kids).toEqual([]);
  });
});
