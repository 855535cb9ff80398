// "Create Booking": service -> staff member -> date and time from real
// availability -> patient (existing or "+ Patient") -> notes ->
// "Complete Reservation" -> confirmation with all details.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Textarea, useSubmit, ZoneNote } from '../lib/ui.js';
import { href } from '../lib/router.js';
import { addDays, dateOf, timeOf, todayIn, longDate, clock } from '../lib/time.js';
import { t, locale, money } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';
import { PatientSearch, newPatientProblems } from './patient_picker.js';
import { availabilityWithSeats, isFull, slotLabel } from '../lib/seats.js';

const STEPS = ['service', 'staff', 'datetime', 'patient', 'notes'];

export function BookingWizardPage({ params }) {
  const refs = useAsync(() => loadRefs(), []);
  if (refs.error) return html`<${ErrorBox} error=${refs.error} />`;
  if (!refs.data) return html`<${Loading} />`;
  return html`<${Wizard} key=${JSON.stringify(params)} refs=${refs.data} params=${params} />`;
}

function Wizard({ refs, params }) {
  const { settings } = refs;
  const single = settings.book_one_service_only || settings.assign_services_to_staff;
  const locationId = params.location_id || refs.locations[0]?.id;
  const tz = clinicZone(refs, locationId);
  const [step, setStep] = useState(0);
  const [serviceIds, setServiceIds] = useState(params.service_id ? [Number(params.service_id)] : []);
  const [staffId, setStaffId] = useState(params.staff_id ? Number(params.staff_id) : null);
  const [date, setDate] = useState(params.date || todayIn(tz));
  const [slot, setSlot] = useState(null);
  const [patient, setPatient] = useState(null);
  const [newPatient, setNewPatient] = useState(null);
  const [notes, setNotes] = useState('');
  const [booking, setBooking] = useState(null);
  const [reveal, setReveal] = useState(false);
  const headRef = useRef(null);
  // Moving between steps takes focus to the new step's heading (not on load).
  const moved = useRef(false);
  useEffect(() => {
    if (moved.current) headRef.current?.focus();
    moved.current = true;
  }, [step]);

  const services = serviceIds.map((id) => byId(refs.services, id)).filter(Boolean);
  const staffOk = (s) => s.bookable !== false && (!settings.assign_services_to_staff || serviceIds.every((id) => (s.service_ids || []).includes(id)));
  const staff = refs.staff.filter(staffOk);
  const ready = [
    services.length > 0,
    !!staffId && staff.some((s) => s.id === staffId),
    !!slot,
    !!patient || (newPatient && newPatient.name.trim() && newPatient.phone.trim()),
    true,
  ];

  function toggleService(id) {
    setSlot(null);
    if (single) setServiceIds([id]);
    else setServiceIds(serviceIds.includes(id) ? serviceIds.filter((x) => x !== id) : [...serviceIds, id]);
  }

  const { submit: complete, busy, error, setError } = useSubmit(async () => {
    // A seat in a group event is booked by the event; other times by staff, services and start.
    const body = slot.group_event_id ? { group_event_id: slot.group_event_id, notes } : { staff_id: staffId, service_ids: serviceIds, start: slot.start, notes };
    if (patient) body.patient_id = patient.id;
    else {
      body.patient = { name: newPatient.name.trim(), phone: newPatient.phone.trim() };
      if (newPatient.email.trim()) body.patient.email = newPatient.email.trim();
      if (newPatient.password) body.patient.password = newPatient.password;
    }
    setBooking(await api.post('/bookings', body));
  });

  // The server's word on the new patient belongs beside their fields, on their step.
  const patientFields = (error?.errors || []).map((f) => f.field).filter((f) => f.startsWith('patient'));
  useEffect(() => {
    if (patientFields.length) setStep(STEPS.indexOf('patient'));
  }, [error]);

  if (booking) return html`<${Confirmation} booking=${booking} refs=${refs} />`;

  const next = () => {
    // The patient's details are checked on their own step, not at the last one.
    if (STEPS[step] === 'patient' && !patient && Object.keys(newPatientProblems(newPatient)).length) return setReveal(true);
    setError(null);
    setStep(step + 1);
  };
  return html`<section class="wizard">
    <div class="page-head"><h1>${t('nav.create_booking')}</h1></div>
    <${ZoneNote} tz=${tz} />
    <ol class="steps">
      ${STEPS.map((s, i) => html`<li aria-current=${i === step ? 'step' : undefined} class=${i < step ? 'done' : ''}>${t('wizard.step_' + s)}</li>`)}
    </ol>
    <div class="wizard-layout">
      <div class="card">
        <h2 id="wizard-step" tabindex="-1" ref=${headRef}>${t('wizard.step_of', { n: step + 1, total: STEPS.length, name: t('wizard.step_' + STEPS[step]) })}</h2>
        <${ErrorBox} error=${error} shown=${STEPS[step] === 'patient' ? patientFields : []} />
        ${step === 0 ? html`<${ServiceStep} refs=${refs} selected=${serviceIds} single=${single} onToggle=${toggleService} />` : null}
        ${step === 1 ? html`<${StaffStep} staff=${staff} selected=${staffId} onSelect=${(id) => { setStaffId(id); setSlot(null); }} />` : null}
        ${step === 2
          ? html`<${SlotPicker} serviceIds=${serviceIds} services=${services} staffId=${staffId} locationId=${locationId} date=${date} setDate=${setDate}
              slot=${slot} setSlot=${setSlot} wantTime=${params.time} />`
          : null}
        ${step === 3
          ? html`<${PatientSearch} selected=${patient} onSelect=${(p) => { setPatient(p); setNewPatient(null); }}
              allowNew newPatient=${newPatient} onNewPatient=${(p) => { setNewPatient(p); if (p) setPatient(null); }}
              errors=${error} reveal=${reveal} />`
          : null}
        ${step === 4
          ? html`<${Textarea} label=${t('field.notes')} value=${notes} onInput=${setNotes} />`
          : null}
        <div class="actions">
          ${step > 0 ? html`<button type="button" class="secondary" onClick=${() => setStep(step - 1)}>${t('common.back')}</button>` : null}
          ${step < STEPS.length - 1
            ? html`<button type="button" disabled=${!ready[step]} onClick=${next}>${t('wizard.next')}</button>`
            : html`<button type="button" disabled=${busy || !ready.every(Boolean)} onClick=${complete}>${busy ? t('wizard.booking') : t('wizard.complete')}</button>`}
        </div>
      </div>
      <${Summary} refs=${refs} services=${services} staffId=${staffId} slot=${slot} patient=${patient || newPatient} />
    </div>
  </section>`;
}

