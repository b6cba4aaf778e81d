/** `/api/captures/:id/calls`: the call list, as CSV, the pcap of the calls it lists, one call, its pcap and messages (alone or with other calls, `?with=`) (server/API.md "Calls"). */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { type Request, Router } from 'express';
import { callCsvHeader, callCsvLine } from '../../src/report/calls-csv.js';
import { type CallQuery, MAX_LIMIT, parseCallQuery } from '../../src/store/call-query.js';
import { detailDtmf } from '../call-dtmf.js';
import type { CaptureService } from '../capture-service.js';
import { drained } from '../drained.js';
import { HttpError } from '../http-error.js';
import { messageText } from '../message-text.js';
import { collectFrames, exportFrames, mergeFrames, streamFrames } from '../pcap-export.js';
import { captureIdOf, fileGone, frameSourceOf, idParam, readableCapture } from './common.js';

export function callsRouter(service: CaptureService): Router {
  const r = Router({ mergeParams: true });

  r.get('/', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    res.json(await service.store.queryCalls(c.id, callQueryOf(req)));
  });

  // Before '/:callId', as `pcap`: every call the filters match (all pages, in the list's order) as CSV.
  r.get('/csv', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const { offset: _offset, limit: _limit, ...filters } = callQueryOf(req);
    const first = await service.store.queryCalls(c.id, { ...filters, offset: 0, limit: MAX_LIMIT });
    if (first === undefined) throw new HttpError(404, `no capture ${c.id}`);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${c.id}-calls.csv"`);
    res.setHeader('X-Calls', String(first.total));
    // The byte order mark makes a spreadsheet read the file as UTF-8 (display names in any script).
    res.write(`\uFEFF${callCsvHeader()}`);
    let page = first;
    for (let offset = 0; ; ) {
      let chunk = '';
      for (const call of page.calls)
        chunk += callCsvLine(call, { count: call.findingCount, worst: call.worstSeverity });
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
      offset += page.calls.length;
      if (page.calls.length < MAX_LIMIT || offset >= page.total) break;
      const next = await service.store.queryCalls(c.id, { ...filters, offset, limit: MAX_LIMIT });
      if (next === undefined) break;
      page = next;
    }
    res.end();
  });

  // Before '/:callId': `pcap` is not a call id.
  r.get('/pcap', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const chosen = await service.store.callsFrames(c.id, callQueryOf(req));
    if (chosen === undefined) throw new HttpError(404, `no capture ${c.id}`);
    const source = frameSourceOf(service, c, 'the frames');
    try {
      if (typeof source === 'string') await access(source, constants.R_OK);
    } catch (e) {
      throw fileGone(c.id, e);
    }
    // Calls over TLS, DTLS-SRTP streams: their handshakes and the keys, so that the file reads decrypted (frame-export.ts).
    const keyed = chosen.connections.length > 0 || chosen.streams.some((st) => st.dtls === true);
    const keyLog = keyed ? await service.tlsKeyLogText(c) : undefined;
    const rsaKeys = chosen.connections.length > 0 ? await service.tlsRsaKeyTexts(c) : undefined;
    res.setHeader('Content-Type', 'application/x-pcapng');
    res.setHeader('Content-Disposition', `attachment; filename="${c.id}-calls.pcapng"`);
    res.setHeader('X-Calls', String(chosen.calls));
    // The SIP frames; the RTP frames of X-Rtp-Streams streams are found while the file is read.
    res.setHeader('X-Frames', String(chosen.frames.length));
    res.setHeader('X-Rtp-Streams', String(chosen.streams.length));
    // A client that goes away stops the reading (its 'close' ends the wait a 'drain' would).
    const write = async (block: Uint8Array) => {
      if (res.destroyed) throw new Error('the client closed the download');
      if (!res.write(block)) await drained(res);
    };
    try {
      await streamFrames(source, chosen.frames, write, chosen.streams, {
        connections: chosen.connections,
        keyLog,
        rsaKeys,
      });
      res.end();
    } catch (e) {
      // The header is sent: cut the download short rather than end it as if it were whole.
      res.destroy(e as Error);
    }
  });

  r.get('/:callId', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const callId = idParam(req.params.callId, 'call');
    const detail = await service.store.getCall(c.id, callId);
    if (detail === undefined) throw new HttpError(404, `no call ${callId} in capture ${c.id}`);
    const dtmf = await detailDtmf(service.store, c.id, detail);
    res.json(dtmf.length > 0 ? { ...detail, call: { ...detail.call, dtmf } } : detail);
  });

  // Every message of the call as text, in capture order (sngrep's raw view), for a ticket or a diff tool;
  // with `?with=7,9` the messages of those calls too (the web UI's ladder of several calls).
  r.get('/:callId/messages.txt', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const callId = idParam(req.params.callId, 'call');
    const { calls, stem } = withCalls(req, callId);
    // A message belongs to one call; the set keeps each once all the same, in the call's order.
    const ids = new Set<number>();
    for (const id of calls) {
      const detail = await service.store.getCall(c.id, id);
      if (detail === undefined) throw new HttpError(404, `no call ${id} in capture ${c.id}`);
      for (const m of detail.messages) ids.add(m.id);
    }
    // Message ids are capture order: several calls' messages interleave by them.
    const order = calls.length === 1 ? [...ids] : [...ids].sort((a, b) => a - b);
    const parts: string[] = [];
    for (const m of order) {
      const stored = await service.store.getMessage(c.id, m);
      if (stored !== undefined) parts.push(messageText(stored.row, stored.raw));
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${stem}-messages.txt"`);
    res.send(parts.join('\n'));
  });

  r.get('/:callId/pcap', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const callId = idParam(req.params.callId, 'call');
    const { calls, stem } = withCalls(req, callId);
    const lists: number[][] = [];
    for (const id of calls) {
      const frames = await service.store.callFrames(c.id, id);
      if (frames === undefined) throw new HttpError(404, `no call ${id} in capture ${c.id}`);
      lists.push(frames);
    }
    const wanted = lists.length === 1 ? lists[0] : mergeFrames(lists);
    const source = frameSourceOf(service, c, 'the frames');
    let frames: Awaited<ReturnType<typeof collectFrames>>;
    try {
      frames = await collectFrames(source, wanted);
    } catch (e) {
      throw fileGone(c.id, e);
    }
    // Kept frames (a live capture's ring) may not hold the call's: HEP brought its messages, or its files
    // were rotated out since. An empty file would look like a capture of nothing.
    if (frames.length === 0 && wanted.length > 0 && typeof source !== 'string')
      throw new HttpError(
        410,
        `none of the ${wanted.length} frames of call ${callId} in capture ${c.id} is in the --live-pcap ring: its messages came over HEP (not written there), or the files holding them were deleted as the ring rotated`,
      );
    const out = exportFrames(frames);
    const ext = out.format;
    res.setHeader('Content-Type', ext === 'pcap' ? 'application/vnd.tcpdump.pcap' : 'application/x-pcapng');
    res.setHeader('Content-Disposition', `attachment; filename="${stem}.${ext}"`);
    res.setHeader('Content-Length', String(out.chunks.reduce((n, b) => n + b.length, 0)));
    for (const chunk of out.chunks) {
      // A client gone away ends the wait ('close') as well as the download.
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  });

  return r;
}

