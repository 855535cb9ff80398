// The signed-in patient's pages: sign in, My appointments (upcoming and past,
// cancel within the clinic's notice) and My invoices ("Pay Invoice").
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Textarea, Modal, useSubmit } from '../lib/ui.js';
import { LoginForm } from '../lib/login.js';
import { dateOf, timeOf, longDate } from '../lib/time.js';
import { t, locale } from '../i18n/index.js';
import { staffName, money, paymentLabel, statusLabel } from './catalogue.js';
import { OnlineMethods, PaymentNote, goToCard, notedPending, payMethods, takeCheckoutReturn } from './payment.js';
import { MyPackages, packagedBookings } from './packages.js';

export function SignIn({ onUser, lead }) {
  return html`<${LoginForm} portal onLoggedIn=${onUser} title=${t('portal.signin.title')} lead=${lead || t('portal.signin.lead')}
    labels=${{ email: t('portal.field.email'), password: t('portal.field.password'), submit: t('portal.signin.submit'), busy: t('portal.signin.busy') }}
    footer=${html`<p class="muted"><a href="#/">${t('portal.signin.new')}</a></p>`} />`;
}

/** Appointments and invoices together: invoice lines name a booking's services. */
async function loadMine() {
  const [appts, invoices, packages] = await Promise.all([
    api.get('/me/appointments'),
    api.get('/me/invoices').catch(() => ({ items: [] })),
    api.get('/me/packages').catch(() => ({ items: [] })),
  ]);
  return { items: appts.items || [], invoices: invoices.items || [], packaged: packagedBookings(packages.items || []) };
}

function serviceNames(cat, item, invoices) {
  const inv = invoices.find((i) => i.id === item.invoice_id || (i.booking_id && i.booking_id === item.id));
  if (inv?.lines?.length) return inv.lines.map((l) => l.description).join(', ');
  const names = (item.service_ids || []).map((id) => cat?.services?.find((s) => s.id === id)?.name).filter(Boolean);
  return names.join(', ');
}

function invoiceOf(item, invoices) {
  return invoices.find((i) => i.id === item.invoice_id || (i.booking_id && i.booking_id === item.id));
}

/** The booking's payment in words: its own status says "unpaid" while the invoice is partly paid. */
function payState(item, invoices) {
  if (item.payment_status === 'pending') return 'pending';
  return invoiceOf(item, invoices)?.status === 'partially_paid' ? 'partially_paid' : item.payment_status;
}

