// Find an existing patient by name or phone (GET /patients?q=), or add one
// with "+ Patient".
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Input, ErrorBox, Loading } from '../lib/ui.js';
import { t } from '../i18n/index.js';

export function PatientSearch({ selected, onSelect, allowNew, newPatient, onNewPatient, compact, errors, reveal }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      setBusy(true);
      try {
        const page = await api.get('/patients', { q: q.trim() || undefined, limit: compact ? 5 : 20 });
        if (live) {
          setResults(page.items);
          setError(null);
        }
      } catch (e) {
        if (live) setError(e);
      } finally {
        if (live) setBusy(false);
      }
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);

  const adding = !!newPatient;
  return html`<div class="patient-picker">
    ${!adding
      ? html`<${Input} label=${t('patient.search')} type="search" value=${q} onInput=${setQ} placeholder=${t('patient.search_hint')} autocomplete="off" />
        <${ErrorBox} error=${error} />
        ${busy && !results ? html`<${Loading} />` : null}
        ${results
          ? results.length
            ? html`<fieldset><legend>${t('patient.select')}</legend><ul class="choices">
                ${results.map(
                  (p) => html`<li><label class="choice">
                    <input type="radio" name="patient" checked=${String(selected?.id) === String(p.id)} onChange=${() => onSelect(p)} />
                    <span><strong>${p.name}</strong><br /><span class="meta">${[p.phone, p.email].filter(Boolean).join(' · ')}</span></span>
                  </label></li>`,
                )}
              </ul></fieldset>`
            : html`<p class="muted">${t('patient.none_found')}</p>`
          : null}`
      : null}
    ${allowNew
      ? adding
        ? html`<${NewPatientForm} value=${newPatient} onChange=${onNewPatient} errors=${errors} reveal=${reveal} />
            <button type="button" class="link" onClick=${() => onNewPatient(null)}>${t('patient.pick_existing')}</button>`
        : html`<button type="button" class="secondary" onClick=${() => onNewPatient({ name: q, phone: '', email: '', password: '' })}>${t('patient.add')}</button>`
      : null}
  </div>`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the server would refuse in a new patient's details, in words, by field (empty when fine). */
export function newPatientProblems(v) {
  const out = {};
  if (!v) return out;
  if (v.email && !EMAIL.test(v.email.trim())) out.email = t('patient.err_email');
  if (v.password && v.password.length < 8) out.password = t('patient.err_password_short');
  else if (v.password && !v.email.trim()) out.password = t('patient.err_password_needs_email');
  return out;
}

/** reveal: show every problem now (the step's Next was pressed), not only those of fields left. */
export function NewPatientForm({ value, onChange, errors, reveal }) {
  const [left, setLeft] = useState({});
  const set = (k) => (v) => onChange({ ...value, [k]: v });
  const local = newPatientProblems(value);
  const leave = (k) => () => setLeft({ ...left, [k]: true });
  // One message per field: the rule it breaks now, else what the server said.
  const err = (f) => ((reveal || left[f]) && local[f]) || errors?.fieldError?.(`patient.${f}`) || errors?.fieldError?.(f) || '';
  return html`<fieldset>
    <legend>${t('patient.details')}</legend>
    <div class="form-grid">
      <${Input} label=${t('field.name')} required value=${value.name} onInput=${set('name')} autocomplete="name" error=${err('name')} />
      <${Input} label=${t('field.phone')} required type="tel" value=${value.phone} onInput=${set('phone')} autocomplete="tel" error=${err('phone')} />
    </div>
    <p class="muted">${t('patient.account_hint')}</p>
    <div class="form-grid">
      <${Input} label=${t('field.email')} type="email" value=${value.email} onInput=${set('email')} onBlur=${leave('email')} autocomplete="off" error=${err('email')} />
      <${Input} label=${t('field.password')} type="password" value=${value.password} onInput=${set('password')} onBlur=${leave('password')}
        autocomplete="new-password" minlength="8" error=${err('password')} hint=${t('patient.password_hint')} />
    </div>
  </fieldset>`;
}
