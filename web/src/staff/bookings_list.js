// "Manage Bookings": filter bookings and confirm payments patients made
// online (they stay pending until staff confirm them).
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, Modal, TableWrap, ZoneNote } from '../lib/ui.js';
import { navigate } from '../lib/router.js';
import { addDays, dateOf, timeOf, todayIn, longDate, clock } from '../lib/time.js';
import { t, locale, money } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';
import { BookingDetails, PaymentBadge } from './event_window.js';

export function BookingsPage({ params }) {
  const refs = useAsync(() => loadRefs(), []);
  if (refs.error) return html`<${ErrorBox} error=${refs.error} />`;
  if (!refs.data) return html`<${Loading} />`;
  return html`<${Bookings} refs=${refs.data} params=${params} />`;
}

async function loadList(f) {
  const [bookings, pending] = await Promise.all([
    listAll('/bookings', {
      from: f.from,
      to: f.to,
      staff_id: f.staff_id,
      status: f.status,
      payment_status: f.payment_status,
    }),
    listAll('/payments', { status: 'pending' }).catch(() => []),
  ]);
  const pendingByBooking = {};
  for (const p of pending) if (p.booking_id) (pendingByBooking[p.booking_id] ||= []).push(p);
  bookings.sort((a, b) => a.start.localeCompare(b.start));
  return { bookings, pendingByBooking };
}

function Bookings({ refs, params }) {
  const tz = clinicZone(refs, refs.locations[0]?.id);
  const today = todayIn(tz);
  const f = {
    from: params.from || (params.payment_status === 'pending' ? '' : today),
    to: params.to || (params.payment_status === 'pending' ? '' : addDays(today, 30)),
    staff_id: params.staff_id || '',
    status: params.status || '',
    payment_status: params.payment_status || '',
  };
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState(null);
  const [notice, setNotice] = useState('');
  const [actionError, setActionError] = useState(null);
  const list = useAsync(() => loadList(f), [JSON.stringify(f), reload]);
  const set = (k) => (v) => navigate('/bookings', { ...f, [k]: v });
  const cur = refs.settings.currency;

  async function confirm(payment) {
    setActionError(null);
    setNotice('');
    try {
      await api.post(`/payments/${payment.id}/confirm`);
      setNotice(t('bookings.payment_confirmed', { name: payment.patient_name || '', amount: money(payment.amount, cur) }));
      setReload((n) => n + 1);
    } catch (e) {
      setActionError(e);
    }
  }

  return html`<section>
    <div class="page-head"><h1>${t('nav.manage_bookings')}</h1>
      <a class="button" href="#/booking/new">${t('nav.create_booking')}</a></div>
    <${ZoneNote} tz=${tz} />
    <form class="card filters" role="search" aria-label=${t('bookings.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="form-grid">
        <${Input} label=${t('bookings.from')} type="date" value=${f.from} onInput=${set('from')} />
        <${Input} label=${t('bookings.to')} type="date" value=${f.to} onInput=${set('to')} />
        <${Select} label=${t('booking.staff')} value=${f.staff_id} onChange=${set('staff_id')} placeholder=${t('bookings.all')}
          options=${refs.staff.map((s) => ({ value: s.id, label: s.name }))} />
        <${Select} label=${t('booking.status')} value=${f.status} onChange=${set('status')} placeholder=${t('bookings.all')}
          options=${['confirmed', 'cancelled'].map((s) => ({ value: s, label: t('status.' + s) }))} />
        <${Select} label=${t('booking.payment')} value=${f.payment_status} onChange=${set('payment_status')} placeholder=${t('bookings.all')}
          options=${['unpaid', 'pending', 'paid'].map((s) => ({ value: s, label: t('payment.' + s) }))} />
      </div>
      <button type="button" class="secondary" onClick=${() => navigate('/bookings', { payment_status: 'pending' })}>${t('bookings.show_pending')}</button>
    </form>
    ${notice ? html`<div class="ok-box" role="status">${notice}</div>` : null}
    <${ErrorBox} error=${actionError || list.error} />
    ${list.loading ? html`<${Loading} />` : null}
    ${list.data
      ? list.data.bookings.length
        ? html`<${TableWrap}><table class="stack">
            <caption class="visually-hidden">${t('nav.manage_bookings')}</caption>
            <thead><tr>
              <th scope="col">${t('booking.when')}</th><th scope="col">${t('booking.patient')}</th>
              <th scope="col">${t('booking.services')}</th><th scope="col">${t('booking.staff')}</th>
              <th scope="col">${t('booking.status')}</th><th scope="col">${t('booking.payment')}</th><th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th>
            </tr></thead>
            <tbody>
              ${list.data.bookings.map((b) => {
                const pend = list.data.pendingByBooking[b.id] || [];
                return html`<tr data-booking=${b.id}>
                  <td data-label=${t('booking.when')}>${longDate(dateOf(b.start), locale())}<br /><span class="muted">${clock(b.start)}–${clock(b.end)}</span></td>
                  <td data-label=${t('booking.patient')}>${b.patient?.name}</td>
                  <td data-label=${t('booking.services')}>${(b.service_ids || []).map((id) => byId(refs.services, id)?.name).join(', ')}</td>
                  <td data-label=${t('booking.staff')}>${byId(refs.staff, b.staff_id)?.name}</td>
                  <td data-label=${t('booking.status')}><span class="badge ${b.status}">${t('status.' + b.status)}</span></td>
                  <td data-label=${t('booking.payment')}><${PaymentBadge} booking=${b} />
                    ${b.credit_owed > 0
                      ? html`<br /><span class="badge credit">${t('refund.owed_short', { amount: money(b.credit_owed, cur) })}</span>`
                      : null}
                    ${pend.map((p) => html`<br /><span class="muted">${money(p.amount, cur)} · ${t('method.' + p.method)}${p.reference && p.method === 'bank_transfer' ? ' · ' + p.reference : ''}</span>`)}</td>
                  <td class="row-actions">
                    <button type="button" class="secondary" onClick=${() => setOpen(b.id)}>${t('bookings.open')}</button>
                    ${pend.map((p) => html`<button type="button" onClick=${() => confirm(p)}>${t('payment.confirm')}</button>`)}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table><//>`
        : html`<p class="muted">${t('bookings.none')}</p>`
      : null}
    ${open
      ? html`<${Modal} title=${t('kind.booking')} wide onClose=${() => setOpen(null)}>
          <${BookingDetails} id=${open} refs=${refs} tz=${tz} onChanged=${() => setReload((n) => n + 1)} onClose=${() => setOpen(null)} />
        <//>`
      : null}
  </section>`;
}