export function MyAppointments({ cat }) {
  const mine = useAsync(loadMine, []);
  const [cancelling, setCancelling] = useState(null);
  const [done, setDone] = useState(null);

  if (mine.error) return html`<section class="card"><h1>${t('portal.appts.title')}</h1><${ErrorBox} error=${mine.error} /></section>`;
  if (!mine.data) return html`<section class="card"><h1>${t('portal.appts.title')}</h1><${Loading} label=${t('portal.loading')} /></section>`;

  const now = Date.now();
  const { items, invoices, packaged } = mine.data;
  const upcoming = items.filter((i) => Date.parse(i.start) >= now);
  const past = items.filter((i) => Date.parse(i.start) < now);
  const noticeMin = cat?.settings?.client_cancel_notice_min;

  const row = (i, canCancel) => html`<li class="appt ${i.status === 'cancelled' ? 'is-cancelled' : ''}">
    <div class="appt-when">
      <strong>${longDate(dateOf(i.start), locale())}</strong>
      <span>${t('portal.time.range', { start: timeOf(i.start), end: timeOf(i.end) })}</span>
    </div>
    <div class="appt-what grow">
      <strong>${i.kind === 'booking' ? serviceNames(cat, i, invoices) : i.action_name || i.title || t('portal.appts.appointment')}</strong>
      ${i.staff_id ? html`<span class="muted">${staffName(cat, i.staff_id)}</span>` : null}
      <span class="badges">
        ${i.status ? html`<span class="badge ${i.status}">${statusLabel(i.status)}</span>` : null}
        ${i.kind === 'booking' && i.status !== 'cancelled' && packaged.has(i.id)
          ? html`<span class="badge paid">${t('portal.pkg.badge')}</span>`
          : i.kind === 'booking' && i.status !== 'cancelled'
            ? html`<span class="badge ${payState(i, invoices)}">${paymentLabel(payState(i, invoices))}</span>`
            : null}
      </span>
      ${i.kind === 'booking' && i.status === 'cancelled' && invoiceOf(i, invoices)?.credit_owed > 0
        ? html`<span class="warn-box owed">${t('portal.appts.owed_back', { amount: money(cat, invoiceOf(i, invoices).credit_owed, invoiceOf(i, invoices).currency) })}</span>`
        : null}
      ${i.kind === 'booking' && payState(i, invoices) === 'pending' ? html`<${PaymentNote} cat=${cat} invoice=${invoiceOf(i, invoices)} />` : null}
      ${i.notes ? html`<span class="pre muted">${i.notes}</span>` : null}
    </div>
    ${canCancel && i.kind === 'booking' && i.status === 'confirmed'
      ? html`<div><button type="button" class="secondary" onClick=${() => setCancelling(i)}>${t('portal.appts.cancel')}</button></div>`
      : null}
  </li>`;

  return html`<section class="card" aria-labelledby="appts-title">
    <h1 id="appts-title">${t('portal.appts.title')}</h1>
    ${done ? html`<p class="ok-box" role="status">${done}</p>` : null}
    <h2>${t('portal.appts.upcoming')}</h2>
    ${noticeMin ? html`<p class="hint">${t('portal.appts.cancel_notice', { n: Math.round(noticeMin / 60) })}</p>` : null}
    ${upcoming.length
      ? html`<ul class="appt-list" aria-label=${t('portal.appts.upcoming')}>${upcoming.map((i) => row(i, true))}</ul>`
      : html`<p class="muted">${t('portal.appts.none_upcoming')} <a href="#/">${t('portal.appts.book')}</a></p>`}
    <h2>${t('portal.appts.past')}</h2>
    ${past.length
      ? html`<ul class="appt-list" aria-label=${t('portal.appts.past')}>${past.map((i) => row(i, false))}</ul>`
      : html`<p class="muted">${t('portal.appts.none_past')}</p>`}
    <${MyPackages} cat=${cat} />
    ${cancelling
      ? html`<${CancelDialog} item=${cancelling} onClose=${() => setCancelling(null)}
          onDone=${(i) => {
            setCancelling(null);
            setDone(t('portal.appts.cancelled', { date: longDate(dateOf(i.start), locale()), time: timeOf(i.start) }));
            mine.reload();
          }} />`
      : null}
  </section>`;
}

function CancelDialog({ item, onClose, onDone }) {
  const [reason, setReason] = useState('');
  const { submit, busy, error } = useSubmit(async () => {
    await api.post(`/bookings/${item.id}/cancel`, { reason });
    onDone(item);
  });

  return html`<${Modal} title=${t('portal.appts.cancel_title')} onClose=${onClose}>
    <form onSubmit=${submit}>
      <p>${t('portal.appts.cancel_question', { date: longDate(dateOf(item.start), locale()), time: timeOf(item.start) })}</p>
      <${Textarea} label=${t('portal.appts.cancel_reason')} value=${reason} onInput=${setReason} rows="2" maxlength="500" />
      <${ErrorBox} error=${error} />
      <div class="actions">
        <button type="submit" class="danger" disabled=${busy}>${t('portal.appts.cancel_confirm')}</button>
        <button type="button" class="secondary" onClick=${onClose}>${t('portal.appts.keep')}</button>
      </div>
    </form>
  <//>`;
}

