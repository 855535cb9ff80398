// A list of one setup resource (services, actions, locations, staff) with
// add, edit and delete. Writes are for admins; staff see the list only.
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, Checkbox, Textarea, Modal, useSubmit, TableWrap } from '../lib/ui.js';
import { t, minorDigits } from '../i18n/index.js';
import { invalidateRefs } from './data.js';

/** The quantities control: the form's items as {service_id, quantity}. */
function QuantitiesControl({ field, value, onChange }) {
  const cur = value || [];
  const qty = (id) => cur.find((i) => i.service_id === id)?.quantity || 0;
  const set = (id, n) => {
    const rest = cur.filter((i) => i.service_id !== id);
    onChange(n > 0 ? [...rest, { service_id: id, quantity: n }] : rest);
  };
  return html`<fieldset><legend>${t(field.label)}</legend>
    ${field.options.map((o) => html`<label class="quantity">${o.label}
      <input type="number" min="0" max="32" value=${qty(o.value)} onInput=${(e) => set(o.value, Number(e.currentTarget.value || 0))} /></label>`)}
  </fieldset>`;
}

/** One form control for a field description {name, label, type, options, hint}. */
export function FieldControl({ field, value, onChange, error }) {
  const label = t(field.label);
  const hint = field.hint ? t(field.hint) : undefined;
  if (field.type === 'bool') {
    return html`<div><${Checkbox} label=${label} checked=${!!value} onChange=${onChange} />${hint ? html`<small class="hint">${hint}</small>` : null}</div>`;
  }
  if (field.type === 'choice') {
    // numeric: the options are ids, sent as numbers; placeholder: a first "choose" entry.
    const placeholder = field.optional ? t('common.none') : field.placeholder ? t(field.placeholder) : undefined;
    const changed = field.numeric ? (v) => onChange(v === '' ? (field.optional ? null : '') : Number(v)) : onChange;
    return html`<${Select} label=${label} hint=${hint} error=${error} value=${value ?? ''} onChange=${changed} placeholder=${placeholder}
      options=${field.options.map((o) => (typeof o === 'object' ? o : { value: o, label: t(`${field.label}.${o}`) }))} />`;
  }
  if (field.type === 'multi') {
    const cur = value || [];
    return html`<fieldset class=${error ? 'has-error' : ''}><legend>${label}</legend>
      ${field.options.map((o) => html`<${Checkbox} label=${o.label} checked=${cur.includes(o.value)}
        onChange=${(on) => onChange(on ? [...cur, o.value] : cur.filter((x) => x !== o.value))} />`)}
      ${hint && !error ? html`<small class="hint">${hint}</small>` : null}
      ${error ? html`<small class="field-error" role="alert">${error}</small>` : null}
    </fieldset>`;
  }
  if (field.type === 'quantities') return html`<${QuantitiesControl} field=${field} value=${value} onChange=${onChange} />`;
  if (field.type === 'textarea') return html`<${Textarea} label=${label} hint=${hint} error=${error} value=${value} onInput=${onChange} />`;
  const numeric = field.type === 'int' || field.type === 'money';
  // Money fields hold minor units of the clinic's currency (JPY has none, KWD three).
  const places = minorDigits(field.currency);
  return html`<${Input} label=${label} hint=${hint} error=${error} type=${numeric ? 'number' : field.type || 'text'}
    step=${field.type === 'money' ? String(1 / 10 ** places) : undefined} required=${!!field.required}
    value=${field.type === 'money' && value !== '' && value !== undefined ? (value / 10 ** places).toFixed(places) : value}
    onInput=${(v) => onChange(field.type === 'money' ? Math.round(parseFloat(v || '0') * 10 ** places) : numeric ? (v === '' ? '' : Number(v)) : v)} />`;
}