/** The most calls `?with=` adds, as the web UI's ladder route (web/src/router.ts MAX_WITH). */
const MAX_WITH = 100;

/**
 * The call and the calls of `?with=7,9`, read as the web UI's ladder route
 * reads its list (repeats and the call itself dropped), and the stem of the
 * file names, as the UI names its exports: `call-3`, `call-3-with-7-9`,
 * `call-3-with-12-calls` past five. A list that is not whole numbers (or
 * longer than MAX_WITH, or given twice) is a 400.
 */
function withCalls(req: Request, callId: number): { calls: number[]; stem: string } {
  const given = new URL(req.originalUrl, 'http://x').searchParams.getAll('with');
  if (given.length === 0) return { calls: [callId], stem: `call-${callId}` };
  const parts = given.length === 1 ? given[0].split(',') : [];
  if (parts.length === 0 || parts.length > MAX_WITH || !parts.every((p) => /^\d{1,9}$/.test(p)))
    throw new HttpError(
      400,
      `with ${JSON.stringify(given.join('&').slice(0, 80))}: not a list of at most ${MAX_WITH} call ids separated by commas (with=7,9)`,
    );
  const others = [...new Set(parts.map(Number))].filter((id) => id !== callId);
  const stem =
    others.length === 0
      ? `call-${callId}`
      : others.length <= 5
        ? `call-${callId}-with-${others.join('-')}`
        : `call-${callId}-with-${others.length}-calls`;
  return { calls: [callId, ...others], stem };
}

/** The call list's filters, sort and page from the query string; a value it cannot read is a 400 naming it. */
function callQueryOf(req: Request): CallQuery {
  const parsed = parseCallQuery(new URL(req.originalUrl, 'http://x').searchParams);
  if (!parsed.ok) throw new HttpError(400, parsed.error);
  return parsed.query;
}
