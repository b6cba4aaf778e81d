/**
 * a=fingerprint (RFC 8122 §5) and a=setup (RFC 4145 §4): the hash function
 * and the colon-separated hex pairs, several lines per m=, session level
 * applying where a media has none; offsets kept; malformed lines kept with
 * what was wrong, never thrown.
 */
import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../src/sip/sdp.js';
import { fingerprintsOf, setupOf } from '../../src/sip/sdp-fingerprint.js';
import { sdpText } from '../helpers/sdp-text.js';

const SHA256 =
  '49:98:87:5F:2E:AE:C5:D5:61:94:50:6F:18:2E:33:04:38:11:C3:2C:15:CF:56:FF:13:8F:85:C0:A3:81:63:45';
const SHA1 = '4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB';

/** An SDP with `session` a= lines before its two m= lines, `audio` and `video` after each. */
function sdp(session: string[], audio: string[], video: string[] = []) {
  const text = sdpText(
    ['m=audio 4000 UDP/TLS/RTP/SAVPF 111', ...audio, 'm=video 4002 UDP/TLS/RTP/SAVPF 96', ...video],
    session,
  );
  return { text, parsed: parseSdp(text, 100) };
}

describe('a=fingerprint (RFC 8122 §5)', () => {
  it('reads the hash function and the hex pairs of a media-level line, with its message offset', () => {
    const { text, parsed } = sdp([], [`a=fingerprint:sha-256 ${SHA256}`]);
    const [f] = fingerprintsOf(parsed, parsed.media[0]);
    expect(f).toEqual({ hash: 'sha-256', value: SHA256, offset: 100 + text.indexOf('a=fingerprint') });
  });

  it('several lines on one m= (one per hash function) are all kept, in order', () => {
    const { parsed } = sdp([], [`a=fingerprint:sha-1 ${SHA1}`, `a=fingerprint:SHA-256 ${SHA256}`]);
    expect(fingerprintsOf(parsed, parsed.media[0]).map((f) => [f.hash, f.value])).toEqual([
      ['sha-1', SHA1],
      ['sha-256', SHA256],
    ]);
  });

  it('a session-level line applies to every m= without its own; a media-level one wins where present', () => {
    const { parsed } = sdp([`a=fingerprint:sha-1 ${SHA1}`], [`a=fingerprint:sha-256 ${SHA256}`]);
    expect(fingerprintsOf(parsed, parsed.media[0]).map((f) => f.hash)).toEqual(['sha-256']);
    expect(fingerprintsOf(parsed, parsed.media[1]).map((f) => f.hash)).toEqual(['sha-1']);
  });

  it('lower-case hex (seen in the field though the ABNF says UHEX) is read and given in upper case', () => {
    const { parsed } = sdp([], [`a=fingerprint:sha-256 ${SHA256.toLowerCase()}`]);
    expect(fingerprintsOf(parsed, parsed.media[0])[0]).toMatchObject({ value: SHA256 });
    expect(fingerprintsOf(parsed, parsed.media[0])[0].error).toBeUndefined();
  });

  it('an unknown hash function that is a token is kept as written (hash-func =/ token)', () => {
    const { parsed } = sdp([], ['a=fingerprint:sha3-256 AB:CD']);
    expect(fingerprintsOf(parsed, parsed.media[0])[0]).toMatchObject({ hash: 'sha3-256', value: 'AB:CD' });
  });

  it('malformed lines are kept with what was wrong: odd hex, a missing hash, a third field', () => {
    const { parsed } = sdp(
      [],
      ['a=fingerprint:sha-256 4:98:87', `a=fingerprint:${SHA256}`, `a=fingerprint:sha-256 ${SHA1} extra`],
    );
    const fs = fingerprintsOf(parsed, parsed.media[0]);
    expect(fs.map((f) => [f.value, f.error])).toEqual([
      ['', '"4:98:87" is not hex pairs separated by ":" (RFC 8122 §5)'],
      ['', 'a=fingerprint is not "<hash-func> <fingerprint>" (RFC 8122 §5)'],
      ['', 'a=fingerprint is not "<hash-func> <fingerprint>" (RFC 8122 §5)'],
    ]);
  });

  it('an SDP without a=fingerprint gives none', () => {
    const { parsed } = sdp(['a=group:BUNDLE 0 1'], ['a=rtcp-mux']);
    expect(fingerprintsOf(parsed, parsed.media[0])).toEqual([]);
  });
});

describe('a=setup (RFC 4145 §4)', () => {
  it('media-level role, else the session-level one; a value outside the four roles is invalid', () => {
    const { parsed } = sdp(['a=setup:actpass'], ['a=setup:active']);
    expect(setupOf(parsed, parsed.media[0])).toBe('active');
    expect(setupOf(parsed, parsed.media[1])).toBe('actpass');
    const bad = sdp([], ['a=setup:server']).parsed;
    expect(setupOf(bad, bad.media[0])).toBe('invalid');
    expect(setupOf(bad, bad.media[1])).toBeUndefined();
  });
});