export function MyInvoices({ cat }) {
  const mine = useAsync(loadMine, []);
  const [paying, setPaying] = useState(null);
  const [done, setDone] = useState(takeCheckoutReturn);

  if (mine.error) return html`<section class="card"><h1>${t('portal.inv.title')}</h1><${ErrorBox} error=${mine.error} /></section>`;
  if (!mine.data) return html`<section class="card"><h1>${t('portal.inv.title')}</h1><${Loading} label=${t('portal.loading')} /></section>`;
  const { items, invoices } = mine.data;
  const pendingOf = (inv) => items.some((b) => b.kind === 'booking' && (b.invoice_id === inv.id || b.id === inv.booking_id) && b.payment_status === 'pending');

  return html`<section class="card" aria-labelledby="inv-title">
    <h1 id="inv-title">${t('portal.inv.title')}</h1>
    ${done ? html`<p class="ok-box" role="status">${done}</p>` : null}
    ${invoices.length
      ? html`<ul class="invoice-list">
          ${invoices.map((inv) => {
            const pending = pendingOf(inv);
            const due = inv.balance_due ?? inv.total - inv.paid;
            return html`<li class="invoice">
              <div class="invoice-head">
                <h2>${t('portal.inv.number', { number: inv.number })}</h2>
                <span class="badge ${pending ? 'pending' : inv.status}">${pending ? paymentLabel('pending') : paymentLabel(inv.status)}</span>
              </div>
              <p class="muted">${t('portal.inv.issued', { date: longDate(dateOf(inv.issued_at), locale()) })}</p>
              <ul class="invoice-lines">
                ${(inv.lines || []).map((l) => html`<li><span class="grow">${l.description}${l.quantity > 1 ? ` × ${l.quantity}` : ''}</span>
                  <span>${money(cat, l.total, inv.currency)}</span></li>`)}
              </ul>
              <dl class="details compact">
                <dt>${t('portal.inv.total')}</dt><dd>${money(cat, inv.total, inv.currency)}</dd>
                <dt>${t('portal.inv.paid')}</dt><dd>${money(cat, inv.paid, inv.currency)}</dd>
                <dt>${t('portal.inv.due')}</dt><dd><strong>${money(cat, due, inv.currency)}</strong></dd>
              </dl>
              ${pending && !notedPending(inv) ? html`<p class="warn-box">${t('portal.inv.pending')}</p>` : null}
              <${PaymentNote} cat=${cat} invoice=${inv} />
              ${!pending && due > 0 && inv.status !== 'void' && cat?.clientPayment !== 'disabled'
                ? html`<div class="actions"><button type="button" onClick=${() => setPaying(inv)}
                    aria-label=${t('portal.inv.pay') + ' ' + inv.number}>${t('portal.inv.pay')}</button></div>`
                : null}
            </li>`;
          })}
        </ul>`
      : html`<p class="muted">${t('portal.inv.none')}</p>`}
    ${paying
      ? html`<${PayDialog} cat=${cat} invoice=${paying} onClose=${() => setPaying(null)}
          onDone=${(amount) => {
            setPaying(null);
            setDone(t('portal.inv.paid_ok', { amount }));
            mine.reload();
          }} />`
      : null}
  </section>`;
}

function PayDialog({ cat, invoice, onClose, onDone }) {
  const due = invoice.balance_due ?? invoice.total - invoice.paid;
  const amount = money(cat, due, invoice.currency);
  const online = payMethods(cat).filter((m) => m !== 'desk');
  const [method, setMethod] = useState(online[0] || null);
  const { submit, busy, error } = useSubmit(async () => {
    const r = await api.post(`/invoices/${invoice.id}/payments`, method ? { amount: due, method } : { amount: due });
    if (r.method === 'card') return goToCard(r.id);
    onDone(amount);
  });

  return html`<${Modal} title=${t('portal.inv.pay_title', { number: invoice.number })} onClose=${onClose}>
    <form onSubmit=${submit}>
      <p>${t('portal.inv.pay_question', { amount })}</p>
      <${OnlineMethods} cat=${cat} value=${method} onChange=${setMethod} />
      <p class="hint">${method === 'card' ? t('portal.paym.card_hint') : t('portal.pay.pending_note')}</p>
      <${ErrorBox} error=${error} />
      <div class="actions">
        <button type="submit" disabled=${busy}>${busy ? t('portal.inv.paying') : t('portal.inv.pay_confirm', { amount })}</button>
        <button type="button" class="secondary" onClick=${onClose}>${t('portal.inv.cancel')}</button>
      </div>
    </form>
  <//>`;
}
