/**
 * A minimal SDP text for parser tests: the session lines every SDP has
 * (v, o, s, c, t; RFC 8866 §5), then `session` a= lines, then `media` (its
 * m= lines and their attributes), CRLF line ends.
 */
export function sdpText(media: readonly string[], session: readonly string[] = []): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.1',
    's=-',
    'c=IN IP4 10.0.0.1',
    't=0 0',
    ...session,
    ...media,
    '',
  ].join('\r\n');
}
