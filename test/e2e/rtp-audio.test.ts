/**
 * Listening to a call's RTP in the call view, in headless Chromium against
 * the real server (as Wireshark's RTP Player): with the bundled sample
 * call-with-rtp.pcap, "Listen to the call" makes an <audio> element on the
 * call's stereo WAVE (no request before the click), which Chromium decodes
 * (its metadata: 9.99 s), the legend names the ears (the caller left) as the server's
 * X-Audio-Left/Right headers do, a stream's Listen plays its mono WAVE
 * (9.98 s), the player survives the view drawing itself again, keys pressed
 * in the controls stay there, and the WAV links download. What fails is
 * real: a stream asked for under a call it is not in (404 JSON), and a
 * capture written here whose RTP is G.729 (payload type 18), which the server
 * does not decode (415): the player shows the server's sentence. An Opus
 * call (samples/opus-call.pcap, RFC 7587) plays like the others, at 48 kHz.
 * Screenshot: test-output/screenshots/rtp-audio.png (the README's
 * web/screenshots/rtp-audio.png).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDetail, CallPage, RtpStream } from '../../web/src/api/types.js';
import { CALLEE_MEDIA, CALLER_MEDIA, writeCallWithRtp } from '../fixtures/call-with-rtp.js';
import { T0 } from '../fixtures/flows/index.js';
import { rtpFrames } from '../fixtures/rtp-frames.js';
import {
  callDetails,
  captureIdsByName,
  chromiumPresent,
  type Harness,
  ROOT,
  SCREENSHOTS,
  startHarness,
} from './harness.js';

const T = 60_000;

/** The basic call with G.729 both ways (payload type 18, 20 bytes a packet): RTP the server cannot decode. */
function g729Capture(file: string): void {
  const [a, b] = [CALLER_MEDIA, CALLEE_MEDIA];
  const g729 = { payloadType: 18, payloadBytes: 20, start: T0 + 2.02, end: T0 + 4 };
  writeCallWithRtp(
    file,
    'g729@10.0.0.1',
    rtpFrames({ src: a, dst: b, ssrc: 0x0a0b0c0d, ...g729 }),
    rtpFrames({ src: b, dst: a, ssrc: 0x01020304, ...g729 }),
  );
}

