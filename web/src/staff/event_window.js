// The window of one calendar event. A booking opens the visit window in
// three zones: staff, time, consumables and change history; status,
// services, products and payment; the patient with their visit history and
// invoices. Cancel, reschedule, take payment and "Login as Client" stay.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Modal, ErrorBox, Loading, useAsync, Input, Select, Textarea, useSubmit, ZoneNote } from '../lib/ui.js';
import { dateOf, timeOf, zoned, longDate, clock, dayOf } from '../lib/time.js';
import { t, locale, money, minorDigits } from '../i18n/index.js';
import { byId } from './data.js';
import { ConsumablesSection, ProductsSection, VisitPayment, PatientZone } from './visit_parts.js';
import { BookingReschedule } from './reschedule.js';
import { packageLine } from './packages.js';
import { GroupEventDetails } from './group_events.js';

async function loadBooking(id) {
  const [booking, history] = await Promise.all([api.get(`/bookings/${id}`), api.get(`/bookings/${id}/history`)]);
  let invoice = null;
  if (booking.invoice_id) invoice = await api.get(`/invoices/${booking.invoice_id}`).catch(() => null);
  return { booking, history: history.items || history, invoice };
}

export function EventWindow({ event, refs, tz, onClose, onChanged }) {
  const title = t(`kind.${event.kind}`);
  return html`<${Modal} title=${title} onClose=${onClose} wide>
    <${ZoneNote} tz=${tz} />
    ${event.kind === 'booking'
      ? html`<${BookingDetails} id=${event.id} refs=${refs} tz=${tz} onChanged=${onChanged} onClose=${onClose} />`
      : event.kind === 'appointment'
        ? html`<${AppointmentDetails} id=${event.id} refs=${refs} tz=${tz} onChanged=${onChanged} onClose=${onClose} />`
        : event.kind === 'group_event'
          ? html`<${GroupEventDetails} id=${event.id} refs=${refs} tz=${tz} onChanged=${onChanged} onClose=${onClose} />`
          : html`<p>${t('cal.time_off', { reason: '' })}</p>`}
  <//>`;
}

function when(start, end) {
  return `${longDate(dateOf(start), locale())}, ${clock(start)}–${clock(end)}`;
}

