/**
 * Security defaults over real HTTP: loopback binding, the headers on every
 * response (API, static files, errors, socket.io), capture text returned as
 * JSON data only, and requests refused from other origins or host names.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../server/security.js';
import { defaultPort } from '../../server/start.js';
import { NOT_BUILT } from '../../server/static-web.js';
import type { CallPage, CaptureInfo } from '../../src/store/store.js';
import { IMG_PAYLOAD, SCRIPT_PAYLOAD, writeFixtureCaptures } from '../store/fixture-captures.js';
import { settled, type TestServer, testServer, uploadRaw } from './helpers.js';

const HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function expectSecurityHeaders(h: Headers | Record<string, unknown>, what: string): void {
  for (const [k, v] of Object.entries(HEADERS)) {
    const got = h instanceof Headers ? h.get(k) : h[k];
    expect(got, `${k} on ${what}`).toBe(v);
  }
}

/** A raw HTTP request (fetch may not set Host). */
function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; path?: string },
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: opts.path ?? '/',
        method: opts.method ?? 'GET',
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('server security', () => {
  let s: TestServer;
  let web: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sipscope-sec-'));
    writeFixtureCaptures(dir);
    s = await testServer();
    const webRoot = join(dir, 'web');
    mkdirSync(join(webRoot, 'assets'), { recursive: true });
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><script type="module" src="./assets/app.js"></script>',
    );
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'export {};\n');
    web = await testServer({ webRoot });
  });
  afterAll(async () => {
    await s.dispose();
    await web.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 unless told otherwise, on $SIPSCOPE_PORT or 8060 by default', () => {
    expect(s.host).toBe('127.0.0.1');
    expect((s.http.address() as AddressInfo).address).toBe('127.0.0.1');
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(defaultPort({})).toBe(8060);
    expect(defaultPort({ SIPSCOPE_PORT: '9061' })).toBe(9061);
    expect(defaultPort({ SIPSCOPE_PORT: 'x' })).toBe(8060);
  });

  it('sends the CSP and the other security headers on every response', async () => {
    for (const path of ['/', '/api/captures', '/api/rules', '/metrics', '/no/such/page', '/api/nope']) {
      expectSecurityHeaders((await fetch(`${s.url}${path}`)).headers, path);
    }
    for (const path of ['/', '/assets/app.js', '/index.html']) {
      const res = await fetch(`${web.url}${path}`);
      expect(res.status).toBe(200);
      expectSecurityHeaders(res.headers, `static ${path}`);
    }
    const poll = await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`);
    expect(poll.status).toBe(200);
    expectSecurityHeaders(poll.headers, 'socket.io polling');
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-inline');
  });

  it('serves index.html for / when the UI is built, and says how to build it when not', async () => {
    const built = await fetch(`${web.url}/`);
    expect(built.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await built.text()).toContain('./assets/app.js');
    const bare = await fetch(`${s.url}/`);
    expect(bare.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await bare.text()).toBe(NOT_BUILT);
  });

  it('returns markup from capture headers and file names as JSON string data, never as HTML', async () => {
    const id = await uploadRaw(s, join(dir, 'hostile.pcap'), `${IMG_PAYLOAD}.pcap`);
    expect((await settled(s, id)).status).toBe('ready');
    const check = async (path: string) => {
      const res = await fetch(`${s.url}${path}`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expectSecurityHeaders(res.headers, path);
      const text = await res.text();
      // Escaped on the wire as \u003c…: no byte sequence in the body reads as a tag.
      expect(text).not.toMatch(/<(script|img)/i);
      return JSON.parse(text);
    };
    const list = (await check('/api/captures')) as CaptureInfo[];
    expect(list.find((c) => c.id === id)?.name).toBe(`${IMG_PAYLOAD}.pcap`);
    const page = (await check(`/api/captures/${id}/calls`)) as CallPage;
    expect(page.calls[0].endpoints.map((e) => e.label)).toContain(SCRIPT_PAYLOAD);
    const msg = (await check(`/api/captures/${id}/messages/0`)) as {
      raw: string;
      headers: Array<{ name: string; value: string }>;
    };
    expect(msg.headers.find((h) => h.name === 'User-Agent')?.value).toBe(SCRIPT_PAYLOAD);
    expect(msg.headers.find((h) => h.name === 'Subject')?.value).toBe(IMG_PAYLOAD);
    expect(msg.headers.find((h) => h.name === 'From')?.value).toContain(IMG_PAYLOAD);
    expect(msg.raw).toContain(SCRIPT_PAYLOAD);
    await check(`/api/captures/${id}/calls/${page.calls[0].id}`);
  });

  it('refuses, on a loopback address, a Host that is not a loopback name (DNS rebinding)', async () => {
    const evil = await rawRequest(s.url, {
      path: '/api/captures',
      headers: { Host: `evil.example:${s.port}` },
    });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error).toContain('evil.example');
    for (const host of [`localhost:${s.port}`, `127.0.0.1:${s.port}`]) {
      expect((await rawRequest(s.url, { path: '/api/captures', headers: { Host: host } })).status).toBe(200);
    }
  });

  it('refuses uploads, deletes and socket.io connections from pages of another origin', async () => {
    const origin = 'http://evil.example';
    const post = await fetch(`${s.url}/api/captures`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(100),
    });
    expect(post.status).toBe(403);
    const del = await fetch(`${s.url}/api/captures/c1`, { method: 'DELETE', headers: { Origin: origin } });
    expect(del.status).toBe(403);
    const same = await fetch(`${s.url}/api/captures/nope`, { method: 'DELETE', headers: { Origin: s.url } });
    expect(same.status).toBe(404);
    const read = await fetch(`${s.url}/api/captures`, { headers: { Origin: origin } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const socket = io(s.url, {
      transports: ['polling'],
      extraHeaders: { Origin: origin },
      forceNew: true,
      reconnection: false,
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', () => resolve('refused'));
    });
    socket.close();
    expect(outcome).toBe('refused');
  });
});