export function ResourceForm({ fields, initial, onSubmit, submitLabel }) {
  const [value, setValue] = useState(initial);
  const { submit, busy, error } = useSubmit(async () => {
    const body = {};
    for (const f of fields) if (value[f.name] !== undefined && !(f.writeOnly && value[f.name] === '')) body[f.name] = value[f.name];
    await onSubmit(body);
  });
  return html`<form onSubmit=${submit}>
    <${ErrorBox} error=${error} shown=${fields.map((f) => f.name)} />
    <div class="form-grid">
      ${fields.map((f) => html`<${FieldControl} field=${f} value=${value[f.name]} error=${error?.fieldError?.(f.name)}
        onChange=${(v) => setValue({ ...value, [f.name]: v })} />`)}
    </div>
    <div class="actions"><button type="submit" disabled=${busy}>${submitLabel || t('common.save')}</button></div>
  </form>`;
}

/**
 * conflict (optional): {when(item, body, error), Component} — a 409 on a
 * change that `when` recognises opens Component in the dialog instead of an
 * error, with the item, the body sent, the error, onDone and onBack.
 */
export function ResourcePage({ user, title, path, fields, columns, blank, rowLink, extraLoad, conflict }) {
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState(null);
  const [asking, setAsking] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState('');
  const list = useAsync(async () => ({ items: await listAll(path), extra: extraLoad ? await extraLoad() : null }), [reload]);
  const admin = user.role === 'admin';
  const resolvedFields = typeof fields === 'function' ? (list.data ? fields(list.data.extra) : []) : fields;
  const done = (what = t('common.saved')) => {
    setSaved(what);
    invalidateRefs();
    setAsking(null);
    setEditing(null);
    setReload((n) => n + 1);
  };
  async function remove(item) {
    if (!confirm(t('common.delete_confirm', { name: item.name }))) return;
    setError(null);
    setSaved('');
    try {
      await api.del(`${path}/${item.id}`);
      done(t('common.deleted', { name: item.name }));
    } catch (e) {
      setError(e);
    }
  }
  return html`<section>
    <div class="page-head"><h1>${t(title)}</h1>
      ${admin ? html`<button type="button" onClick=${() => { setSaved(''); setEditing({ ...blank }); }}>${t('common.add')}</button>` : null}</div>
    ${!admin ? html`<p class="muted">${t('backoffice.read_only')}</p>` : null}
    ${saved ? html`<p class="ok-box" role="status">${saved}</p>` : null}
    <${ErrorBox} error=${error || list.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${list.data
      ? html`<${TableWrap}><table>
          <thead><tr>${columns.map((c) => html`<th scope="col">${t(c.label)}</th>`)}<th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${list.data.items.map(
            (item) => html`<tr>
              ${columns.map((c, i) => html`<td>${i === 0 && rowLink ? html`<a href=${rowLink(item)}>${c.render(item, list.data.extra)}</a>` : c.render(item, list.data.extra)}</td>`)}
              <td class="row-actions">${admin
                ? html`<button type="button" class="secondary" onClick=${() => { setSaved(''); setEditing(item); }}>${t('common.edit')}</button>
                    <button type="button" class="secondary" onClick=${() => remove(item)}>${t('common.delete')}</button>`
                : null}</td>
            </tr>`,
          )}</tbody>
        </table><//>`
      : null}
    ${editing
      ? html`<${Modal} title=${t(editing.id ? 'common.edit' : 'common.add')} onClose=${() => { setAsking(null); setEditing(null); }}>
          ${asking
            ? html`<${conflict.Component} item=${editing} body=${asking.body} error=${asking.error} path=${path} onDone=${done} onBack=${() => setAsking(null)} />`
            : html`<${ResourceForm} fields=${resolvedFields} initial=${asking?.body ? { ...editing, ...asking.body } : editing}
            onSubmit=${async (body) => {
              try {
                if (editing.id) await api.patch(`${path}/${editing.id}`, body);
                else await api.post(path, body);
              } catch (e) {
                if (editing.id && e.status === 409 && conflict?.when(editing, body, e)) return setAsking({ body, error: e });
                throw e;
              }
              done();
            }} />`}
        <//>`
      : null}
  </section>`;
}
