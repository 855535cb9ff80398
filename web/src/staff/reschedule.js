// Rescheduling a booking picks from its services' free times, with the same
// picker as "Create Booking" (booking_wizard.js), and asks whether the
// patient is told of the new time by e-mail.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Checkbox, ErrorBox, Select, useSubmit, ZoneNote } from '../lib/ui.js';
import { clock, dateOf } from '../lib/time.js';
import { t } from '../i18n/index.js';
import { SlotPicker } from './booking_wizard.js';

export function BookingReschedule({ item, refs, tz, onDone }) {
  const serviceIds = item.service_ids || [];
  const assigned = (s) => !refs.settings.assign_services_to_staff || serviceIds.every((id) => (s.service_ids || []).includes(id));
  const staff = refs.staff.filter((s) => s.bookable !== false && assigned(s));
  const [staffId, setStaffId] = useState(item.staff_id);
  const [date, setDate] = useState(dateOf(item.start));
  const [slot, setSlot] = useState(null);
  const [notify, setNotify] = useState(true);
  const locationId = item.location_id || refs.locations[0]?.id;
  const { submit: save, busy, error } = useSubmit(async () => {
    await api.patch(`/bookings/${item.id}`, { start: slot.start, staff_id: slot.staff_id || staffId, notify_patient: notify });
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${save}>
    <h3>${t('booking.reschedule')}</h3>
    <${ZoneNote} tz=${tz} />
    <div class="form-grid">
      <${Select} label=${t('booking.staff')} value=${staffId} onChange=${(v) => { setStaffId(Number(v)); setSlot(null); }}
        options=${staff.map((s) => ({ value: s.id, label: s.name }))} />
    </div>
    <${SlotPicker} serviceIds=${serviceIds} staffId=${staffId} locationId=${locationId} date=${date}
      setDate=${(d) => { setDate(d); setSlot(null); }} slot=${slot} setSlot=${setSlot} />
    <${Checkbox} label=${t('move.notify')} checked=${notify} onChange=${setNotify} />
    <${ErrorBox} error=${error} />
    <div class="actions">
      <button type="submit" disabled=${busy || !slot}>${slot ? t('move.save_at', { time: clock(slot.start) }) : t('move.pick_time')}</button>
    </div>
  </form>`;
}