function ServiceStep({ refs, selected, single, onToggle }) {
  const cur = refs.settings.currency;
  return html`<fieldset>
    <legend>${t('wizard.pick_service')}${single ? '' : ` (${t('wizard.one_or_more')})`}</legend>
    <ul class="choices">
      ${refs.services.map(
        (s) => html`<li><label class="choice">
          <input type=${single ? 'radio' : 'checkbox'} name="service" checked=${selected.includes(s.id)} onChange=${() => onToggle(s.id)} />
          <span><strong>${s.name}</strong><br /><span class="meta">${[s.category, t('common.minutes', { n: s.duration_min }), money(s.price, cur)].filter(Boolean).join(' · ')}</span></span>
        </label></li>`,
      )}
    </ul>
  </fieldset>`;
}

function StaffStep({ staff, selected, onSelect }) {
  if (!staff.length) return html`<p class="warn-box">${t('wizard.no_staff')}</p>`;
  return html`<fieldset>
    <legend>${t('wizard.pick_staff')}</legend>
    <ul class="choices">
      ${staff.map(
        (s) => html`<li><label class="choice">
          <input type="radio" name="staff" checked=${selected === s.id} onChange=${() => onSelect(s.id)} />
          <span><strong>${s.name}</strong></span>
        </label></li>`,
      )}
    </ul>
  </fieldset>`;
}

