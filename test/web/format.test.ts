/** Time, duration and size texts the views show. */
import { describe, expect, it } from 'vitest';
import {
  bytesText,
  countText,
  deltaText,
  durationText,
  ellipsis,
  percentText,
  relTime,
  wallClock,
} from '../../web/src/format.js';

describe('formatting', () => {
  it('writes gutter times and deltas', () => {
    expect(relTime(12.01)).toBe('12.010');
    expect(deltaText(0)).toBe('+0 ms');
    expect(deltaText(0.0005)).toBe('+0.5 ms');
    expect(deltaText(0.01)).toBe('+10 ms');
    expect(deltaText(1.99)).toBe('+1.990 s');
    expect(deltaText(123)).toBe('+2 min 3.0 s');
  });

  it('writes durations from sub-millisecond to hours, and a dash for none', () => {
    expect(durationText(null)).toBe('–');
    expect(durationText(0.123)).toBe('0.12 ms');
    expect(durationText(7.25)).toBe('7.3 ms');
    expect(durationText(20)).toBe('20 ms');
    expect(durationText(9990)).toBe('9.99 s');
    expect(durationText(125_000)).toBe('2 min 05 s');
    expect(durationText(3_720_000)).toBe('1 h 02 min');
  });

  it('writes capture times in UTC and sizes, counts and ratios', () => {
    expect(wallClock(1700000000)).toBe('2023-11-14 22:13:20.000');
    expect(wallClock(Number.NaN)).toBe('–');
    expect(bytesText(999)).toBe('999 B');
    expect(bytesText(2539)).toBe('2.5 kB');
    expect(bytesText(55_200_000)).toBe('55 MB');
    expect(countText(100000)).toBe('100\u202f000');
    expect(percentText(0.5)).toBe('50.0 %');
    expect(percentText(null)).toBe('–');
    expect(ellipsis('abcdef', 4)).toBe('abc…');
    expect(ellipsis('abc', 4)).toBe('abc');
  });
});
