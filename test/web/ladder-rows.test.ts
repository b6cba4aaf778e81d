/** The ladder's arrow paths and the culling that keeps only the rows near the viewport rendered. */
import { describe, expect, it } from 'vitest';
import { arrowPath, type Cullable, cut, cutSdp, rowCuller } from '../../web/src/ladder/rows.js';

/** A row's class list as a set: enough for the culler, which only adds and removes `off`. */
function rows(n: number): Array<Cullable & { off: boolean }> {
  return Array.from({ length: n }, () => {
    const r = {
      off: true,
      classList: {
        add: (c: string) => {
          if (c === 'off') r.off = true;
        },
        remove: (c: string) => {
          if (c === 'off') r.off = false;
        },
      },
    };
    return r;
  });
}

const shown = (rs: Array<{ off: boolean }>) => rs.flatMap((r, i) => (r.off ? [] : [i]));

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
  it('shows the rows between two y coordinates and hides them again when they leave', () => {
    const r = rows(100);
    const cull = rowCuller(r, 64, 36);
    cull(64, 64 + 36 * 10);
    expect(shown(r)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    cull(64 + 36 * 50, 64 + 36 * 55);
    expect(shown(r)).toEqual([50, 51, 52, 53, 54, 55]);
    cull(-1e6, 1e6);
    expect(shown(r)).toHaveLength(100);
    cull(64 + 36 * 200, 64 + 36 * 300);
    expect(shown(r)).toEqual([]);
  });
});
