// Small shared components: labelled fields, error and loading states, a
// modal dialog. Built with htm so that no JSX step is needed.
import { html } from 'htm/preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { t, language, locales, localeName, setLocale } from '../i18n/index.js';

export { html };

let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

/** A labelled control. children gets the generated id to put on the input. */
export function Field({ label, error, hint, children, id }) {
  const [fid] = useState(() => id || nextId('f'));
  return html`<div class="field ${error ? 'has-error' : ''}">
    <label for=${fid}>${label}</label>
    ${children(fid, error ? `${fid}-err` : hint ? `${fid}-hint` : undefined)}
    ${hint && !error ? html`<small id="${fid}-hint" class="hint">${hint}</small>` : null}
    ${error ? html`<small id="${fid}-err" class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

export function Input({ label, error, hint, value, onInput, type = 'text', ...rest }) {
  return html`<${Field} label=${label} error=${error} hint=${hint}>
    ${(id, describedBy) => html`<input id=${id} type=${type} value=${value ?? ''} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy} onInput=${(e) => onInput(type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value)} ...${rest} />`}
  <//>`;
}

export function Select({ label, error, hint, value, onChange, options, placeholder, ...rest }) {
  return html`<${Field} label=${label} error=${error} hint=${hint}>
    ${(id, describedBy) => html`<select id=${id} value=${value ?? ''} aria-describedby=${describedBy}
      onChange=${(e) => onChange(e.currentTarget.value)} ...${rest}>
      ${placeholder !== undefined ? html`<option value="">${placeholder}</option>` : null}
      ${options.map((o) => html`<option value=${o.value} selected=${String(o.value) === String(value)}>${o.label}</option>`)}
    </select>`}
  <//>`;
}

export function Textarea({ label, value, onInput, error, hint, ...rest }) {
  return html`<${Field} label=${label} error=${error} hint=${hint}>
    ${(id, describedBy) => html`<textarea id=${id} value=${value ?? ''} aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${describedBy} onInput=${(e) => onInput(e.currentTarget.value)} ...${rest}></textarea>`}
  <//>`;
}

export function Checkbox({ label, checked, onChange, ...rest }) {
  const [id] = useState(() => nextId('c'));
  return html`<div class="check">
    <input type="checkbox" id=${id} checked=${!!checked} onChange=${(e) => onChange(e.currentTarget.checked)} ...${rest} />
    <label for=${id}>${label}</label>
  </div>`;
}

/**
 * The server's problem+json detail (and field errors) for an ApiError.
 * Errors of the fields in `shown` are left to those fields, so each is said
 * once, where it belongs.
 */
export function ErrorBox({ error, shown = [] }) {
  if (!error) return null;
  const all = error.errors || [];
  const fields = all.filter((f) => !shown.includes(f.field));
  // The server's detail of a field error is "field: message": said beside the field already.
  const restated = all.some((f) => shown.includes(f.field) && error.detail === `${f.field}: ${f.message}`);
  return html`<div class="error-box" role="alert">
    <strong>${restated ? t('error.see_fields') : error.detail || error.message || t('error.generic')}</strong>
    ${fields.length
      ? html`<ul>${fields.map((f) => html`<li><code>${f.field}</code>: ${f.message}</li>`)}</ul>`
      : null}
  </div>`;
}

export function Loading({ label }) {
  return html`<div class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${label || t('common.loading')}</div>`;
}

/** Runs load() when deps change; {data, error, loading, reload}. */
export function useAsync(load, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(load)
      .then(
        (data) => mine === seq.current && setState({ data, error: null, loading: false }),
        (error) => mine === seq.current && setState({ data: null, error, loading: false }),
      );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/**
 * Busy and error state for a form's submit handler: submit(e) prevents the
 * default, clears the error, sets busy, awaits action(), keeps what it
 * throws as the error and clears busy. {submit, busy, error, setError}.
 */
export function useSubmit(action) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e?.preventDefault?.();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { submit, busy, error, setError };
}

