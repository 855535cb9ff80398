// Find an existing patient by name or phone (GET /patients?q=), or add one
// with "+ Patient".
import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Input, ErrorBox, Loading } from '../lib/ui.js';
import { t } from '../i18n/index.js';

export function PatientSearch({ selected, onSelect, allowNew, newPatient, onNewPatient, compact }) {
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
        ? html`<${NewPatientForm} value=${newPatient} onChange=${onNewPatient} />
            <button type="button" class="link" onClick=${() => onNewPatient(null)}>${t('patient.pick_existing')}</button>`
        : html`<button type="button" class="secondary" onClick=${() => onNewPatient({ name: q, phone: '', email: '', password: '' })}>${t('patient.add')}</button>`
      : null}
  </div>`;
}

export function NewPatientForm({ value, onChange, errors }) {
  const set = (k) => (v) => onChange({ ...value, [k]: v });
  const err = (f) => errors?.fieldError?.(`patient.${f}`) || errors?.fieldError?.(f) || '';
  return html`<fieldset>
    <legend>${t('patient.details')}</legend>
    <div class="form-grid">
      <${Input} label=${t('field.name')} required value=${value.name} onInput=${set('name')} autocomplete="name" error=${err('name')} />
      <${Input} label=${t('field.phone')} required type="tel" value=${value.phone} onInput=${set('phone')} autocomplete="tel" error=${err('phone')} />
    </div>
    <p class="muted">${t('patient.account_hint')}</p>
    <div class="form-grid">
      <${Input} label=${t('field.email')} type="email" value=${value.email} onInput=${set('email')} autocomplete="off" error=${err('email')} />
      <${Input} label=${t('field.password')} type="password" value=${value.password} onInput=${set('password')} autocomplete="new-password" minlength="8" error=${err('password')} />
    </div>
  </fieldset>`;
}
