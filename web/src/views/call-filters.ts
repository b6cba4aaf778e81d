/**
 * The call list's filter bar: free text or /regex/ search (checked before it
 * is sent), kind chips, the one-click "hide OPTIONS/REGISTER", state, method
 * and has-findings, and the count of matching calls. It only says what the
 * user chose; the call list turns that into API queries.
 */
import { type CallFilter, KINDS, regexError, STATES } from '../calls/query.js';
import { clear, h } from '../dom.js';

export interface FilterBar {
  element: HTMLElement;
  /** Where the list writes how many calls match (`data-total`). */
  count: HTMLElement;
  /** Draws the choices of `f`; `methods` are those the capture holds requests of. */
  render(f: CallFilter, methods: readonly string[]): void;
  destroy(): void;
}

function chip(label: string, pressed: boolean, attrs: Record<string, string>): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: `chip${pressed ? ' on' : ''}`,
      'aria-pressed': pressed ? 'true' : 'false',
      ...attrs,
    },
    label,
  );
}

function select(name: string, options: Array<[string, string]>, value: string): HTMLSelectElement {
  const s = h('select', { 'data-filter': name, 'aria-label': name });
  for (const [v, label] of options) {
    const o = h('option', { value: v }, label);
    if (v === value) o.selected = true;
    s.appendChild(o);
  }
  return s;
}

export function filterBar(current: () => CallFilter, apply: (f: CallFilter) => void): FilterBar {
  const search = h('input', {
    type: 'search',
    class: 'search',
    'data-search': true,
    placeholder: 'Search From, To, Call-ID, User-Agent — or /regex/   ( / )',
    'aria-label': 'search calls',
    spellcheck: 'false',
    autocomplete: 'off',
  });
  search.value = current().q;
  const searchError = h('span', { class: 'error-text search-error' });
  const kindBox = h('span', { class: 'chips', 'data-filter': 'kind' });
  const hideOR = h('button', { type: 'button', class: 'chip', 'data-filter': 'hide-options-register' });
  const stateBox = h('span');
  const methodBox = h('span');
  const findingsSel = select(
    'hasFindings',
    [
      ['any', 'with or without findings'],
      ['yes', 'with findings'],
      ['no', 'without findings'],
    ],
    current().hasFindings,
  );
  const count = h('span', { class: 'count', 'data-total': '' });
  const element = h(
    'div',
    { class: 'toolbar' },
    search,
    hideOR,
    kindBox,
    stateBox,
    methodBox,
    findingsSel,
    count,
    searchError,
  );

  hideOR.addEventListener('click', () =>
    apply({ ...current(), hideOptionsRegister: !current().hideOptionsRegister }),
  );
  findingsSel.addEventListener('change', () =>
    apply({ ...current(), hasFindings: findingsSel.value as CallFilter['hasFindings'] }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    const err = regexError(search.value);
    searchError.textContent = err ? `invalid regular expression: ${err}` : '';
    if (err) return;
    timer = setTimeout(() => apply({ ...current(), q: search.value }), 250);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    clearTimeout(timer);
    if (!regexError(search.value)) apply({ ...current(), q: search.value });
    search.blur();
    e.preventDefault();
  });

  return {
    element,
    count,
    render(f, captureMethods) {
      clear(kindBox);
      for (const k of KINDS) {
        const b = chip(k, f.kinds.includes(k), { 'data-kind': k });
        b.addEventListener('click', () => {
          const kinds = f.kinds.includes(k) ? f.kinds.filter((x) => x !== k) : [...f.kinds, k];
          apply({ ...current(), kinds });
        });
        kindBox.appendChild(b);
      }
      hideOR.textContent = f.hideOptionsRegister ? 'OPTIONS/REGISTER hidden' : 'Hide OPTIONS/REGISTER';
      hideOR.classList.toggle('on', f.hideOptionsRegister);
      hideOR.setAttribute('aria-pressed', String(f.hideOptionsRegister));
      const st = select(
        'state',
        [['', 'any state'], ...STATES.map((s): [string, string] => [s, s])],
        f.states[0] ?? '',
      );
      st.addEventListener('change', () => apply({ ...current(), states: st.value ? [st.value] : [] }));
      clear(stateBox);
      stateBox.appendChild(st);
      const methods = [...captureMethods].sort();
      if (f.method && !methods.includes(f.method)) methods.push(f.method);
      const me = select(
        'method',
        [['', 'any method'], ...methods.map((m): [string, string] => [m, m])],
        f.method,
      );
      me.addEventListener('change', () => apply({ ...current(), method: me.value }));
      clear(methodBox);
      methodBox.appendChild(me);
      findingsSel.value = f.hasFindings;
    },
    destroy() {
      clearTimeout(timer);
    },
  };
}
