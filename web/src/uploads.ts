/**
 * Uploads in progress, shared by the drop target (anywhere on the page), the
 * file picker and the captures view that shows them: bytes sent (XHR upload
 * progress), then the capture id the server gave, after which the capture's
 * own analysis progress (socket.io) takes over. Finished uploads are kept a
 * short while so their outcome can be read; the list is bounded. TLS keys
 * chosen beforehand go with the next files uploaded (tls-keys.ts), then are
 * let go: they are never sent with a capture they were not chosen for.
 *
 * Several files at once are, by default, one capture merged by time (as
 * Wireshark merges the files dropped on it, and `sipscope analyze A B`
 * reads them): rotated pieces of one capture, or two hosts' legs of a call.
 * The captures page offers separate captures instead (`setMergeMode`).
 * Files can also be added to a capture already uploaded (`addFilesTo`): its
 * row here shows them sent, then the capture's row its analysis again.
 */
import { ApiError, uploadCapture } from './api/client.js';
import type { KeyFile } from './tls-keys.js';

export interface Upload {
  key: number;
  name: string;
  size: number;
  sent: number;
  /** Set once the server has answered 202. */
  captureId: string | null;
  error: string | null;
  /** The TLS key files sent with it. */
  keys: readonly KeyFile[];
}

const MAX_KEPT = 20;
let nextKey = 1;
const uploads: Upload[] = [];
const listeners = new Set<() => void>();
let pendingKeys: readonly KeyFile[] = [];

/** What several files uploaded at once become: one capture merged by time, or a capture each. */
export type MergeMode = 'merged' | 'separate';
let mergeMode: MergeMode = 'merged';

export function currentMergeMode(): MergeMode {
  return mergeMode;
}

export function setMergeMode(mode: MergeMode): void {
  mergeMode = mode;
  changed();
}

function changed(): void {
  for (const l of listeners) l();
}

export function currentUploads(): readonly Upload[] {
  return uploads;
}

export function onUploads(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The TLS keys the next upload takes. */
export function pendingTlsKeys(): readonly KeyFile[] {
  return pendingKeys;
}

/** Chooses the TLS keys of the next upload ([]: none). */
export function setPendingTlsKeys(keys: readonly KeyFile[]): void {
  pendingKeys = keys;
  changed();
}

/** The name of a merged upload's row: the server names the capture the same way (server/merge-upload.ts). */
function mergedName(files: readonly File[]): string {
  const more = files.length - 1;
  return `${files[0].name} + ${more} more file${more === 1 ? '' : 's'}`;
}

/**
 * Starts uploading the files, with the keys chosen for them: several as one
 * capture merged by time or each its own (`currentMergeMode`); resolves
 * with the ids of the captures the server accepted.
 */
export async function uploadFiles(files: Iterable<File>): Promise<string[]> {
  const jobs: Promise<string | null>[] = [];
  const keys = pendingKeys;
  pendingKeys = [];
  const list = [...files];
  const groups: File[][] = list.length > 1 && mergeMode === 'merged' ? [list] : list.map((f) => [f]);
  for (const group of groups)
    jobs.push(send(group, group.length === 1 ? group[0].name : mergedName(group), keys));
  const ids = await Promise.all(jobs);
  return ids.filter((x): x is string => x !== null);
}

/**
 * Adds the files to capture `id` (`name`: what it is called), which the
 * server then analyses again with them, under the same id; resolves with
 * false when the server refused them (the reason is the upload row's error).
 */
export async function addFilesTo(id: string, name: string, files: Iterable<File>): Promise<boolean> {
  const list = [...files];
  const what = list.length === 1 ? list[0].name : `${list.length} files`;
  return (await send(list, `${what} → ${name}`, [], id)) !== null;
}

/** Sends `files` as one upload row named `name`: a new capture, or added to capture `addTo`; its id, or null. */
function send(
  files: readonly File[],
  name: string,
  keys: readonly KeyFile[],
  addTo?: string,
): Promise<string | null> {
  const u: Upload = {
    key: nextKey++,
    name,
    size: files.reduce((n, f) => n + f.size, 0),
    sent: 0,
    captureId: null,
    error: null,
    keys,
  };
  uploads.unshift(u);
  if (uploads.length > MAX_KEPT) uploads.length = MAX_KEPT;
  changed();
  let last = 0;
  const handle = uploadCapture(
    files.length === 1 ? files[0] : files,
    (sent, total) => {
      u.sent = sent;
      u.size = total || u.size;
      // At most about one redraw per percent.
      if (sent - last >= u.size / 100 || sent === u.size) {
        last = sent;
        changed();
      }
    },
    keys,
    addTo,
  );
  return handle.done.then(
    (id) => {
      u.captureId = id;
      u.sent = u.size;
      changed();
      return id;
    },
    (e: unknown) => {
      u.error = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      changed();
      return null;
    },
  );
}

/** Forgets an upload row (after its capture appears in the list, or when dismissed). */
export function dismissUpload(key: number): void {
  const i = uploads.findIndex((u) => u.key === key);
  if (i >= 0) {
    uploads.splice(i, 1);
    changed();
  }
}
