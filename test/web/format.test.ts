/** Time, duration and size texts the views show. */
import { describe, expect, it } from 'vitest';
import {
  bytesText,
  countOf,
  countText,
  deltaText,
  durationScaleText,
  durationText,
  ellipsis,
  fitAddress,
  offsetText,
  percentText,
  relTime,
  shortenIpv6,
  wallClock,
  worstCountClass,
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
    expect(countOf(1, 'rule')).toBe('1 rule');
    expect(countOf(0, 'call')).toBe('0 calls');
    expect(countOf(12345, 'finding')).toBe('12\u202f345 findings');
    expect(percentText(0.5)).toBe('50.0 %');
    expect(percentText(null)).toBe('–');
    expect(ellipsis('abcdef', 4)).toBe('abc…');
    expect(ellipsis('abc', 4)).toBe('abc');
  });

  // Three hosts of one IPv6 network (sngrep_ipv6-frag-forked-invite-sll.pcap) were three
  // column heads reading `[fd17:625c:f037:2:a00…`: the part that tells them apart was cut.
  it('cuts an address in its middle so that hosts sharing a prefix stay apart', () => {
    const hosts = ['1521', '3519', '4bd2'].map((h) => `[fd17:625c:f037:2:a00:27ff:feb9:${h}]:5060`);
    const fitted = hosts.map((a) => fitAddress(a, 22));
    expect(fitted[0]).toBe('[fd17:…:1521]:5060');
    expect(fitAddress(hosts[0], 23)).toBe('[fd17:…:feb9:1521]:5060');
    expect(new Set(fitted).size).toBe(3);
    for (const f of fitted) expect(f.length).toBeLessThanOrEqual(22);
    expect(fitAddress('[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060', 20)).toBe('[fd17:…:1521]:15060');
    expect(fitAddress('10.0.0.1:5060', 22)).toBe('10.0.0.1:5060');
    // Not IPv6: the middle goes, the end stays.
    expect(fitAddress('proxy-number-one.example.com:5060', 16)).toBe('proxy-….com:5060');
    // Too long even without its middle groups: then the middle of the rest goes.
    expect(fitAddress('[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060', 12)).toBe('[fd1…]:15060');
    expect(shortenIpv6('[::1]:5060', 2)).toBe('[::1]:5060');
    expect(shortenIpv6('[2001:db8::1]:5060', 2)).toBe('[2001:db8::1]:5060');
  });

  // The captures list coloured any count of findings in the warning colour, errors included.
  it('names the class of the worst severity counted', () => {
    expect(worstCountClass({ error: 0, warning: 3, info: 9 })).toBe('sev-warning');
    expect(worstCountClass({ error: 1, warning: 0, info: 0 })).toBe('sev-error');
    expect(worstCountClass({ error: 0, warning: 0, info: 0 })).toBe('');
  });
});

describe('offsetText', () => {
  it('signs a time relative to the first message with + or a minus sign, never +-', () => {
    expect(offsetText(0.1)).toBe('+0.100 s');
    expect(offsetText(0)).toBe('+0.000 s');
    expect(offsetText(-0.1)).toBe('−0.100 s');
    expect(offsetText(-0.0001)).toBe('+0.000 s');
    expect(offsetText(Number.NaN)).toBe('–');
    expect(offsetText(-0.1)).not.toContain('+');
  });
});

describe('durationScaleText', () => {
  // sipp-10-calls.pcap's setup-time axis read 1.2 ms, 1.3 ms, 1.3 ms, 1.4 ms: ticks 0.05 ms apart, one decimal.
  it('gives ticks a step apart labels that differ', () => {
    const f = durationScaleText(0.05, 1.45);
    expect([1.2, 1.25, 1.3, 1.35, 1.4].map(f)).toEqual([
      '1.20 ms',
      '1.25 ms',
      '1.30 ms',
      '1.35 ms',
      '1.40 ms',
    ]);
    expect([0, 200, 400].map(durationScaleText(200, 900))).toEqual(['0 ms', '200 ms', '400 ms']);
  });

  it('takes the unit of the largest value: seconds from 1 s, durationText from a minute', () => {
    expect([0, 500, 1500].map(durationScaleText(500, 2500))).toEqual(['0.0 s', '0.5 s', '1.5 s']);
    expect(durationScaleText(20_000, 120_000)(60_000)).toBe(durationText(60_000));
  });

  it('falls back to durationText for a single bin (no step)', () => {
    expect(durationScaleText(0, 4.566)(4.566)).toBe(durationText(4.566));
    expect(durationScaleText(Number.NaN, 10)(3)).toBe(durationText(3));
  });
});