export function BookingDetails({ id, refs, tz, onChanged, onClose }) {
  const state = useAsync(() => loadBooking(id), [id]);
  const [mode, setMode] = useState('');
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  const { booking: b, history, invoice } = state.data;
  const services = (b.service_ids || []).map((sid) => byId(refs.services, sid)?.name || `#${sid}`);
  const done = () => {
    setMode('');
    state.reload();
    onChanged?.();
  };
  const active = b.status !== 'cancelled';
  const cur = refs.settings.currency;
  const minutes = Math.round((new Date(b.end) - new Date(b.start)) / 60000);
  // The visit window (seed 002) in three zones: the booking's settings on
  // the left, the work of the visit in the centre, the patient on the right.
  return html`<div class="event-window visit-window">
    <div class="visit-zone visit-left" aria-label=${t('visit.zone_left')} role="group">
      <dl class="details">
        <dt>${t('booking.staff')}</dt><dd>${byId(refs.staff, b.staff_id)?.name}</dd>
        <dt>${t('booking.when')}</dt><dd>${when(b.start, b.end)}</dd>
        <dt>${t('visit.duration')}</dt><dd>${t('common.minutes', { n: minutes })}</dd>
        <dt>${t('visit.repetition')}</dt><dd>${t('visit.no_repetition')}</dd>
        <dt>${t('visit.notifications')}</dt><dd>${t('visit.notifications_sent')}</dd>
        <dt>${t('booking.source')}</dt><dd>${t('source.' + b.source)}</dd>
        <dt>${t('field.notes')}</dt><dd>${b.notes || t('common.none')}</dd>
        <dt>${t('booking.number')}</dt><dd>#${b.id}</dd>
      </dl>
      ${active ? html`<button type="button" class="secondary" onClick=${() => setMode('reschedule')}>${t('booking.reschedule')}</button>` : null}
      ${mode === 'reschedule' ? html`<${BookingReschedule} item=${b} refs=${refs} tz=${tz} onDone=${done} />` : null}
      <${ConsumablesSection} booking=${b} onDone=${done} />
      <${History} items=${history} />
    </div>
    <div class="visit-zone visit-centre" aria-label=${t('visit.zone_centre')} role="group">
      <dl class="details">
        <dt>${t('booking.status')}</dt><dd><span class="badge ${b.status}">${t('status.' + b.status)}</span>${b.cancel_reason ? ` — ${b.cancel_reason}` : ''}</dd>
        <dt>${t('attendance.label')}</dt><dd><${AttendancePicker} kind="bookings" item=${b} onDone=${done} /></dd>
        <dt>${t('booking.services')}</dt><dd>${services.join(', ')}</dd>
        ${b.package ? html`<dt>${t('package.label')}</dt><dd class="package-line">${packageLine(b.package)}</dd>` : null}
        <dt>${t('booking.payment')}</dt><dd><${PaymentBadge} booking=${b} invoice=${invoice} />
          ${invoice ? html` · ${t('invoice.summary', { number: invoice.number || invoice.id, total: money(invoice.total, cur), paid: money(invoice.paid, cur) })}` : null}</dd>
      </dl>
      <${ProductsSection} booking=${b} invoice=${invoice} currency=${cur} onDone=${done} />
      <div class="actions">
        ${active && b.invoice_id && b.payment_status !== 'paid'
          ? html`<button type="button" class="secondary" onClick=${() => setMode('pay')}>${t('booking.take_payment')}</button>`
          : null}
        <${LoginAsClient} patientId=${b.patient_id} />
        ${active ? html`<button type="button" class="danger" onClick=${() => setMode('cancel')}>${t('booking.cancel')}</button>` : null}
      </div>
      <${PendingPayments} invoice=${invoice} refs=${refs} onDone=${done} />
      <${CreditOwed} invoice=${invoice} refs=${refs} onDone=${done} />
      ${mode === 'cancel' ? html`<${CancelBooking} id=${b.id} onDone=${done} />` : null}
      ${mode === 'pay' ? html`<${TakePayment} invoice=${invoice} invoiceId=${b.invoice_id} refs=${refs} onDone=${done} />` : null}
      ${active && mode !== 'pay' ? html`<${VisitPayment} key=${`${b.visit_id}-${invoice?.total}`} visitId=${b.visit_id} currency=${cur} onDone=${done} />` : null}
    </div>
    <div class="visit-zone visit-right" aria-label=${t('visit.zone_right')} role="group">
      <${PatientZone} patientId=${b.patient_id} currentId=${b.id} currency=${cur} onClose=${onClose} />
    </div>
  </div>`;
}

/** The payment state in words: the booking says it ("partially_paid" too); an invoice already loaded agrees. */
export function paymentState(booking, invoice) {
  if (booking.payment_status === 'pending') return 'pending';
  if (invoice?.status === 'partially_paid') return 'partially_paid';
  return booking.payment_status;
}

export function PaymentBadge({ booking, invoice }) {
  const state = paymentState(booking, invoice);
  return html`<span class="badge ${state}">${t('payment.' + state)}</span>`;
}

/** A cancelled booking whose invoice took money: what is owed back, and "Refund". */
function CreditOwed({ invoice, refs, onDone }) {
  const [open, setOpen] = useState(false);
  const cur = refs.settings.currency;
  if (!invoice) return null;
  if (!(invoice.credit_owed > 0)) {
    return invoice.refunded > 0
      ? html`<p class="ok-box" role="status">${t('refund.refunded', { amount: money(invoice.refunded, cur) })}</p>`
      : null;
  }
  return html`<div class="warn-box credit-box">
    <p><strong>${t('refund.owed', { amount: money(invoice.credit_owed, cur) })}</strong></p>
    ${invoice.refunded > 0 ? html`<p>${t('refund.refunded', { amount: money(invoice.refunded, cur) })}</p>` : null}
    ${open
      ? html`<${RefundForm} invoice=${invoice} refs=${refs} onDone=${() => { setOpen(false); onDone(); }} />`
      : html`<div class="actions"><button type="button" onClick=${() => setOpen(true)}>${t('refund.button')}</button></div>`}
  </div>`;
}

