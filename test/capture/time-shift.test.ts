/**
 * `--time-shift FILE=SECONDS` as editcap -t reads its adjustment: seconds,
 * negative or fractional, kept exactly (whole seconds plus nanoseconds);
 * FILE a path as given or a 0-based index.
 */
import { describe, expect, it } from 'vitest';
import { parseSeconds, parseTimeShifts, shiftFrame } from '../../src/capture/time-shift.js';

const frame = (sec: number, nsec: number) => ({
  no: 1,
  sec,
  nsec,
  linkType: 1,
  data: new Uint8Array(0),
  origLen: 0,
  iface: 0,
  fileOffset: 0,
});

describe('SECONDS of --time-shift, exact to the nanosecond', () => {
  it('reads whole, fractional, signed and negative values with nsec kept in 0..999,999,999', () => {
    expect(parseSeconds('2.315')).toEqual({ sec: 2, nsec: 315_000_000 });
    expect(parseSeconds('-2.315')).toEqual({ sec: -3, nsec: 685_000_000 });
    expect(parseSeconds('+1')).toEqual({ sec: 1, nsec: 0 });
    expect(parseSeconds('-7')).toEqual({ sec: -7, nsec: 0 });
    expect(parseSeconds('.5')).toEqual({ sec: 0, nsec: 500_000_000 });
    expect(parseSeconds('-0.000000001')).toEqual({ sec: -1, nsec: 999_999_999 });
  });

  it('refuses what is not a number of seconds', () => {
    for (const bad of ['', '-', '.', '1e3', '1.2.3', 'abc', '1.0000000001', '0x10', ' 1', '12345678901'])
      expect(parseSeconds(bad)).toBeUndefined();
  });

  it('moves a frame across a second boundary both ways, and holds it at 1970', () => {
    const f = frame(100, 900_000_000);
    shiftFrame(f, parseSeconds('0.2')!);
    expect([f.sec, f.nsec]).toEqual([101, 100_000_000]);
    shiftFrame(f, parseSeconds('-0.3')!);
    expect([f.sec, f.nsec]).toEqual([100, 800_000_000]);
    shiftFrame(f, parseSeconds('-1000')!);
    expect([f.sec, f.nsec]).toEqual([0, 0]);
  });
});

describe('FILE of --time-shift', () => {
  const paths = ['a.pcap', 'b.pcapng'];

  it('is a path as given or an index from 0; files not named are not shifted', () => {
    expect(parseTimeShifts(['1=-2.5'], paths)).toEqual([null, { sec: -3, nsec: 500_000_000 }]);
    expect(parseTimeShifts(['a.pcap=3'], paths)).toEqual([{ sec: 3, nsec: 0 }, null]);
    expect(parseTimeShifts(undefined, paths)).toEqual([null, null]);
  });

  it('a path with = in it is read up to the last =', () => {
    expect(parseTimeShifts(['x=y.pcap=1'], ['x=y.pcap'])).toEqual([{ sec: 1, nsec: 0 }]);
  });

  it('says in one line what is wrong: no =, no such file, bad seconds, a file shifted twice', () => {
    expect(parseTimeShifts(['1'], paths)).toBe('--time-shift wants FILE=SECONDS, not "1"');
    expect(parseTimeShifts(['2=1'], paths)).toBe(
      '--time-shift "2=1": "2" is neither a file given nor a file index (0 to 1)',
    );
    expect(parseTimeShifts(['1=two'], paths)).toBe(
      '--time-shift "1=two": "two" is not a number of seconds (as -2.315)',
    );
    expect(parseTimeShifts(['1=1', 'b.pcapng=2'], paths)).toBe(
      '--time-shift: file 1 (b.pcapng) is shifted twice',
    );
  });
});
