/**
 * What main.ts asks of a view: draw into a root, take the keyboard keys it
 * understands, follow a route change that stays within it, and clean up.
 */
import type { Route } from '../router.js';

export interface ViewContext {
  root: HTMLElement;
  navigate(r: Route, o?: { replace?: boolean }): void;
  /** A short message at the bottom of the page (text only). */
  notify(text: string, kind?: 'info' | 'error'): void;
  /**
   * Sets the breadcrumb's capture name and call once known; with the
   * capture, what it was merged from (capture-files.ts `captureTitle`).
   */
  setTitle(parts: { capture?: string | null; captureFiles?: string | null; call?: string | null }): void;
}

export interface View {
  /** The route changed but still belongs to this view: follow it and return true, or false to be re-created. */
  update?(route: Route): boolean;
  /** ↑ ↓ Enter and friends; return true when handled. */
  key?(e: KeyboardEvent): boolean;
  destroy(): void;
}