/** A modal dialog: focus moves in, Escape closes, focus returns after. */
export function Modal({ title, onClose, children, wide }) {
  const ref = useRef(null);
  const [tid] = useState(() => nextId('dlg'));
  useEffect(() => {
    const before = document.activeElement;
    const node = ref.current;
    const first = node?.querySelector('input, select, textarea, button:not(.dialog-close), [tabindex]');
    (first || node)?.focus();
    const onKey = (e) => {
      if (e.key === 'Escape') onClose();
      if (e.key !== 'Tab' || !node) return;
      // Tab stays inside the dialog: past the last control it wraps to the first.
      const all = [...node.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter(
        (el) => !el.disabled && el.offsetParent !== null,
      );
      if (!all.length) return;
      const first = all[0];
      const last = all[all.length - 1];
      if (e.shiftKey && (document.activeElement === first || document.activeElement === node)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Back to where it came from; when that is gone (the list redrew), to the page's heading.
      const back = before && before !== document.body && before.isConnected ? before : document.querySelector('main h1');
      if (back && back.tabIndex < 0 && !back.hasAttribute('tabindex')) back.setAttribute('tabindex', '-1');
      back?.focus?.();
    };
  }, []);
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div class="dialog ${wide ? 'wide' : ''}" role="dialog" aria-modal="true" aria-labelledby=${tid} ref=${ref} tabindex="-1">
      <header class="dialog-head">
        <h2 id=${tid}>${title}</h2>
        <button type="button" class="dialog-close" aria-label=${t('common.close')} onClick=${onClose}>×</button>
      </header>
      <div class="dialog-body">${children}</div>
    </div>
  </div>`;
}

/** Whether a media query matches now; follows changes (e.g. a phone turned sideways). */
export function useMedia(query) {
  const get = () => typeof matchMedia === 'function' && matchMedia(query).matches;
  const [on, setOn] = useState(get);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return undefined;
    const mq = matchMedia(query);
    const change = () => setOn(mq.matches);
    mq.addEventListener('change', change);
    change();
    return () => mq.removeEventListener('change', change);
  }, [query]);
  return on;
}

/**
 * A table's frame. When the table is wider than the screen it scrolls
 * sideways, and then it is focusable (a keyboard can scroll it) and named.
 */
export function TableWrap({ label, children }) {
  const ref = useRef(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    check();
    if (typeof ResizeObserver !== 'function') return undefined;
    const ro = new ResizeObserver(check);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    return () => ro.disconnect();
  }, []);
  return html`<div class="table-wrap" ref=${ref} tabindex=${scrolls ? '0' : undefined} role=${scrolls ? 'region' : undefined}
    aria-label=${scrolls ? label || t('common.table_scrolls') : undefined}>${children}</div>`;
}

/**
 * "Skip to main content": the first stop of the keyboard. The routes live in
 * the hash, so it moves focus itself instead of following "#id".
 */
export function SkipLink({ target }) {
  function go(e) {
    e.preventDefault();
    const el = document.getElementById(target);
    if (!el) return;
    const head = el.querySelector('h1');
    const to = head || el;
    if (!to.hasAttribute('tabindex')) to.setAttribute('tabindex', '-1');
    to.focus();
  }
  return html`<a class="skip-link" href=${'#' + target} onClick=${go}>${t('common.skip_to_content')}</a>`;
}

/** The page's language; changing it reloads the page in that locale. */
export function LanguagePicker() {
  const all = locales();
  if (all.length < 2) return null;
  return html`<label class="lang-picker"><span class="visually-hidden">${t('common.language')}</span>
    <select value=${language()} onChange=${(e) => setLocale(e.currentTarget.value)}>
      ${all.map((l) => html`<option value=${l} lang=${l} selected=${l === language()}>${localeName(l)}</option>`)}
    </select></label>`;
}

/** The browser's own IANA zone ('' when it cannot say). */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
}

/** Says which zone the times on a screen are in, when it is not the browser's (they are the clinic's wall times). */
export function ZoneNote({ tz }) {
  if (!tz || tz === browserZone()) return null;
  return html`<p class="zone-note muted" data-zone=${tz}>${t('zone.note', { zone: tz })}</p>`;
}