/** Free times of the services with a staff member on a date, as buttons; also rescheduling's picker (reschedule.js). */
export function SlotPicker({ serviceIds, services = [], staffId, locationId, date, setDate, slot, setSlot, wantTime }) {
  const avail = useAsync(
    () => availabilityWithSeats({ service_ids: serviceIds, staff_id: staffId, location_id: locationId, from: date, to: date }, services, date),
    [date, staffId, serviceIds.join()],
  );
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState(null);
  const slots = avail.data?.slots || [];

  useEffect(() => {
    if (!slot && wantTime && slots.length) {
      const s = slots.find((x) => timeOf(x.start) === wantTime && !isFull(x));
      if (s) setSlot(s);
    }
  }, [avail.data]);

  async function nextFree() {
    setSearching(true);
    setError(null);
    try {
      const from = addDays(date, 1);
      const r = await api.get('/availability', { service_ids: serviceIds, staff_id: staffId, location_id: locationId, from, to: addDays(from, 30) });
      if (r.slots?.length) {
        setSlot(null);
        setDate(dateOf(r.slots[0].start));
      } else setError({ detail: t('wizard.no_free_days') });
    } catch (e) {
      setError(e);
    } finally {
      setSearching(false);
    }
  }

  return html`<div>
    <div class="form-grid">
      <${Input} label=${t('field.date')} type="date" value=${date} onInput=${(v) => { if (v) { setDate(v); setSlot(null); } }} />
    </div>
    <${ErrorBox} error=${avail.error || error} />
    ${avail.loading ? html`<${Loading} />` : null}
    ${!avail.loading && avail.data
      ? slots.length
        ? html`<fieldset><legend>${t('wizard.free_times', { date: longDate(date, locale()), min: avail.data.duration_min })}</legend>
            <div class="slots">
              ${slots.map(
                (s) => html`<button type="button" class="${slot?.start === s.start ? '' : 'secondary'} ${s.group_event_id ? 'seat-slot' : ''}"
                  aria-pressed=${slot?.start === s.start} disabled=${isFull(s)} onClick=${() => setSlot(s)}>${slotLabel(s)}</button>`,
              )}
            </div></fieldset>`
        : html`<p class="muted">${t('wizard.no_slots')}</p>`
      : null}
    <button type="button" class="link" disabled=${searching} onClick=${nextFree}>${t('wizard.next_free_day')}</button>
  </div>`;
}

function Summary({ refs, services, staffId, slot, patient }) {
  const cur = refs.settings.currency;
  const total = services.reduce((a, s) => a + (s.price || 0), 0);
  const minutes = services.reduce((a, s) => a + (s.duration_min || 0), 0);
  return html`<aside class="card summary" aria-label=${t('wizard.summary')}>
    <h2>${t('wizard.summary')}</h2>
    <dl class="details">
      <dt>${t('booking.services')}</dt><dd>${services.length ? services.map((s) => s.name).join(', ') : t('common.none')}</dd>
      <dt>${t('wizard.duration')}</dt><dd>${minutes ? t('common.minutes', { n: minutes }) : t('common.none')}</dd>
      <dt>${t('wizard.price')}</dt><dd>${money(total, cur)}</dd>
      <dt>${t('booking.staff')}</dt><dd>${byId(refs.staff, staffId)?.name || t('common.none')}</dd>
      <dt>${t('booking.when')}</dt><dd>${slot ? `${longDate(dateOf(slot.start), locale())} ${clock(slot.start)}` : t('common.none')}</dd>
      ${slot?.group_event_id ? html`<dt>${t('group.seats_col')}</dt><dd>${t('seats.left', { n: Number(slot.seats_left) })}</dd>` : null}
      <dt>${t('booking.patient')}</dt><dd>${patient?.name || t('common.none')}</dd>
    </dl>
  </aside>`;
}

function Confirmation({ booking: b, refs }) {
  const cur = refs.settings.currency;
  const services = (b.service_ids || []).map((id) => byId(refs.services, id)).filter(Boolean);
  return html`<section class="card confirmation" aria-labelledby="confirm-title">
    <h1 id="confirm-title">${t('wizard.confirmed')}</h1>
    <p class="ok-box" role="status">${t('wizard.confirmed_text', { id: b.id })}</p>
    <dl class="details">
      <dt>${t('booking.number')}</dt><dd>#${b.id}</dd>
      <dt>${t('booking.patient')}</dt><dd>${b.patient?.name || `#${b.patient_id}`}</dd>
      <dt>${t('booking.services')}</dt><dd>${services.map((s) => s.name).join(', ')}</dd>
      <dt>${t('booking.staff')}</dt><dd>${byId(refs.staff, b.staff_id)?.name}</dd>
      <dt>${t('booking.when')}</dt><dd>${longDate(dateOf(b.start), locale())}, ${clock(b.start)}–${clock(b.end)}</dd>
      <dt>${t('wizard.price')}</dt><dd>${money(services.reduce((a, s) => a + (s.price || 0), 0), cur)}</dd>
      <dt>${t('booking.status')}</dt><dd><span class="badge ${b.status}">${t('status.' + b.status)}</span></dd>
      <dt>${t('booking.payment')}</dt><dd><span class="badge ${b.payment_status}">${t('payment.' + b.payment_status)}</span>${b.invoice_id ? ` · ${t('wizard.invoice', { id: b.invoice_id })}` : ''}</dd>
      <dt>${t('field.notes')}</dt><dd>${b.notes || t('common.none')}</dd>
    </dl>
    <div class="actions">
      <a class="button" href=${href('/calendar', { date: dateOf(b.start) })}>${t('wizard.to_calendar')}</a>
      <a class="button secondary" href=${href('/booking/new', { n: b.id })}>${t('nav.create_booking')}</a>
    </div>
  </section>`;
}
