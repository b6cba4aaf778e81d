import { describe, expect, it } from 'vitest';
import {
  exactHeader,
  HEADER_TABLE,
  headerDef,
  headerKey,
  isMultiValued,
  lookupHeader,
} from '../../src/sip/header-table.js';

describe('the header table (single source of truth)', () => {
  it('RFC 3261 §7.3.3 and later RFCs: compact forms expand to their long names', () => {
    const compact: Record<string, string> = {
      a: 'accept-contact',
      b: 'referred-by',
      c: 'content-type',
      d: 'request-disposition',
      e: 'content-encoding',
      f: 'from',
      i: 'call-id',
      j: 'reject-contact',
      k: 'supported',
      l: 'content-length',
      m: 'contact',
      n: 'identity-info',
      o: 'event',
      r: 'refer-to',
      s: 'subject',
      t: 'to',
      u: 'allow-events',
      v: 'via',
      x: 'session-expires',
      y: 'identity',
    };
    for (const [c, key] of Object.entries(compact)) {
      expect(headerKey(c)).toBe(key);
      expect(headerKey(c.toUpperCase())).toBe(key);
    }
    expect(HEADER_TABLE.filter((d) => d.compact).length).toBe(Object.keys(compact).length);
  });

  it('names are case-insensitive (RFC 3261 §7.3.1)', () => {
    expect(headerKey('CALL-ID')).toBe('call-id');
    expect(headerKey('cSeQ')).toBe('cseq');
    expect(headerKey('WWW-Authenticate')).toBe('www-authenticate');
  });

  it('unknown names map to their lowercase spelling and are single-valued', () => {
    expect(headerKey('X-Call-ID')).toBe('x-call-id');
    expect(isMultiValued('X-Call-ID')).toBe(false);
    expect(headerDef('X-Call-ID')).toBeUndefined();
  });

  it('list headers are multi-valued; Date and the auth headers, whose values hold commas, are not', () => {
    for (const n of [
      'Via',
      'Contact',
      'Route',
      'Record-Route',
      'Supported',
      'Allow',
      'Require',
      'Path',
      'Reason',
    ])
      expect(isMultiValued(n)).toBe(true);
    for (const n of [
      'Date',
      'Authorization',
      'WWW-Authenticate',
      'Proxy-Authenticate',
      'From',
      'To',
      'Call-ID',
      'CSeq',
    ])
      expect(isMultiValued(n)).toBe(false);
  });

  it('every RFC 3261 §20 header is in the table, each with its defining RFC', () => {
    const rfc3261 = HEADER_TABLE.filter((d) => d.rfc.startsWith('RFC 3261'));
    expect(rfc3261.length).toBe(44);
    for (const d of HEADER_TABLE) {
      expect(d.key).toBe(d.name.toLowerCase());
      expect(d.rfc).toMatch(/^RFC \d+ §/);
    }
  });

  it('includes the common extensions', () => {
    for (const n of [
      'RAck',
      'RSeq',
      'Event',
      'Subscription-State',
      'Refer-To',
      'Referred-By',
      'Replaces',
      'Session-Expires',
      'Min-SE',
      'P-Asserted-Identity',
      'P-Charging-Vector',
      'Session-ID',
      'Reason',
      'Path',
      'Service-Route',
      'Privacy',
      'Identity',
      'Allow-Events',
    ])
      expect(headerDef(n)?.name).toBe(n);
  });

  it('exactHeader knows a name only in its canonical spelling (others go to lookupHeader)', () => {
    for (const d of HEADER_TABLE) expect(exactHeader(d.name, 0, d.name.length)).toBe(d);
    for (const n of ['Call-Id', 'call-id', 'CALL-ID', 'i', 'v', 'X-Call-ID', 'Vía', '']) {
      expect(exactHeader(n, 0, n.length)).toBeUndefined();
    }
  });

  it('exactHeader reads the name in place, exactly its range', () => {
    const s = 'x\r\nCall-ID: a@b\r\nCSeqX: 1';
    expect(exactHeader(s, 3, 10)?.key).toBe('call-id');
    expect(exactHeader(s, 3, 9)).toBeUndefined();
    expect(exactHeader(s, 17, 21)?.key).toBe('cseq');
    expect(exactHeader(s, 17, 22)).toBeUndefined();
  });

  it('lookupHeader finds a name inside a larger string without slicing', () => {
    const s = 'xx MAX-forwards: 70';
    expect(lookupHeader(s, 3, 15)?.key).toBe('max-forwards');
    expect(lookupHeader(s, 3, 14)).toBeUndefined();
    expect(lookupHeader('V: x', 0, 1)?.key).toBe('via');
    expect(lookupHeader('q: x', 0, 1)).toBeUndefined();
  });
});