describe.skipIf(!chromiumPresent)('listening to RTP in the call view', () => {
  let hx: Harness;
  let dir: string;
  let rtpCapture: string;
  let g729Id: string;
  let opusId: string;
  let opus: CallDetail;
  let twoWay: CallDetail;
  let g729: CallDetail;
  /** Every request the page made for a WAVE. */
  const wavRequests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-audio-'));
    const g729File = join(dir, 'g729-call.pcap');
    g729Capture(g729File);
    hx = await startHarness({
      samples: [join(ROOT, 'samples/call-with-rtp.pcap'), g729File, join(ROOT, 'samples/opus-call.pcap')],
    });
    const idOf = await captureIdsByName(hx);
    rtpCapture = idOf('call-with-rtp.pcap');
    g729Id = idOf('g729-call.pcap');
    opusId = idOf('opus-call.pcap');
    [opus] = await callDetails<CallDetail>(hx, opusId);
    const details = await callDetails<CallDetail>(hx, rtpCapture);
    twoWay = details.find((d) => d.call.callIds[0].startsWith('rtp-two-way')) as CallDetail;
    const g729Calls = await hx.api<CallPage>(`/api/captures/${g729Id}/calls?limit=10`);
    g729 = await hx.api<CallDetail>(`/api/captures/${g729Id}/calls/${g729Calls.calls[0].id}`);
    hx.page.on('request', (r) => {
      if (r.url().endsWith('.wav')) wavRequests.push(r.url());
    });
  }, 180_000);

  afterAll(async () => {
    await hx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = () => hx.page;
  const open = async (capture: string, d: CallDetail) => {
    await page().goto('about:blank');
    await page().goto(`${hx.server.url}/#/captures/${capture}/calls/${d.call.id}`);
    await page().locator('svg.ladder [data-message-id]').first().waitFor();
    await page().locator('.rtp-streams .rtp-audio').waitFor();
  };
  const player = () => page().locator('.rtp-player');
  const audio = () => page().locator('.rtp-player audio');
  /** The player's element once the browser has read the WAVE's header (HAVE_METADATA): its source and duration. */
  const loaded = async () => {
    await page().waitForFunction(
      () => (document.querySelector('.rtp-player audio') as HTMLAudioElement)?.readyState >= 1,
    );
    return audio().evaluate((e: HTMLAudioElement) => ({
      src: e.getAttribute('src'),
      duration: e.duration,
      channels: e.dataset.audio,
      error: e.error?.code ?? null,
    }));
  };
  /** The server's answer to `path`, as the page's own fetch gets it. */
  const fetchInPage = (path: string) =>
    page().evaluate(async (p) => {
      const res = await fetch(p);
      const type = res.headers.get('content-type') ?? '';
      return {
        status: res.status,
        type,
        left: res.headers.get('x-audio-left'),
        right: res.headers.get('x-audio-right'),
        seconds: res.headers.get('x-audio-seconds'),
        body: type.includes('json') ? ((await res.json()) as { error?: string }) : null,
      };
    }, path);

  it(
    'plays the call as stereo when asked, not before, and names the ears as the server puts them',
    async () => {
      const streams = twoWay.streams as RtpStream[];
      await open(rtpCapture, twoWay);
      const callUrl = `/api/captures/${encodeURIComponent(rtpCapture)}/calls/${twoWay.call.id}/audio.wav`;
      // Nothing read from the capture file on the way in: no audio element, no request.
      expect(await page().locator('audio').count()).toBe(0);
      expect(await player().isHidden()).toBe(true);
      expect(wavRequests).toEqual([]);

      // The legend: the caller (Alice, the first message's source) on the left, as the server puts it.
      const legend = await page().locator('[data-channels]').textContent();
      expect(legend).toBe(
        'Left: AliceUA/1.0 10.0.0.1 → BobPhone/2.0 10.0.0.2 (stream 1) · ' +
          'Right: BobPhone/2.0 10.0.0.2 → AliceUA/1.0 10.0.0.1 (stream 0)',
      );
      const server = await fetchInPage(callUrl);
      expect([server.status, server.type, server.left, server.right, server.seconds]).toEqual([
        200,
        'audio/wav',
        '1',
        '0',
        '9.990',
      ]);
      const ids = (side: string) =>
        [...(/\((streams?) ([\d, ]+)\)/.exec(side)?.[2] ?? '').matchAll(/\d+/g)].join(',');
      const [left, right] = (legend as string).split(' · ');
      expect([ids(left), ids(right)]).toEqual([server.left, server.right]);
      expect(streams.map((s) => s.id)).toEqual([0, 1]);

      await page().getByRole('button', { name: 'Listen to the call' }).click();
      const got = await loaded();
      expect(got.src).toBe(callUrl);
      expect(got.channels).toBe('call');
      expect(got.error).toBeNull();
      expect(got.duration).toBeCloseTo(9.99, 2);
      expect(await audio().getAttribute('preload')).toBe('none');
      expect(await audio().getAttribute('controls')).toBe('');
      expect(await player().locator('.rtp-player-what').textContent()).toBe(`call ${twoWay.call.id}, stereo`);
      expect(await page().locator('button[data-listen="call"]').getAttribute('aria-pressed')).toBe('true');
      // The click is the user's gesture: it plays.
      await page().waitForFunction(() => {
        const a = document.querySelector('.rtp-player audio') as HTMLAudioElement;
        return !a.paused && a.currentTime > 0;
      });
      expect(wavRequests.every((u) => u.endsWith(callUrl))).toBe(true);

      await page().screenshot({ path: join(SCREENSHOTS, 'rtp-audio.png') });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'keeps playing when the view draws itself again, and keys pressed in the controls stay there',
    async () => {
      // Still playing from the test before, the same page.
      const hash = await page().evaluate(() => location.hash);
      await audio().evaluate((e) => {
        (e as HTMLAudioElement & { kept?: boolean }).kept = true;
      });
      // A column renamed: the whole call view (its streams table too) is drawn again.
      await page().locator('svg.ladder g.column-head').first().click();
      await page().locator('.rename-input').fill('Alice');
      await page().locator('.rename-form button[type="submit"]').click();
      await page().locator('svg.ladder g.column-head[data-column="alias:Alice"]').waitFor();
      const after = await audio().evaluate((e) => ({
        kept: (e as HTMLAudioElement & { kept?: boolean }).kept === true,
        paused: (e as HTMLAudioElement).paused,
      }));
      expect(after).toEqual({ kept: true, paused: false });
      expect(await page().locator('.rtp-player').count()).toBe(1);
      expect(await page().locator('button[data-listen="call"]').getAttribute('aria-pressed')).toBe('true');

      // ↓ in the player seeks or turns the volume, it does not step through the ladder; nor on a Listen button.
      await audio().focus();
      await page().keyboard.press('ArrowDown');
      await page().locator('button[data-listen="call"]').focus();
      await page().keyboard.press('ArrowDown');
      await page().keyboard.press('+');
      expect(await page().evaluate(() => location.hash)).toBe(hash);
      expect(await page().locator('svg.ladder .selected').count()).toBe(0);
      // From the page, ↓ does select the first message: the keys above were kept from the ladder.
      await page()
        .locator('button[data-listen="call"]')
        .evaluate((e) => (e as HTMLElement).blur());
      await page().keyboard.press('ArrowDown');
      await page().locator('svg.ladder .selected').waitFor();
      // With a ladder row under the cursor, Enter on a stream's Listen plays the stream (the ladder would open the row).
      await page().locator('button[data-listen="1"]').focus();
      await page().keyboard.press('Enter');
      await page().waitForFunction(
        () => (document.querySelector('.rtp-player audio') as HTMLAudioElement | null)?.dataset.audio === '1',
      );
      expect(await page().evaluate(() => location.hash)).toBe(hash);
      // Esc leaves the player as it leaves a text field; the view stays.
      await audio().focus();
      const before = await page().evaluate(() => location.hash);
      await page().keyboard.press('Escape');
      expect(await page().evaluate(() => document.activeElement?.tagName)).not.toBe('AUDIO');
      expect(await page().evaluate(() => location.hash)).toBe(before);
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'plays one stream as mono, and downloads the WAVEs',
    async () => {
      await open(rtpCapture, twoWay);
      const url = `/api/captures/${encodeURIComponent(rtpCapture)}/calls/${twoWay.call.id}/streams/1/audio.wav`;
      const row = page().locator('tr.rtp-row[data-stream-id="1"]');
      await row.getByRole('button', { name: 'Listen to stream 1' }).click();
      const got = await loaded();
      expect([got.src, got.channels, got.error]).toEqual([url, '1', null]);
      // 499 packets of 20 ms, the 3 lost ones as silence.
      expect(got.duration).toBeCloseTo(9.98, 2);
      expect(await player().locator('.rtp-player-what').textContent()).toBe('stream 1, mono');
      // Listen is not a click on the row: the stream is not selected in the ladder.
      expect(await page().locator('tr.rtp-row.picked').count()).toBe(0);
      expect(await row.locator('button[data-listen="1"]').getAttribute('aria-pressed')).toBe('true');
      expect(await page().locator('button[data-listen="call"]').getAttribute('aria-pressed')).toBe('false');

      // The other stream takes its place: one player, one element.
      await page().locator('button[data-listen="0"]').click();
      expect((await loaded()).channels).toBe('0');
      expect(await page().locator('audio').count()).toBe(1);
      // ✕ stops and closes it.
      await player().getByRole('button', { name: 'close the player' }).click();
      expect(await page().locator('audio').count()).toBe(0);
      expect(await player().isHidden()).toBe(true);
      expect(await page().locator('button[aria-pressed="true"]').count()).toBe(0);

      for (const [link, name] of [
        [page().locator('a[data-download="call"]'), `call-${twoWay.call.id}.wav`],
        [row.locator('a[data-download="1"]'), 'stream-1.wav'],
      ] as const) {
        const [download] = await Promise.all([page().waitForEvent('download'), link.click()]);
        expect(download.suggestedFilename()).toBe(name);
        const bytes = await download.createReadStream().then(async (s) => {
          const chunks: Buffer[] = [];
          for await (const c of s) chunks.push(c as Buffer);
          return Buffer.concat(chunks);
        });
        expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
        expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
      }
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'plays an Opus call (WebRTC, RFC 7587) as the others: both ears named, none left out, 48 kHz stereo Chromium reads',
    async () => {
      await open(opusId, opus);
      expect(await page().locator('[data-channels]').textContent()).toBe(
        'Left: AliceUA/1.0 10.0.0.1 → BobPhone/2.0 10.0.0.2 (stream 0) · ' +
          'Right: BobPhone/2.0 10.0.0.2 → AliceUA/1.0 10.0.0.1 (stream 1)',
      );
      await page().getByRole('button', { name: 'Listen to the call' }).click();
      const got = await loaded();
      expect([got.channels, got.error]).toEqual(['call', null]);
      // 2.02 s to 12.00 s of the caller's 20 ms packets.
      expect(got.duration).toBeCloseTo(9.98, 2);
      expect(await page().locator('.rtp-player[data-error]').count()).toBe(0);
      await player().getByRole('button', { name: 'close the player' }).click();
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );

  it(
    'answers 404 JSON for a stream of another call, and shows the server’s sentence when the audio cannot be played',
    async () => {
      await open(rtpCapture, twoWay);
      // Stream 2 is the one-way call's.
      const other = await fetchInPage(
        `/api/captures/${encodeURIComponent(rtpCapture)}/calls/${twoWay.call.id}/streams/2/audio.wav`,
      );
      expect([other.status, other.body]).toEqual([404, { error: `no stream 2 in call ${twoWay.call.id}` }]);

      // G.729: the server decodes none of it (415), the page says why, as text.
      const streams = g729.streams as RtpStream[];
      expect(streams.length).toBe(2);
      await open(g729Id, g729);
      const callUrl = `/api/captures/${encodeURIComponent(g729Id)}/calls/${g729.call.id}/audio.wav`;
      const refused = await fetchInPage(callUrl);
      expect(refused.status).toBe(415);
      expect(refused.body?.error).toMatch(/^no stream of the call can be played: /);
      await page().getByRole('button', { name: 'Listen to the call' }).click();
      const error = player().locator('.rtp-audio-error');
      await page().locator('.rtp-player[data-error]').waitFor();
      expect(await error.textContent()).toBe(`Cannot play: ${refused.body?.error}`);
      expect(await audio().evaluate((e: HTMLAudioElement) => e.error?.code)).toBe(4); // MEDIA_ERR_SRC_NOT_SUPPORTED

      const s = streams[0];
      const streamRefused = await fetchInPage(
        `/api/captures/${encodeURIComponent(g729Id)}/calls/${g729.call.id}/streams/${s.id}/audio.wav`,
      );
      expect(streamRefused.status).toBe(415);
      await page().locator(`button[data-listen="${s.id}"]`).click();
      await page().waitForFunction(
        (id) => document.querySelector(`.rtp-player[data-error][data-listen="${id}"]`) !== null,
        String(s.id),
      );
      expect(await error.textContent()).toBe(`Cannot play: ${streamRefused.body?.error}`);
      await player().screenshot({ path: join(SCREENSHOTS, 'rtp-audio-error.png') });
      expect(hx.events.errors).toEqual([]);
    },
    T,
  );
});
