// Booking from free time in the calendar: the "New booking" pop-over takes
// a patient and a service for the staff member and time that were clicked
// (or chosen from the free-time list by keyboard) and books; the full
// "Create Booking" wizard is one click away with the same staff and time.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Modal, ErrorBox, Loading, Select, useAsync, useSubmit } from '../lib/ui.js';
import { href } from '../lib/router.js';
import { dateOf, timeOf, wall, longDate, clock } from '../lib/time.js';
import { t, locale, money, digits } from '../i18n/index.js';
import { byId } from './data.js';
import { PatientSearch } from './patient_picker.js';
import { GroupEventForm } from './group_events.js';

const mins = (w) => +w.slice(11, 13) * 60 + +w.slice(14, 16);
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The free stretches of one staff member's day: shifts less every live
 * booking, appointment and time off, as [{start, end}] wall times "HH:MM".
 */
export function freeStretches(member, date, now) {
  if (now && date && date < now.slice(0, 10)) return [];
  const notBefore = now && date === now.slice(0, 10) ? Math.ceil(mins(now) / 5) * 5 : 0;
  const busy = (member.events || [])
    .filter((e) => e.status !== 'cancelled')
    .map((e) => [mins(wall(e.start)), dateOf(e.end) > dateOf(e.start) ? 24 * 60 : mins(wall(e.end))])
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const s of member.shifts || []) {
    let from = Math.max(notBefore, mins(wall(s.start)));
    const to = dateOf(s.end) > dateOf(s.start) ? 24 * 60 : mins(wall(s.end));
    for (const [bs, be] of busy) {
      if (be <= from || bs >= to) continue;
      if (bs > from) out.push({ start: hhmm(from), end: hhmm(bs) });
      from = Math.max(from, be);
    }
    if (to - from >= 5) out.push({ start: hhmm(from), end: hhmm(to) });
  }
  return out.filter((f) => mins('0000-00-00T' + f.end) - mins('0000-00-00T' + f.start) >= 5);
}

/** Whether wall time "HH:MM" on that member's day lies in a free stretch. */
export function isFreeAt(member, time, date, now) {
  const m = mins('0000-00-00T' + time);
  return freeStretches(member, date, now).some((f) => mins('0000-00-00T' + f.start) <= m && m < mins('0000-00-00T' + f.end));
}

/** Keyboard and screen-reader way into free time: one button per free stretch. */
export function FreeTimeList({ day, now, onPick }) {
  const staff = day.staff.map((m) => ({ m, free: freeStretches(m, day.date, now) })).filter((x) => (x.m.shifts || []).length);
  return html`<section class="card free-time" aria-labelledby="free-h">
    <h2 id="free-h">${t('cal.free_time')}</h2>
    <p class="muted">${t('cal.free_time_hint')}</p>
    ${staff.length
      ? html`<div class="free-grid">${staff.map(
          ({ m, free }) => html`<div class="free-staff" data-staff=${m.id}>
            <h3>${m.name}</h3>
            ${free.length
              ? html`<ul class="free-list">${free.map(
                  (f) => html`<li><button type="button" class="secondary"
                    onClick=${(e) => onPick({ staffId: m.id, time: f.start, from: e.currentTarget })}><span class="visually-hidden">${t('cal.free_button_label', { name: m.name })} </span>${digits(f.start)}–${digits(f.end)}</button></li>`,
                )}</ul>`
              : html`<p class="muted">${t('cal.fully_booked')}</p>`}
          </div>`,
        )}</div>`
      : html`<p class="muted">${t('cal.nobody_working')}</p>`}
  </section>`;
}

/** The week view's free time: one staff member, day by day. */
export function FreeTimeWeek({ days, staffId, now, onPick }) {
  const rows = days
    .map((d) => ({ date: d.date, m: d.staff.find((x) => String(x.id) === String(staffId)) }))
    .filter((r) => r.m && (r.m.shifts || []).length);
  return html`<section class="card free-time" aria-labelledby="free-h">
    <h2 id="free-h">${t('cal.free_time')}</h2>
    <p class="muted">${t('cal.free_time_hint')}</p>
    ${rows.length
      ? html`<div class="free-grid">${rows.map(({ date, m }) => {
          const free = freeStretches(m, date, now);
          return html`<div class="free-staff" data-date=${date}>
            <h3>${longDate(date, locale())}</h3>
            ${free.length
              ? html`<ul class="free-list">${free.map(
                  (f) => html`<li><button type="button" class="secondary" onClick=${() => onPick({ staffId: m.id, date, time: f.start })}>
                    <span class="visually-hidden">${t('cal.free_button_label', { name: `${m.name}, ${longDate(date, locale())}` })} </span>${digits(f.start)}–${digits(f.end)}</button></li>`,
                )}</ul>`
              : html`<p class="muted">${t('cal.fully_booked')}</p>`}
          </div>`;
        })}</div>`
      : html`<p class="muted">${t('cal.nobody_working')}</p>`}
  </section>`;
}

/**
 * What a click on free time can make, by the clinic's appointment mode:
 * a booking (individual), a group event of a group service (group), or
 * either, chosen first (mixed).
 */
export function freeTimeKinds(settings) {
  const mode = settings?.appointment_mode || 'individual';
  return mode === 'mixed' ? ['booking', 'group'] : mode === 'group' ? ['group'] : ['booking'];
}

