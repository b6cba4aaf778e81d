/**
 * Security defaults of the server. Everything a capture holds is attacker
 * text, and the server usually runs on a workstation, so:
 *
 * - every response carries a CSP that forbids inline scripts, plus nosniff,
 *   no referrer and no framing;
 * - a request that reached a loopback address must name a loopback host
 *   (a DNS-rebinding page cannot talk to it through its own domain);
 * - a state-changing request (or a socket.io connection) from a browser page
 *   of another origin is refused (no cross-site upload or delete).
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  next();
}

function isLoopbackAddress(addr: string | undefined): boolean {
  if (addr === undefined) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/** The host part of a Host header (`[::1]:8060` → `::1`, `localhost:8060` → `localhost`). */
function hostOf(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  const colon = header.lastIndexOf(':');
  return (colon >= 0 ? header.slice(0, colon) : header).toLowerCase();
}

/** Why the request must be refused, or null. */
export function refusal(req: IncomingMessage, method = req.method ?? 'GET'): string | null {
  const host = req.headers.host ?? '';
  if (isLoopbackAddress(req.socket.localAddress)) {
    const h = hostOf(host);
    if (h !== 'localhost' && !h.endsWith('.localhost') && !isLoopbackAddress(h))
      return `the server listens on a loopback address and does not answer for host "${h}"`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && method !== 'GET' && method !== 'HEAD') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'the request comes from an unreadable Origin';
    }
    if (originHost.toLowerCase() !== host.toLowerCase())
      return 'the request comes from a page of another origin';
  }
  return null;
}

export function guard(req: Request, res: Response, next: NextFunction): void {
  const why = refusal(req);
  if (why === null) {
    next();
    return;
  }
  res.status(403).json({ error: why });
}

/** socket.io's `allowRequest`: the same rules, a connection counting as state-changing. */
export function allowSocket(
  req: IncomingMessage,
  cb: (err: string | null | undefined, ok: boolean) => void,
): void {
  const why = refusal(req, 'CONNECT');
  cb(why, why === null);
}
