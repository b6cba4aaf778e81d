/**
 * Where the ASCII ladder of `analyze --call` draws an RTP stream (RFC 3550):
 * between the SIP columns of the hosts that sent and received it, as sngrep's
 * call flow does, since media ports are not the SIP ports.
 */
import { describe, expect, it } from 'vitest';
import { columnOnHost } from '../../src/cli/text-report.js';

describe('RTP stream columns of the ASCII ladder', () => {
  const columns = ['10.0.0.1:5060', '10.0.0.10:5060', '10.0.0.10:5080', '[2001:db8::1]:5060'];

  it('takes the SIP column on the same host, whatever the media port', () => {
    expect(columnOnHost('10.0.0.1:49170', columns, [])).toBe('10.0.0.1:5060');
    expect(columnOnHost('[2001:db8::1]:4000', columns, [])).toBe('[2001:db8::1]:5060');
  });

  it('prefers, on a host with several SIP columns, the one that sent or got the SDP', () => {
    expect(columnOnHost('10.0.0.10:30000', columns, [])).toBe('10.0.0.10:5060');
    expect(columnOnHost('10.0.0.10:30000', columns, ['10.0.0.1:5060', '10.0.0.10:5080'])).toBe(
      '10.0.0.10:5080',
    );
  });

  it('gives media on a host with no SIP column (a media relay) a column of its own', () => {
    expect(columnOnHost('192.0.2.7:20000', columns, [])).toBe('192.0.2.7:20000');
    // 10.0.0.1 is not 10.0.0.10: hosts compare whole.
    expect(columnOnHost('10.0.0.100:20000', columns, [])).toBe('10.0.0.100:20000');
  });
});
