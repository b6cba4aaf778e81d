import { describe, expect, it } from 'vitest';
import { parseSdp, type SdpLine, sdpOf } from '../../src/sip/sdp.js';
import { parse, wire } from './build.js';

/** Several media, CRLF and LF endings, blank lines and a malformed line, and lines with issues. */
const MESSY = [
  's=no version first',
  'o=alice 1 2 IN IP4 192.0.2.1',
  'garbage',
  'c=IN IP4',
  '',
  't=0 0',
  'a=sendonly',
  'm=audio 99999 RTP/AVP 0 8',
  'a=rtpmap:0 PCMU',
  'a=rtpmap:8 PCMA/8000\n',
  'm=video 5006/2 RTP/AVP 99',
  'c=IN IP6 2001:db8::5',
  'a=rtpmap:99 h263/90000',
  'x=',
  'v=1',
  'm=image 0 udptl t38',
  '',
].join('\r\n');

/** The `<type>=<value>` lines of `text`, found by splitting it (independently of the parser). */
function linesBySplitting(text: string, base: number): SdpLine[] {
  const out: SdpLine[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length >= 2 && line[1] === '=')
      out.push({ type: line[0], value: line.slice(2), offset: base + at, length: line.length });
    at += raw.length + 1;
  }
  return out;
}

describe('Sdp.lines (built on first read)', () => {
  it('holds every <type>=<value> line of a multi-media SDP with issues, with offsets', () => {
    const sdp = parseSdp(MESSY, 500);
    expect(sdp.media).toHaveLength(3);
    expect(new Set(sdp.issues.map((i) => i.code))).toEqual(
      new Set(['sdp.version', 'sdp.line', 'sdp.connection', 'sdp.media', 'sdp.attribute']),
    );
    const expected = linesBySplitting(MESSY, 500);
    expect(expected.length).toBeGreaterThan(10);
    expect(sdp.lines).toEqual(expected);
    expect(sdp.lines).toBe(sdp.lines);
  });

  it('is an enumerable own key between media and issues, so JSON and Object.entries keep it', () => {
    const sdp = parseSdp(MESSY, 0);
    expect(Object.keys(sdp).slice(0, 6)).toEqual([
      'times',
      'attributes',
      'direction',
      'media',
      'lines',
      'issues',
    ]);
    expect(JSON.parse(JSON.stringify(sdp)).lines).toEqual(linesBySplitting(MESSY, 0));
    expect(Object.fromEntries(Object.entries(sdp)).lines).toEqual(linesBySplitting(MESSY, 0));
  });

  it('points into the message text when parsed from a message body', () => {
    const m = parse(
      wire(
        ['INVITE sip:b@h SIP/2.0', 'Content-Type: application/sdp', `Content-Length: ${MESSY.length}`],
        MESSY,
      ),
    );
    const sdp = sdpOf(m)!;
    expect(sdp.lines).toEqual(linesBySplitting(MESSY, m.bodyOffset));
    for (const l of sdp.lines)
      expect(m.text.slice(l.offset, l.offset + l.length)).toBe(`${l.type}=${l.value}`);
  });
});
