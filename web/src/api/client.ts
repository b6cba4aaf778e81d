/**
 * The REST calls of server/API.md, same origin. Errors come back as
 * `ApiError` with the server's one-sentence message (`{error}`), so a view
 * can show it as text.
 */

import { appendKeys, type KeyFile } from '../tls-keys.js';
import type {
  CallDetail,
  CallPage,
  CaptureInfo,
  CaptureStats,
  Finding,
  FindingCount,
  MessageDetail,
  Rule,
  StreamPackets,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const cap = (id: string) => `/api/captures/${encodeURIComponent(id)}`;

/** `?with=7,9` for other calls exported with a call, '' for none. */
const withQuery = (others: readonly number[]) => (others.length ? `?with=${others.join(',')}` : '');

async function errorOf(res: Response): Promise<ApiError> {
  let text = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body?.error === 'string' && body.error) text = body.error;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, text);
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export const api = {
  captures: (signal?: AbortSignal) => getJson<CaptureInfo[]>('/api/captures', signal),
  capture: (id: string, signal?: AbortSignal) => getJson<CaptureInfo>(cap(id), signal),
  async deleteCapture(id: string): Promise<void> {
    const res = await fetch(cap(id), { method: 'DELETE' });
    if (!res.ok && res.status !== 404) throw await errorOf(res);
  },
  /** Analyses the capture's file again under the same id (new rules after an upgrade, a failed analysis retried). */
  async reanalyzeCapture(id: string): Promise<void> {
    const res = await fetch(`${cap(id)}/reanalyze`, { method: 'POST' });
    if (!res.ok) throw await errorOf(res);
  },
  /** Adds TLS keys to the capture, which the server then analyses again with them. */
  async addCaptureKeys(id: string, keys: readonly KeyFile[]): Promise<void> {
    const form = new FormData();
    appendKeys(form, keys);
    const res = await fetch(`${cap(id)}/keys`, { method: 'POST', body: form });
    if (!res.ok) throw await errorOf(res);
  },
  /** Moves each file of a merged capture back by its clock's offset to file 0's, then analyses it again. */
  async alignCaptureClocks(id: string): Promise<void> {
    const res = await fetch(`${cap(id)}/time-shift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ align: true }),
    });
    if (!res.ok) throw await errorOf(res);
  },
  calls: (id: string, query: string, signal?: AbortSignal) =>
    getJson<CallPage>(`${cap(id)}/calls?${query}`, signal),
  call: (id: string, call: number, signal?: AbortSignal) =>
    getJson<CallDetail>(`${cap(id)}/calls/${call}`, signal),
  message: (id: string, message: number, signal?: AbortSignal) =>
    getJson<MessageDetail>(`${cap(id)}/messages/${message}`, signal),
  /** Every finding, or with `perRule` the first `perRule` of each rule. */
  findings: (id: string, signal?: AbortSignal, perRule?: number) =>
    getJson<Finding[]>(`${cap(id)}/findings${perRule === undefined ? '' : `?perRule=${perRule}`}`, signal),
  findingCounts: (id: string, signal?: AbortSignal) =>
    getJson<FindingCount[]>(`${cap(id)}/findings/counts`, signal),
  stats: (id: string, signal?: AbortSignal) => getJson<CaptureStats>(`${cap(id)}/stats`, signal),
  /** The call's frames as pcap; with `others`, those calls' frames too, in one file (server/API.md "Calls"). */
  pcapUrl: (id: string, call: number, others: readonly number[] = []) =>
    `${cap(id)}/calls/${call}/pcap${withQuery(others)}`,
  /** Every message of the call as text; with `others`, theirs too, in capture order (server/API.md "Calls"). */
  messagesTextUrl: (id: string, call: number, others: readonly number[] = []) =>
    `${cap(id)}/calls/${call}/messages.txt${withQuery(others)}`,
  /** The frames of every call a call-list query matches, as one pcapng. */
  callsPcapUrl: (id: string, query: string) => `${cap(id)}/calls/pcap?${query}`,
  callsCsvUrl: (id: string, query: string) => `${cap(id)}/calls/csv?${query}`,
  /** The call's RTP as stereo 16-bit WAVE, one direction an ear (server/API.md "Calls"). */
  callAudioUrl: (id: string, call: number) => `${cap(id)}/calls/${call}/audio.wav`,
  /** One RTP stream of the call as mono 16-bit WAVE. */
  streamAudioUrl: (id: string, call: number, stream: number) =>
    `${cap(id)}/calls/${call}/streams/${stream}/audio.wav`,
  /**
   * One RTP stream of the call packet by packet (Wireshark's RTP Stream
   * Analysis), read again from the capture file: from `offset`, `limit`
   * packets (the server gives 100,000 at most).
   */
  streamPackets: (
    id: string,
    call: number,
    stream: number,
    signal?: AbortSignal,
    page: { offset?: number; limit?: number } = {},
  ) => {
    const q = new URLSearchParams();
    if (page.offset !== undefined) q.set('offset', String(page.offset));
    if (page.limit !== undefined) q.set('limit', String(page.limit));
    const query = q.toString();
    return getJson<StreamPackets>(
      `${cap(id)}/calls/${call}/streams/${stream}/packets${query ? `?${query}` : ''}`,
      signal,
    );
  },
  rules: (() => {
    let cached: Promise<Rule[]> | null = null;
    return (): Promise<Rule[]> => {
      cached ??= getJson<Rule[]>('/api/rules').catch((e) => {
        cached = null;
        throw e;
      });
      return cached;
    };
  })(),
};

export interface UploadHandle {
  /** Resolves with the new capture's id once the server has the whole file (202). */
  done: Promise<string>;
  abort(): void;
}

/**
 * Sends a file as `multipart/form-data` field `file` (the file name travels in
 * the part, whatever characters it has) with XMLHttpRequest, whose upload
 * events give the progress that fetch cannot. Several files go as several
 * `file` parts: one capture merged by time (server/API.md "Captures"). With
 * `addTo`, the files are added to that capture (`POST …/:id/files`), which
 * keeps its id: the handle resolves with it.
 */
export function uploadCapture(
  file: File | readonly File[],
  onProgress: (sent: number, total: number) => void,
  keys: readonly KeyFile[] = [],
  addTo?: string,
): UploadHandle {
  const files: readonly File[] = Array.isArray(file) ? file : [file as File];
  const size = files.reduce((n, f) => n + f.size, 0);
  const xhr = new XMLHttpRequest();
  const done = new Promise<string>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (e) => {
      onProgress(e.loaded, e.lengthComputable ? e.total : size);
    });
    xhr.addEventListener('load', () => {
      let body: { id?: unknown; error?: unknown } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // handled below
      }
      if (xhr.status >= 200 && xhr.status < 300 && typeof body.id === 'string') resolve(body.id);
      else {
        const msg =
          typeof body.error === 'string' ? body.error : `upload failed: ${xhr.status} ${xhr.statusText}`;
        reject(new ApiError(xhr.status, msg));
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'upload failed: the connection was lost')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'upload cancelled')));
  });
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  appendKeys(form, keys);
  xhr.open('POST', addTo === undefined ? '/api/captures' : `${cap(addTo)}/files`);
  xhr.setRequestHeader('accept', 'application/json');
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}
