/**
 * The basic call of the named flows (fixtures/flows) with each message's
 * text edited, written as a pcap: for tests of how hostile or unusual
 * header text comes out of `sipscope analyze`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkType } from '../../src/capture/link-types.js';
import { writePcap } from '../../src/capture/pcap-writer.js';
import { flowToFrames } from '../fixtures/flow-capture.js';
import { basicCall, parsed } from '../fixtures/flows/index.js';

/** `edit` gets each message's text as latin1 (one char per byte) and its index; the pcap's path. */
export function editedBasicCall(
  opts: { n: number; callId?: string },
  edit: (text: string, index: number) => string,
): string {
  const flow = basicCall(opts).map((m, i) => {
    const c = parsed(edit(Buffer.from(m.raw).toString('latin1'), i));
    c.source = m.source;
    return c;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'sipscope-edited-')), 'call.pcap');
  writeFileSync(file, writePcap(flowToFrames(flow), { linkType: LinkType.ETHERNET }));
  return file;
}
