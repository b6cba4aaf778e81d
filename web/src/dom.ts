/**
 * The one way the UI makes elements. Text goes in as text nodes and values
 * as attributes through setAttribute, so a value from a capture can never
 * become markup: nothing in web/ uses innerHTML, outerHTML,
 * insertAdjacentHTML or document.write (test/web/escaping.test.ts checks).
 * Inline event-handler attributes and `style` attributes are refused (the
 * CSP forbids them anyway): handlers are functions, styles are CSS classes or
 * CSSOM properties.
 *
 * Every string goes through visible.ts on its way in (text and attribute
 * values alike): control characters and bidi controls from a capture show
 * as `\xNN` / `\u202e` instead of acting, and text holding right-to-left
 * characters is put in a `<bdi>` so that it cannot reorder what is beside it.
 */
import { hasRtl, visibleLines } from './visible.js';

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (/^on/i.test(k) || k.toLowerCase() === 'style') {
      throw new Error(`dom: attribute ${k} is not allowed (use a listener or a class)`);
    }
    if (v === null || v === undefined || v === false) el.removeAttribute(k);
    else el.setAttribute(k, v === true ? '' : typeof v === 'string' ? visibleLines(v) : String(v));
  }
}

export function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(
      typeof c === 'string' ? textNode(c) : typeof c === 'number' ? document.createTextNode(String(c)) : c,
    );
  }
}

/** A string as the page shows it: controls visible, isolated in a `<bdi>` when it holds right-to-left text. */
export function textNode(s: string): Node {
  const text = document.createTextNode(visibleLines(s));
  if (!hasRtl(s)) return text;
  const bdi = document.createElement('bdi');
  bdi.appendChild(text);
  return bdi;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Removes every child of `el`. */
export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces the children of `el`. */
export function replace(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, children);
}