function RefundForm({ invoice, refs, onDone }) {
  const cur = refs.settings.currency;
  const digits = minorDigits(cur);
  const [amount, setAmount] = useState((invoice.credit_owed / 10 ** digits).toFixed(digits));
  const last = (invoice.payments || []).filter((p) => p.kind !== 'refund' && p.status === 'confirmed').pop();
  const [method, setMethod] = useState(last?.method || 'cash');
  const { submit: save, busy, error } = useSubmit(async () => {
    const minor = Math.round(parseFloat(String(amount).replace(',', '.')) * 10 ** digits);
    await api.post(`/invoices/${invoice.id}/refunds`, { amount: minor, method });
    onDone();
  });
  return html`<form class="sub-form" onSubmit=${save} aria-labelledby="refund-h">
    <h3 id="refund-h">${t('refund.title')}</h3>
    <${ErrorBox} error=${error} />
    <div class="form-grid">
      <${Input} label=${t('payment.amount', { currency: cur })} inputmode="decimal" required value=${amount} onInput=${setAmount} />
      <${Select} label=${t('payment.method')} value=${method} onChange=${setMethod}
        options=${['cash', 'card', 'bank_transfer', 'online'].map((m) => ({ value: m, label: t('method.' + m) }))} />
    </div>
    <button type="submit" disabled=${busy}>${t('refund.confirm')}</button>
  </form>`;
}

export function LoginAsClient({ patientId }) {
  const [error, setError] = useState(null);
  async function go() {
    setError(null);
    try {
      await api.post(`/patients/${patientId}/login-as`);
      try {
        // "Return to staff" in the portal comes back to this screen.
        sessionStorage.setItem('chairside.login_as_from', location.href);
      } catch {
        /* storage unavailable: it returns to the calendar */
      }
      location.assign('/book');
    } catch (e) {
      setError(e);
    }
  }
  return html`<button type="button" class="secondary" onClick=${go}>${t('booking.login_as')}</button>
    ${error ? html`<${ErrorBox} error=${error} />` : null}`;
}

