/**
 * Calls, messages, findings, rules, statistics, metrics and the pcap export
 * over real HTTP, checked against an analysis of the same files made in the
 * test (the mixed capture of named flows, and bundled samples).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/analyze/registry.js';
import { type AnalysisResult, analyzeCapture } from '../../src/report/analyze-capture.js';
import { analysisCsvLines } from '../../src/report/calls-csv.js';
import { collectMessageExtras, type MessageExtras } from '../../src/store/analysis-batches.js';
import type { CallDetail, CallPage, CaptureInfo, CaptureStatsView } from '../../src/store/store.js';
import { manyCallsCaptureBytes, UTF8_NAME, writeFixtureCaptures } from '../store/fixture-captures.js';
import { SAMPLES_DIR } from '../store/store-suite.js';
import { getJson, type TestServer, testServer, uploadReady } from './helpers.js';

interface MessageDetailBody {
  id: number;
  raw: string;
  startLine: { start: number; end: number };
  headers: Array<{ name: string; value: string; start: number; end: number; nameEnd: number }>;
  body: { start: number; end: number } | null;
  sdp: { lines: Array<{ type: string; value: string; offset: number; length: number }> } | null;
  findings: unknown[];
  method?: string;
  status?: number;
}

const utf8 = new TextDecoder();

async function analyse(file: string): Promise<{ result: AnalysisResult; extras: MessageExtras }> {
  const extras = collectMessageExtras();
  const result = await analyzeCapture(file, { onMessage: extras.onMessage });
  return { result, extras };
}

describe('calls, messages and findings API', () => {
  let s: TestServer;
  let dir: string;
  let mixed: { result: AnalysisResult; extras: MessageExtras };
  let id: string;
  let api: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-calls-'));
    const fx = writeFixtureCaptures(dir);
    s = await testServer({
      samples: ['proxied-call-two-interfaces.pcapng', 'fragmented-invite.pcap'].map((f) =>
        join(SAMPLES_DIR, f),
      ),
    });
    mixed = await analyse(fx.mixed);
    id = (await uploadReady(s, fx.mixed)).id;
    api = `${s.url}/api/captures/${id}`;
  });
  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const calls = async (q: string) => {
    const r = await getJson<CallPage>(`${api}/calls?${q}`);
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lists the samples in the order they were given (the newest-first list shows the first on top)', async () => {
    const given = ['proxied-call-two-interfaces.pcapng', 'fragmented-invite.pcap'];
    const list = (await getJson<Array<{ name: string }>>(`${s.url}/api/captures`)).body;
    expect(list.map((c) => c.name).filter((n) => given.includes(n))).toEqual(given);
  });

  it('lists the calls with their total, and filters by kind, state, method, findings and text', async () => {
    const r = mixed.result;
    const all = await calls('');
    expect(all.total).toBe(r.calls.length);
    expect(all.calls.map((c) => c.id)).toEqual(
      [...r.calls].sort((a, b) => a.start - b.start || a.id - b.id).map((c) => c.id),
    );
    const noNoise = await calls('kind=!options,!registration');
    expect(noNoise.total).toBe(
      r.calls.filter((c) => c.kind !== 'options' && c.kind !== 'registration').length,
    );
    expect((await calls('kind=registration')).calls.map((c) => c.kind)).toEqual(['registration']);
    const cancelled = await calls('state=cancelled');
    expect(cancelled.total).toBe(r.calls.filter((c) => c.state === 'cancelled').length);
    const withCancel = await calls('method=CANCEL');
    expect(withCancel.calls.every((c) => c.messages.some((m) => r.messages.get(m).method === 'CANCEL'))).toBe(
      true,
    );
    const withF = await calls('hasFindings=true');
    expect(withF.total).toBe(new Set(r.findings.map((f) => f.call)).size);
    expect(withF.calls.every((c) => c.findingCount > 0 && c.worstSeverity !== null)).toBe(true);
    expect(
      (await calls('q=/^leg-b-/')).calls.map((c) => c.callIds.some((x) => x.startsWith('leg-b-'))),
    ).toEqual([true]);
    expect((await calls(`q=${encodeURIComponent('<SCRIPT>')}`)).total).toBe(1);
  });

  it('sorts by a key in either order and pages through the same list', async () => {
    const full = await calls('sort=messages&order=desc&limit=1000');
    const counts = full.calls.map((c) => c.messages.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const paged = [
      ...(await calls('sort=messages&order=desc&limit=3')).calls,
      ...(await calls('sort=messages&order=desc&limit=3&offset=3')).calls,
      ...(await calls('sort=messages&order=desc&limit=3&offset=6')).calls,
    ];
    expect(paged.map((c) => c.id)).toEqual(full.calls.map((c) => c.id));
    const byDuration = (await calls('sort=durationMs&limit=1000')).calls.map((c) => c.durationMs);
    const firstNull = byDuration.indexOf(null);
    expect(firstNull).toBeGreaterThan(0);
    expect(byDuration.slice(firstNull).every((d) => d === null)).toBe(true);
  });

  it("gives a call with exactly its messages, their transactions and dialogs, and the call's findings", async () => {
    for (const rec of mixed.result.calls) {
      const { status, body } = await getJson<CallDetail>(`${api}/calls/${rec.id}`);
      expect(status).toBe(200);
      expect(body.messages.length).toBe(body.call.messages.length);
      expect(body.messages.map((m) => m.id)).toEqual(rec.messages);
      const tx = new Set(body.transactions.map((t) => t.id));
      expect(body.messages.every((m) => m.transaction === null || tx.has(m.transaction))).toBe(true);
      expect(body.findings).toEqual(mixed.result.findings.filter((f) => f.call === rec.id));
      expect(body.call.findingCount).toBe(body.findings.length);
    }
  });

  it('gives a message as text whose header, start line, body and SDP offsets point at that text', async () => {
    const hostile = mixed.result.calls.find((c) => c.callIds[0].startsWith('hostile-'))!;
    let sdpSeen = 0;
    for (const m of hostile.messages) {
      const { status, body } = await getJson<MessageDetailBody>(`${api}/messages/${m}`);
      expect(status).toBe(200);
      expect(body.raw).toBe(utf8.decode(mixed.extras.raw[m]));
      const first = body.raw.slice(body.startLine.start, body.startLine.end);
      expect(first).toMatch(body.method ? new RegExp(`^${body.method} `) : /^SIP\/2\.0 \d{3} /);
      expect(body.headers.length).toBeGreaterThan(5);
      for (const h of body.headers) {
        expect(body.raw.slice(h.start, h.nameEnd)).toBe(h.name);
        expect(body.raw.slice(h.start, h.end)).toMatch(new RegExp(`^${h.name}\\s*:\\s*`));
        expect(body.raw.slice(h.start, h.end).endsWith(h.value)).toBe(true);
      }
      // The To display name is UTF-8: offsets past it are string indexes, not bytes.
      expect(body.headers.find((h) => h.name === 'To')?.value).toContain(UTF8_NAME);
      if (body.sdp !== null) {
        sdpSeen++;
        expect(body.body).not.toBeNull();
        for (const l of body.sdp.lines)
          expect(body.raw.slice(l.offset, l.offset + l.length)).toBe(`${l.type}=${l.value}`);
        expect(body.raw.slice(body.body!.start, body.body!.end).startsWith('v=0')).toBe(true);
      }
    }
    expect(sdpSeen).toBe(2);
  });

  it('lists the findings of the capture, by rule prefix too, and the rule catalogue', async () => {
    const all = await getJson<unknown[]>(`${api}/findings`);
    expect(all.body).toEqual(mixed.result.findings);
    const rule = mixed.result.findings[0].rule;
    const prefix = `${rule.split('.')[0]}.`;
    expect((await getJson(`${api}/findings?rule=${prefix}`)).body).toEqual(
      mixed.result.findings.filter((f) => f.rule.startsWith(prefix)),
    );
    const rules = await getJson(`${s.url}/api/rules`);
    expect(rules.body).toEqual(catalogue());
  });

  it("gives each rule's count and the first N findings of each rule (what the findings view loads)", async () => {
    const all = mixed.result.findings;
    const counts = await getJson<Array<{ rule: string; count: number }>>(`${api}/findings/counts`);
    expect(counts.body.map((c) => c.rule)).toEqual([...new Set(all.map((f) => f.rule))]);
    expect(counts.body.reduce((n, c) => n + c.count, 0)).toBe(all.length);
    const first = await getJson<Array<{ rule: string }>>(`${api}/findings?perRule=1`);
    expect(first.body.map((f) => f.rule)).toEqual(counts.body.map((c) => c.rule));
    for (const bad of ['0', '-1', '1.5', 'x', '100001'])
      expect((await fetch(`${api}/findings?perRule=${bad}`)).status).toBe(400);
  });

  it('gives the statistics view of the capture', async () => {
    const { body } = await getJson<CaptureStatsView>(`${api}/stats`);
    expect(body.requests).toEqual(mixed.result.stats.requests);
    expect(body.responses).toEqual(mixed.result.stats.responses);
    expect(Object.values(body.callsByState).reduce((a, b) => a + b, 0)).toBe(mixed.result.calls.length);
    expect(body.asr).toBeGreaterThan(0);
    expect(body.asr).toBeLessThanOrEqual(1);
  });

  it('exports a call as a pcap that decodes again to the same messages', async () => {
    for (const rec of mixed.result.calls) {
      const res = await fetch(`${api}/calls/${rec.id}/pcap`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="call-${rec.id}.pcap"`);
      const file = join(dir, `call-${rec.id}.pcap`);
      writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const again = await analyse(file);
      expect(again.result.messages.length).toBe(rec.messages.length);
      for (let i = 0; i < rec.messages.length; i++) {
        const m = rec.messages[i];
        expect(again.extras.raw[i]).toEqual(mixed.extras.raw[m]);
        expect(again.result.messages.get(i).ts).toBe(mixed.result.messages.get(m).ts);
      }
    }
  });

  it('exports every frame of reassembled messages, and pcapng when the frames have two link types', async () => {
    const list = (await getJson<CaptureInfo[]>(`${s.url}/api/captures`)).body;
    // pcap magic (µs or ns, as the timestamps need) or the pcapng Section Header Block.
    for (const [name, magics, ext] of [
      ['fragmented-invite.pcap', [0xa1b2c3d4, 0xa1b23c4d], 'pcap'],
      ['proxied-call-two-interfaces.pcapng', [0x0a0d0d0a], 'pcapng'],
    ] as const) {
      const cap = list.find((c) => c.name === name)!;
      const original = await analyse(join(SAMPLES_DIR, name));
      const res = await fetch(`${s.url}/api/captures/${cap.id}/calls/0/pcap`);
      expect(res.headers.get('content-disposition')).toContain(`call-0.${ext}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(magics).toContain(new DataView(bytes.buffer).getUint32(0, true));
      const file = join(dir, `${name}-call.${ext}`);
      writeFileSync(file, bytes);
      const again = await analyse(file);
      expect(again.result.source.frames).toBe(
        new Set(original.result.calls[0].messages.flatMap((m) => original.result.messages.get(m).frames))
          .size,
      );
      expect(again.extras.raw).toEqual(original.extras.raw);
      for (let i = 0; i < again.result.messages.length; i++)
        expect(again.result.messages.get(i).ts).toBe(original.result.messages.get(i).ts);
      expect(again.result.source.linkTypes).toEqual(original.result.source.linkTypes);
    }
  });

  it('exports the calls a filter lists as one pcapng, which decodes again to exactly their messages (sngrep: save filtered dialogs)', async () => {
    const fetchPcap = async (q: string) => {
      const res = await fetch(`${api}/calls/pcap?${q}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-pcapng');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}-calls.pcapng"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(0x0a0d0d0a);
      const file = join(dir, `filtered-${q.replace(/\W/g, '_')}.pcapng`);
      writeFileSync(file, bytes);
      return { calls: Number(res.headers.get('x-calls')), again: await analyse(file) };
    };
    // The failed INVITE attempts (cancelled, rejected, redirected): their messages and no others.
    const q = 'kind=call&state=cancelled,rejected,busy,redirected,failed';
    const chosen = mixed.result.calls.filter(
      (c) => c.kind === 'call' && ['cancelled', 'rejected', 'busy', 'redirected', 'failed'].includes(c.state),
    );
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen.length).toBeLessThan(mixed.result.calls.length);
    const { calls, again } = await fetchPcap(q);
    expect(calls).toBe(chosen.length);
    const ids = chosen.flatMap((c) => c.messages).sort((a, b) => a - b);
    expect(again.result.messages.length).toBe(ids.length);
    expect(again.extras.raw).toEqual(ids.map((m) => mixed.extras.raw[m]));
    expect(again.result.calls.length).toBe(chosen.length);
    // A text search narrows it the same way as the list; a filter nothing matches gives an empty capture.
    const one = chosen[0];
    const searched = await fetchPcap(`q=${encodeURIComponent(one.callIds[0])}`);
    expect(searched.calls).toBe(1);
    expect(searched.again.result.messages.length).toBe(one.messages.length);
    const none = await fetchPcap('q=no-such-call-anywhere');
    expect([none.calls, none.again.result.messages.length]).toEqual([0, 0]);
    // A bad filter is the list's 400, not an empty file.
    expect((await fetch(`${api}/calls/pcap?hasFindings=maybe`)).status).toBe(400);
  });

  it('gives the call list as CSV: every call the filters choose, in the list order, as the CLI writes them', async () => {
    const fetchCsv = async (q: string) => {
      const res = await fetch(`${api}/calls/csv?${q}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${id}-calls.csv"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      // The UTF-8 byte order mark, for a spreadsheet.
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = utf8.decode(bytes.subarray(3));
      return { total: Number(res.headers.get('x-calls')), lines: text.split('\r\n') };
    };
    // What `sipscope analyze --csv` prints for the same file, by call id.
    const cli = [...analysisCsvLines(mixed.result)];
    const cliById = new Map(cli.slice(1).map((l) => [Number(l.split(',')[0]), l.replace(/\r\n$/, '')]));
    const all = await fetchCsv('sort=start');
    expect(all.lines[0]).toBe(cli[0].replace(/\r\n$/, ''));
    expect(all.lines.at(-1)).toBe('');
    const rows = all.lines.slice(1, -1);
    expect(rows).toHaveLength(mixed.result.calls.length);
    expect(all.total).toBe(mixed.result.calls.length);
    const listed = (await calls('sort=start&limit=1000')).calls.map((c) => c.id);
    expect(rows.map((l) => Number(l.split(',')[0]))).toEqual(listed);
    for (const l of rows) expect(l).toBe(cliById.get(Number(l.split(',')[0])));
    // The list's filters and order.
    const q = 'kind=call&state=cancelled,rejected,busy,redirected,failed&sort=setupMs&order=desc';
    const some = await fetchCsv(q);
    expect(some.lines.slice(1, -1).map((l) => Number(l.split(',')[0]))).toEqual(
      (await calls(`${q}&limit=1000`)).calls.map((c) => c.id),
    );
    expect((await fetchCsv('q=no-such-call-anywhere')).lines).toEqual([cli[0].replace(/\r\n$/, ''), '']);
    expect((await fetch(`${api}/calls/csv?hasFindings=maybe`)).status).toBe(400);
  });

  it('pages through a capture of more calls than a page (1,000) for the CSV', async () => {
    const file = join(dir, 'many-calls.pcap');
    writeFileSync(file, manyCallsCaptureBytes(1234));
    // A server of its own: the /metrics test counts this one's captures.
    const t = await testServer();
    let text: string;
    try {
      const many = (await uploadReady(t, file)).id;
      text = await (await fetch(`${t.url}/api/captures/${many}/calls/csv?sort=start&order=desc`)).text();
    } finally {
      await t.dispose();
    }
    // (text() drops the byte order mark.)
    const ids = text
      .split('\r\n')
      .slice(1, -1)
      .map((l) => Number(l.split(',')[0]));
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    expect(ids[0]).toBe(1233);
    expect(ids.at(-1)).toBe(0);
  });

  it("gives a call's messages as text, each headed by its id, time, path and frame (sngrep's raw view)", async () => {
    const rec = mixed.result.calls.find((c) => c.retransmissions > 0)!;
    const res = await fetch(`${api}/calls/${rec.id}/messages.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="call-${rec.id}-messages.txt"`);
    const text = await res.text();
    const heads = text.split('\n').filter((l) => l.startsWith('#'));
    expect(heads).toHaveLength(rec.messages.length);
    const first = mixed.result.messages.get(rec.messages[0]);
    expect(heads[0]).toMatch(
      new RegExp(
        `^#${first.id}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} UTC  ${first.src} -> ${first.dst}  UDP  frame ${first.frame}$`,
      ),
    );
    expect(heads.filter((l) => l.endsWith('(retransmission)'))).toHaveLength(rec.retransmissions);
    // Each message's text whole and in order.
    let at = 0;
    for (const m of rec.messages) {
      const body = utf8.decode(mixed.extras.raw[m]);
      const i = text.indexOf(body, at);
      expect(i).toBeGreaterThanOrEqual(at);
      at = i + body.length;
    }
    expect((await fetch(`${api}/calls/9999/messages.txt`)).status).toBe(404);
  });

  it('counts packets, SIP messages, calls by state and findings by rule in /metrics', async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${line} `))
          ?.split(' ')[1],
      );
    expect(value('sipscope_captures{status="ready"}')).toBe(3);
    expect(value('sipscope_sip_messages')).toBeGreaterThanOrEqual(mixed.result.stats.sipMessages);
    expect(value('sipscope_packets')).toBeGreaterThanOrEqual(mixed.result.stats.frames);
    for (const f of new Set(mixed.result.findings.map((x) => x.rule)))
      expect(value(`sipscope_findings{rule="${f}"}`)).toBeGreaterThan(0);
    expect(value('sipscope_calls{state="cancelled"}')).toBe(
      mixed.result.calls.filter((c) => c.state === 'cancelled').length,
    );
    expect(text).toMatch(/^# TYPE sipscope_event_drops_total counter$/m);
  });
});
