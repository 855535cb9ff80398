// "Appointments": the booked appointments with their details, and "New Appointment".
import { listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, TableWrap, ZoneNote } from '../lib/ui.js';
import { navigate } from '../lib/router.js';
import { addDays, dateOf, timeOf, todayIn, longDate, clock } from '../lib/time.js';
import { t, locale } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';

export function AppointmentsPage({ params }) {
  const data = useAsync(async () => {
    const refs = await loadRefs();
    const today = todayIn(clinicZone(refs, refs.locations[0]?.id));
    const from = params.from || today;
    const to = params.to || addDays(today, 30);
    const items = await listAll('/appointments', { from, to });
    items.sort((a, b) => a.start.localeCompare(b.start));
    return { refs, items, from, to, tz: clinicZone(refs, refs.locations[0]?.id) };
  }, [params.from, params.to]);
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, items, from, to, tz } = data.data;
  return html`<section>
    <div class="page-head"><h1>${t('nav.appointments')}</h1><a class="button" href="#/appointments/new">${t('nav.new_appointment')}</a></div>
    <${ZoneNote} tz=${tz} />
    <form class="card" role="search" onSubmit=${(e) => e.preventDefault()}><div class="form-grid">
      <${Input} label=${t('bookings.from')} type="date" value=${from} onInput=${(v) => navigate('/appointments', { from: v, to })} />
      <${Input} label=${t('bookings.to')} type="date" value=${to} onInput=${(v) => navigate('/appointments', { from, to: v })} />
    </div></form>
    ${items.length
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('booking.when')}</th><th scope="col">${t('booking.patient')}</th><th scope="col">${t('appt.action')}</th>
            <th scope="col">${t('booking.staff')}</th><th scope="col">${t('booking.status')}</th><th scope="col">${t('field.notes')}</th></tr></thead>
          <tbody>${items.map((a) => html`<tr><td>${longDate(dateOf(a.start), locale())}<br /><span class="muted">${clock(a.start)}–${clock(a.end)}</span></td>
            <td><a href="#/patients/${a.patient_id}">${a.patient?.name}</a></td><td>${a.action_name || t('common.none')}</td>
            <td>${byId(refs.staff, a.staff_id)?.name || t('common.none')}</td><td><span class="badge ${a.status}">${t('status.' + a.status)}</span></td><td>${a.notes}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('appt.none')}</p>`}
  </section>`;
}