function Reschedule({ kind, item, refs, tz, onDone }) {
  const [date, setDate] = useState(dateOf(item.start));
  const [time, setTime] = useState(timeOf(item.start));
  const [staffId, setStaffId] = useState(String(item.staff_id || ''));
  const { submit: save, error } = useSubmit(async () => {
    const body = { start: zoned(`${date}T${time}`, tz) };
    if (staffId) body.staff_id = Number(staffId);
    await api.patch(`/${kind}/${item.id}`, body);
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${save}>
    <h3>${t('booking.reschedule')}</h3>
    <${ErrorBox} error=${error} />
    <div class="form-grid">
      <${Input} label=${t('field.date')} type="date" required value=${date} onInput=${setDate} />
      <${Input} label=${t('field.time')} type="time" required step="300" value=${time} onInput=${setTime} />
      <${Select} label=${t('booking.staff')} value=${staffId} onChange=${setStaffId}
        options=${refs.staff.map((s) => ({ value: s.id, label: s.name }))} />
    </div>
    <button type="submit">${t('common.save')}</button>
  </form>`;
}

function CancelBooking({ id, onDone }) {
  const [reason, setReason] = useState('');
  const { submit: save, error } = useSubmit(async () => {
    await api.post(`/bookings/${id}/cancel`, { reason });
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${save}>
    <h3>${t('booking.cancel')}</h3>
    <${ErrorBox} error=${error} />
    <${Input} label=${t('booking.cancel_reason')} value=${reason} onInput=${setReason} />
    <button type="submit" class="danger">${t('booking.cancel_confirm')}</button>
  </form>`;
}

export function TakePayment({ invoice, invoiceId, refs, onDone }) {
  const due = invoice ? (invoice.balance_due ?? Math.max(0, (invoice.total || 0) - (invoice.paid || 0))) : 0;
  const digits = minorDigits(refs.settings.currency);
  const [amount, setAmount] = useState(due ? (due / 10 ** digits).toFixed(digits) : '');
  const [method, setMethod] = useState('card');
  const [done, setDone] = useState(null);
  const { submit: save, error } = useSubmit(async () => {
    const minor = Math.round(parseFloat(String(amount).replace(',', '.')) * 10 ** digits);
    const p = await api.post(`/invoices/${invoiceId}/payments`, { amount: minor, method });
    setDone(p);
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${save}>
    <h3>${t('booking.take_payment')}</h3>
    <${ErrorBox} error=${error} />
    ${done ? html`<div class="ok-box" role="status">${t('payment.recorded')}</div>` : null}
    <div class="form-grid">
      <${Input} label=${t('payment.amount', { currency: refs.settings.currency })} inputmode="decimal" required value=${amount} onInput=${setAmount} />
      <${Select} label=${t('payment.method')} value=${method} onChange=${setMethod}
        options=${['cash', 'card', 'bank_transfer'].map((m) => ({ value: m, label: t('method.' + m) }))} />
    </div>
    <button type="submit">${t('payment.record')}</button>
  </form>`;
}

function PendingPayments({ invoice, refs, onDone }) {
  const [error, setError] = useState(null);
  const pending = (invoice?.payments || []).filter((p) => p.status === 'pending');
  if (!pending.length) return null;
  async function confirm(p) {
    setError(null);
    try {
      await api.post(`/payments/${p.id}/confirm`);
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`<div class="warn-box">
    <${ErrorBox} error=${error} />
    ${pending.map(
      (p) => html`<p>${t('payment.pending_line', { amount: money(p.amount, refs.settings.currency), method: t('method.' + p.method) })}
        ${p.method === 'bank_transfer' || p.method === 'card' ? html`<br /><small>${t('payment.waits_' + p.method, { reference: p.reference })}</small>` : null}
        <button type="button" onClick=${() => confirm(p)}>${t('payment.confirm')}</button></p>`,
    )}
  </div>`;
}

function History({ items }) {
  if (!items?.length) return null;
  return html`<section class="history">
    <h3>${t('booking.history')}</h3>
    <ol>
      ${items.map(
        (h) => html`<li data-action=${h.action}><time>${dayOf(h.at)} ${clock(h.at)}</time> — <strong>${t('history.' + h.action)}</strong>
          ${h.actor ? html` · ${h.actor}` : null}
          ${historyLines(h).length ? html`<ul class="changes">${historyLines(h).map((line) => html`<li>${line}</li>`)}</ul>` : null}</li>`,
      )}
    </ol>
  </section>`;
}

const listNames = (names) => (names || []).map((n) => n ?? t('common.none')).join(', ');

/** One entry's changes in words: names, services and amounts, never ids. */
export function historyLines(h) {
  const c = h.changes || {};
  const lines = [];
  if (c.amount !== undefined) lines.push(t('history.money_line', { amount: money(c.amount, c.currency), method: c.method ? t('method.' + c.method) : '' }));
  if (c.timezone) lines.push(t('history.zone_line', { from: c.timezone[0], to: c.timezone[1] }));
  // What was booked comes as plain values, a change as [before, after].
  if (typeof c.start === 'string') lines.push(t('history.booked_at', { time: fmt(c.start) }));
  else if (c.start) lines.push(t('history.start_line', { from: fmt(c.start[0]), to: fmt(c.start[1]) }));
  if (typeof c.staff === 'string') lines.push(t('history.booked_with', { name: c.staff }));
  else if (Array.isArray(c.staff)) lines.push(t('history.staff_line', { from: c.staff[0] ?? t('common.none'), to: c.staff[1] ?? t('common.none') }));
  if (Array.isArray(c.services) && !Array.isArray(c.services[0])) lines.push(t('history.booked_services', { names: listNames(c.services) }));
  else if (c.services) lines.push(t('history.services_line', { from: listNames(c.services[0]), to: listNames(c.services[1]) }));
  if (c.notes) lines.push(t('history.notes_line'));
  if (c.reason) lines.push(t('history.reason_line', { reason: c.reason }));
  if (c.product) lines.push(t('history.product_line', { n: c.quantity, name: c.product }));
  return lines;
}

function fmt(x) {
  if (x === null || x === undefined) return t('common.none');
  if (typeof x === 'string' && /^\d{4}-\d\d-\d\dT/.test(x)) return `${dayOf(x)} ${clock(x)}`;
  return typeof x === 'object' ? JSON.stringify(x) : String(x);
}

function AppointmentDetails({ id, refs, tz, onChanged, onClose }) {
  const state = useAsync(async () => {
    const [appt, history] = await Promise.all([api.get(`/appointments/${id}`), api.get(`/appointments/${id}/history`)]);
    return { ...appt, history: history.items || [] };
  }, [id]);
  const [mode, setMode] = useState('');
  const [scope, setScope] = useState('this');
  const done = () => {
    setMode('');
    state.reload();
    onChanged?.();
  };
  const { submit: cancel, error } = useSubmit(async () => {
    await api.post(`/appointments/${state.data.id}/cancel`, { scope });
    done();
  });
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  const a = state.data;
  const active = a.status !== 'cancelled';
  return html`<div class="event-window">
    <dl class="details">
      <dt>${t('booking.patient')}</dt><dd><a href="#/patients/${a.patient_id}" onClick=${onClose}>${a.patient?.name}</a></dd>
      <dt>${t('appt.action')}</dt><dd>${a.action_name || byId(refs.actions, a.action_id)?.name || t('common.none')}</dd>
      <dt>${t('booking.staff')}</dt><dd>${byId(refs.staff, a.staff_id)?.name || t('common.none')}</dd>
      <dt>${t('booking.when')}</dt><dd>${when(a.start, a.end)}</dd>
      <dt>${t('booking.status')}</dt><dd><span class="badge ${a.status}">${t('status.' + a.status)}</span></dd>
      <dt>${t('attendance.label')}</dt><dd><${AttendancePicker} kind="appointments" item=${a} onDone=${done} /></dd>
      <dt>${t('appt.shared')}</dt><dd>${a.share_with_patient ? t('common.yes') : t('common.no')}</dd>
      <dt>${t('field.notes')}</dt><dd>${a.notes || t('common.none')}</dd>
    </dl>
    <div class="actions">
      ${active ? html`<button type="button" class="secondary" onClick=${() => setMode('reschedule')}>${t('booking.reschedule')}</button>` : null}
      <${LoginAsClient} patientId=${a.patient_id} />
      ${active ? html`<button type="button" class="danger" onClick=${() => setMode('cancel')}>${t('appt.cancel')}</button>` : null}
    </div>
    ${mode === 'reschedule' ? html`<${Reschedule} kind="appointments" item=${a} refs=${refs} tz=${tz} onDone=${done} />` : null}
    ${mode === 'cancel'
      ? html`<form class="card sub-form" onSubmit=${cancel}>
          <${ErrorBox} error=${error} />
          <${Select} label=${t('appt.cancel_scope')} value=${scope} onChange=${setScope}
            options=${['this', 'following', 'series'].map((s) => ({ value: s, label: t('appt.scope_' + s) }))} />
          <button type="submit" class="danger">${t('appt.cancel')}</button>
        </form>`
      : null}
    <${History} items=${a.history} />
  </div>`;
}

/** Whether the patient came: saved as soon as it is picked. */
function AttendancePicker({ kind, item, onDone }) {
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  if (item.status === 'cancelled') return html`<span>${t('attendance.' + (item.attendance || 'pending'))}</span>`;
  async function pick(value) {
    setError(null);
    setSaved(false);
    try {
      await api.post(`/${kind}/${item.id}/attendance`, { attendance: value });
      setSaved(true);
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`<div class="attendance-picker">
    <${Select} label=${t('attendance.label')} value=${item.attendance || 'pending'} onChange=${pick}
      options=${['pending', 'confirmed', 'arrived', 'no_show'].map((a) => ({ value: a, label: t('attendance.' + a) }))} />
    ${saved ? html`<span class="ok-box" role="status">${t('attendance.saved')}</span>` : null}
    <${ErrorBox} error=${error} />
  </div>`;
}
