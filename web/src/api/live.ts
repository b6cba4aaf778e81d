/**
 * socket.io events of server/API.md, fanned out to whichever views listen.
 * One connection for the page; views subscribe on mount and unsubscribe on
 * unmount. The server batches, so handlers may refetch without flooding.
 *
 * Events sent while the connection was down (a network blip, a laptop
 * asleep, a server restart) are lost: when it comes back, `onReconnect`
 * listeners fetch again what they show.
 */
import { io, type Socket } from 'socket.io-client';
import type { CallRow, CaptureInfo, MessageRow, Stats } from './types.js';

export interface LiveEvents {
  'capture:new': { capture: CaptureInfo };
  'capture:reanalyze': { capture: CaptureInfo };
  'capture:progress': { id: string; progress: number };
  'capture:ready': { id: string; stats: Stats };
  'capture:failed': { id: string; error: string };
  'capture:deleted': { id: string };
  'call:update': { captureId: string; call: CallRow };
  'message:new': { captureId: string; message: MessageRow };
}

type Handler<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void;

const EVENTS: ReadonlyArray<keyof LiveEvents> = [
  'capture:new',
  'capture:reanalyze',
  'capture:progress',
  'capture:ready',
  'capture:failed',
  'capture:deleted',
  'call:update',
  'message:new',
];

let socket: Socket | null = null;
const handlers = new Map<keyof LiveEvents, Set<(p: unknown) => void>>();
const statusListeners = new Set<(connected: boolean) => void>();
const reconnectListeners = new Set<() => void>();
/** Whether the socket has been connected before (a later `connect` is a reconnection). */
let connectedBefore = false;

function connect(): void {
  if (socket) return;
  socket = io({ transports: ['websocket', 'polling'] });
  for (const ev of EVENTS) {
    socket.on(ev, (payload: unknown) => {
      for (const h of handlers.get(ev) ?? []) h(payload);
    });
  }
  socket.on('connect', () => {
    for (const l of statusListeners) l(true);
    if (connectedBefore) for (const l of reconnectListeners) l();
    connectedBefore = true;
  });
  socket.on('disconnect', () => {
    for (const l of statusListeners) l(false);
  });
}

/** Listens to one event; returns the function that stops listening. */
export function onLive<K extends keyof LiveEvents>(event: K, h: Handler<K>): () => void {
  connect();
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  const fn = h as (p: unknown) => void;
  set.add(fn);
  return () => set.delete(fn);
}

export function onConnection(l: (connected: boolean) => void): () => void {
  connect();
  statusListeners.add(l);
  return () => statusListeners.delete(l);
}

/** Called each time the connection comes back after it was lost; returns the function that stops it. */
export function onReconnect(l: () => void): () => void {
  connect();
  reconnectListeners.add(l);
  return () => reconnectListeners.delete(l);
}
