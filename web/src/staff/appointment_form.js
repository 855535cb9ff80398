// "New Appointment": patient, date and time, duration, action, notes, and
// the three options: share with the patient, recurring until a date,
// assign to a staff member. Any time and any staff member are allowed;
// overlaps come back as warnings.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, Textarea, Checkbox, useSubmit, ZoneNote } from '../lib/ui.js';
import { href } from '../lib/router.js';
import { dateOf, timeOf, todayIn, zoned, longDate, clock, dayOf } from '../lib/time.js';
import { t, locale } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';
import { PatientSearch } from './patient_picker.js';
import { useRecurrence, RecurrenceFields } from './recurrence.js';

export function AppointmentFormPage({ params }) {
  const refs = useAsync(() => loadRefs(), []);
  if (refs.error) return html`<${ErrorBox} error=${refs.error} />`;
  if (!refs.data) return html`<${Loading} />`;
  return html`<${AppointmentForm} key=${JSON.stringify(params)} refs=${refs.data} params=${params} />`;
}

function AppointmentForm({ refs, params }) {
  const tz = clinicZone(refs, refs.locations[0]?.id);
  const [patient, setPatient] = useState(null);
  const [date, setDate] = useState(params.date || todayIn(tz));
  const [time, setTime] = useState(params.time || '09:00');
  const [duration, setDuration] = useState('30');
  const [actionId, setActionId] = useState(String(refs.actions[0]?.id || ''));
  const [notes, setNotes] = useState('');
  const [share, setShare] = useState(false);
  const rec = useRecurrence();
  const [assign, setAssign] = useState(!!params.staff_id);
  const [staffId, setStaffId] = useState(String(params.staff_id || refs.staff[0]?.id || ''));
  const [result, setResult] = useState(null);

  const { submit: save, busy, error } = useSubmit(async () => {
    if (!patient) throw { detail: t('appt.need_patient') };
    const body = {
      patient_id: patient.id,
      start: zoned(`${date}T${time}`, tz),
      duration_min: Number(duration),
      notes,
      share_with_patient: share,
    };
    if (actionId) body.action_id = Number(actionId);
    if (assign && staffId) body.staff_id = Number(staffId);
    if (rec.recurring) body.recurrence = rec.value();
    setResult(await api.post('/appointments', body));
  });

  if (result) return html`<${Saved} result=${result} patient=${patient} />`;
  const fe = (f) => error?.fieldError?.(f) || '';
  return html`<section>
    <div class="page-head"><h1>${t('nav.new_appointment')}</h1></div>
    <${ZoneNote} tz=${tz} />
    <form class="card" onSubmit=${save}>
      <${ErrorBox} error=${error} />
      <h2>${t('booking.patient')}</h2>
      ${patient
        ? html`<p>${t('appt.patient_chosen', { name: patient.name })} <button type="button" class="link" onClick=${() => setPatient(null)}>${t('appt.change_patient')}</button></p>`
        : html`<${PatientSearch} selected=${patient} onSelect=${setPatient} />`}
      <div class="form-grid">
        <${Input} label=${t('field.date')} type="date" required value=${date} onInput=${setDate} error=${fe('start')} />
        <${Input} label=${t('field.time')} type="time" required step="300" value=${time} onInput=${setTime} />
        <${Input} label=${t('appt.duration')} type="number" min="5" max="1440" step="5" required value=${duration} onInput=${setDuration} error=${fe('duration_min')} />
        <${Select} label=${t('appt.action')} value=${actionId} onChange=${setActionId} placeholder=${t('common.none')}
          options=${refs.actions.map((a) => ({ value: a.id, label: a.name }))} />
      </div>
      <${Textarea} label=${t('field.notes')} value=${notes} onInput=${setNotes} />
      <${Checkbox} label=${t('appt.share')} checked=${share} onChange=${setShare} />
      <${RecurrenceFields} r=${rec} day=${date} fe=${fe} />
      <${Checkbox} label=${t('appt.assign')} checked=${assign} onChange=${setAssign} />
      ${assign
        ? html`<${Select} label=${t('booking.staff')} value=${staffId} onChange=${setStaffId}
            options=${refs.staff.map((s) => ({ value: s.id, label: s.name }))} />`
        : null}
      <div class="actions">
        <button type="submit" disabled=${busy}>${busy ? t('common.loading') : t('common.save')}</button>
        <a class="button secondary" href=${href('/calendar', { date })}>${t('common.cancel')}</a>
      </div>
    </form>
  </section>`;
}

function Saved({ result, patient }) {
  const occ = result.occurrences || [];
  return html`<section class="card" aria-labelledby="appt-saved">
    <h1 id="appt-saved">${t('appt.saved')}</h1>
    <p class="ok-box" role="status">${t('appt.saved_text', { n: occ.length, name: patient.name })}</p>
    ${(result.warnings || []).length
      ? html`<div class="warn-box" role="alert"><strong>${t('appt.warnings')}</strong><ul>
          ${result.warnings.map((w) => html`<li>${w.start ? `${dayOf(w.start)} ${clock(w.start)}: ` : ''}${w.message || String(w)}</li>`)}
        </ul></div>`
      : null}
    <h2>${t('appt.occurrences')}</h2>
    <ol class="occurrences">${occ.map((o) => html`<li>${longDate(dateOf(o.start), locale())}, ${clock(o.start)}–${clock(o.end)}</li>`)}</ol>
    <div class="actions">
      <a class="button" href=${href('/calendar', { date: dateOf(occ[0]?.start) })}>${t('wizard.to_calendar')}</a>
      <a class="button secondary" href=${href('/appointments/new', { n: result.id })}>${t('nav.new_appointment')}</a>
    </div>
  </section>`;
}
