// One staff member: the weekly shift pattern (PUT /staff/{id}/shifts) and
// time off.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, useSubmit, TableWrap, ZoneNote } from '../lib/ui.js';
import { dateOf, timeOf, zoned, clock, dayOf } from '../lib/time.js';
import { t } from '../i18n/index.js';
import { loadRefs, byId, clinicZone, invalidateRefs } from './data.js';

export function StaffDetailPage({ params, user }) {
  const id = params.id;
  const data = useAsync(async () => {
    const [refs, member, shifts, timeOff] = await Promise.all([
      loadRefs(),
      api.get(`/staff/${id}`),
      api.get(`/staff/${id}/shifts`),
      api.get(`/staff/${id}/time-off`),
    ]);
    return { refs, member, shifts: shifts.shifts || [], timeOff: timeOff.items || [] };
  }, [id]);
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, member, shifts, timeOff } = data.data;
  const admin = user.role === 'admin';
  return html`<section>
    <div class="page-head"><h1>${member.name}</h1><a class="button secondary" href="#/staff">${t('common.back')}</a></div>
    <${ShiftEditor} id=${id} refs=${refs} initial=${shifts} admin=${admin} onSaved=${data.reload} />
    <${TimeOff} id=${id} refs=${refs} items=${timeOff} admin=${admin} onSaved=${data.reload} />
  </section>`;
}

function ShiftEditor({ id, refs, initial, admin, onSaved }) {
  const [rows, setRows] = useState(initial.map((s) => ({ ...s })));
  const [saved, setSaved] = useState(false);
  const update = (i, k, v) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: k === 'weekday' || k === 'location_id' ? Number(v) : v } : r)));
  const { submit: save, error } = useSubmit(async () => {
    setSaved(false);
    await api.put(`/staff/${id}/shifts`, { shifts: rows });
    invalidateRefs();
    setSaved(true);
    onSaved();
  });
  const days = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t('weekday.' + d) }));
  const locs = refs.locations.map((l) => ({ value: l.id, label: l.name }));
  return html`<form class="card" onSubmit=${save} aria-labelledby="shifts-h">
    <h2 id="shifts-h">${t('staff.shifts')}</h2>
    <p class="muted">${t('staff.shifts_hint')}</p>
    <${ErrorBox} error=${error} />
    ${saved ? html`<div class="ok-box" role="status">${t('common.saved')}</div>` : null}
    <${TableWrap}><table class="shift-table stack">
      <thead><tr><th scope="col">${t('staff.weekday')}</th><th scope="col">${t('staff.start')}</th><th scope="col">${t('staff.end')}</th><th scope="col">${t('cal.location')}</th><th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
      <tbody>${rows.map(
        (r, i) => html`<tr>
          <td data-label=${t('staff.weekday')}><select aria-label=${t('staff.weekday_n', { n: i + 1 })} value=${r.weekday} disabled=${!admin} onChange=${(e) => update(i, 'weekday', e.currentTarget.value)}>
            ${days.map((d) => html`<option value=${d.value} selected=${d.value === r.weekday}>${d.label}</option>`)}</select></td>
          <td data-label=${t('staff.start')}><input type="time" aria-label=${t('staff.start_n', { n: i + 1 })} value=${r.start} disabled=${!admin} onInput=${(e) => update(i, 'start', e.currentTarget.value)} /></td>
          <td data-label=${t('staff.end')}><input type="time" aria-label=${t('staff.end_n', { n: i + 1 })} value=${r.end} disabled=${!admin} onInput=${(e) => update(i, 'end', e.currentTarget.value)} /></td>
          <td data-label=${t('cal.location')}><select aria-label=${t('staff.location_n', { n: i + 1 })} value=${r.location_id} disabled=${!admin} onChange=${(e) => update(i, 'location_id', e.currentTarget.value)}>
            ${locs.map((l) => html`<option value=${l.value} selected=${l.value === r.location_id}>${l.label}</option>`)}</select></td>
          <td class="row-actions">${admin ? html`<button type="button" class="secondary" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>${t('common.delete')}</button>` : null}</td>
        </tr>`,
      )}</tbody>
    </table><//>
    ${admin
      ? html`<div class="actions">
          <button type="button" class="secondary" onClick=${() => setRows([...rows, { weekday: 1, start: '09:00', end: '17:00', location_id: refs.locations[0]?.id }])}>${t('staff.add_shift')}</button>
          <button type="submit">${t('staff.save_shifts')}</button>
        </div>`
      : null}
  </form>`;
}

function TimeOff({ id, refs, items, admin, onSaved }) {
  const tz = clinicZone(refs, refs.locations[0]?.id);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const { submit: add, error, setError } = useSubmit(async () => {
    await api.post(`/staff/${id}/time-off`, { start: zoned(from, tz), end: zoned(to, tz), reason });
    setFrom('');
    setTo('');
    setReason('');
    onSaved();
  });
  async function remove(item) {
    setError(null);
    try {
      await api.del(`/staff/${id}/time-off/${item.id}`);
      onSaved();
    } catch (err) {
      setError(err);
    }
  }
  return html`<section class="card" aria-labelledby="timeoff-h">
    <h2 id="timeoff-h">${t('staff.time_off')}</h2>
    <${ZoneNote} tz=${tz} />
    <${ErrorBox} error=${error} />
    ${items.length
      ? html`<ul>${items.map((x) => html`<li>${dayOf(x.start)} ${clock(x.start)} – ${dayOf(x.end)} ${clock(x.end)} ${x.reason ? `· ${x.reason}` : ''}
          ${admin ? html` <button type="button" class="link" onClick=${() => remove(x)}>${t('common.delete')}</button>` : null}</li>`)}</ul>`
      : html`<p class="muted">${t('staff.no_time_off')}</p>`}
    ${admin
      ? html`<form onSubmit=${add}><div class="form-grid">
          <${Input} label=${t('staff.from')} type="datetime-local" required value=${from} onInput=${setFrom} />
          <${Input} label=${t('staff.until')} type="datetime-local" required value=${to} onInput=${setTo} />
          <${Input} label=${t('booking.cancel_reason')} value=${reason} onInput=${setReason} />
        </div><button type="submit">${t('staff.add_time_off')}</button></form>`
      : null}
  </section>`;
}