export function QuickBook({ refs, date, time, staffId, locationId, onClose, onBooked, onGroupCreated }) {
  const kinds = freeTimeKinds(refs.settings);
  const [kind, setKind] = useState(kinds[0]);
  const member = byId(refs.staff, staffId);
  const title = kinds.length === 1 && kinds[0] === 'group' ? t('group.new') : t('cal.new_booking');
  return html`<${Modal} title=${title} onClose=${onClose}>
    ${kinds.length > 1
      ? html`<fieldset class="kind-choice">
          <legend>${t('quick.kind')}</legend>
          ${kinds.map((k) => html`<label class="choice-inline">
            <input type="radio" name="quick-kind" value=${k} checked=${kind === k} onChange=${() => setKind(k)} />
            ${t('quick.kind_' + k)}</label>`)}
        </fieldset>`
      : null}
    ${kind === 'group'
      ? html`<p class="quick-when"><strong>${member?.name}</strong> · ${longDate(date, locale())}, ${digits(time)}</p>
          <${GroupEventForm} refs=${refs} staffId=${staffId} date=${date} time=${time} locationId=${locationId} compact
            onSaved=${(r, n) => onGroupCreated?.(r, n)} />`
      : html`<${QuickBooking} refs=${refs} date=${date} time=${time} staffId=${staffId} locationId=${locationId} onClose=${onClose} onBooked=${onBooked} />`}
  <//>`;
}

function QuickBooking({ refs, date, time, staffId, locationId, onClose, onBooked }) {
  const { settings } = refs;
  const member = byId(refs.staff, staffId);
  const services = refs.services.filter(
    (s) => (s.capacity || 1) <= 1 && (!settings.assign_services_to_staff || (member?.service_ids || []).includes(s.id)),
  );
  const [serviceId, setServiceId] = useState(services.length === 1 ? String(services[0].id) : '');
  const [patient, setPatient] = useState(null);
  const [newPatient, setNewPatient] = useState(null);
  const [start, setStart] = useState(time);
  const cur = settings.currency;

  // The times this service can start with this staff member on this day.
  const avail = useAsync(
    () => (serviceId ? api.get('/availability', { service_ids: serviceId, staff_id: staffId, location_id: locationId, from: date, to: date }) : null),
    [serviceId],
  );
  const slots = avail.data?.slots || [];
  const chosen = slots.find((s) => timeOf(s.start) === start);
  const near = chosen
    ? []
    : slots
        .map((s) => ({ s, d: Math.abs(mins(wall(s.start)) - mins('0000-00-00T' + start)) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 4)
        .map((x) => x.s)
        .sort((a, b) => a.start.localeCompare(b.start));

  const patientOk = !!patient || !!(newPatient && newPatient.name.trim() && newPatient.phone.trim());
  const { submit, busy, error } = useSubmit(async () => {
    const body = { staff_id: Number(staffId), service_ids: [Number(serviceId)], start: chosen.start };
    if (patient) body.patient_id = patient.id;
    else {
      body.patient = { name: newPatient.name.trim(), phone: newPatient.phone.trim() };
      if (newPatient.email.trim()) body.patient.email = newPatient.email.trim();
      if (newPatient.password) body.patient.password = newPatient.password;
    }
    const b = await api.post('/bookings', body);
    onBooked(b, patient?.name || newPatient?.name);
  });

  const wizard = href('/booking/new', { staff_id: staffId, date, time: start, location_id: locationId, service_id: serviceId || undefined });
  return html`<form class="quick-book" onSubmit=${submit}>
      <p class="quick-when"><strong>${member?.name}</strong> · ${longDate(date, locale())}, ${digits(start)}</p>
      <${ErrorBox} error=${error} />
      <${Select} label=${t('quick.service')} value=${serviceId} onChange=${setServiceId} placeholder=${t('quick.pick_service')} required
        options=${services.map((s) => ({ value: s.id, label: `${s.name} · ${t('common.minutes', { n: s.duration_min })} · ${money(s.price, cur)}` }))} />
      ${serviceId && avail.loading ? html`<${Loading} />` : null}
      ${serviceId && avail.data && !chosen
        ? html`<div class="warn-box" role="status">
            <p>${slots.length ? t('quick.not_free', { time: start }) : t('quick.no_time_today')}</p>
            ${near.length
              ? html`<div class="slots" role="group" aria-label=${t('quick.nearest')}>${near.map(
                  (s) => html`<button type="button" class="secondary" onClick=${() => setStart(timeOf(s.start))}>${clock(s.start)}</button>`,
                )}</div>`
              : null}
          </div>`
        : null}
      <${ErrorBox} error=${avail.error} />
      <${PatientSearch} selected=${patient} onSelect=${(p) => { setPatient(p); setNewPatient(null); }} compact
        allowNew newPatient=${newPatient} onNewPatient=${(p) => { setNewPatient(p); if (p) setPatient(null); }} />
      <div class="actions">
        <button type="submit" disabled=${busy || !chosen || !patientOk}>${busy ? t('wizard.booking') : t('quick.book')}</button>
        <a class="button secondary" href=${wizard} onClick=${onClose}>${t('quick.full_wizard')}</a>
      </div>
    </form>`;
}
