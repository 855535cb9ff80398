// Money screens: takings per day, method and staff member
// (GET /reports/takings) and receivables ageing (GET /reports/receivables)
// for staff; the journal (GET /journal-entries) and the chart of accounts
// with balances (GET /accounts) for admins.
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, TableWrap, Modal, ZoneNote } from '../lib/ui.js';
import { useState } from 'preact/hooks';
import { BookingDetails } from './event_window.js';
import { navigate, href } from '../lib/router.js';
import { addDays, todayIn, longDate, dateOf, timeOf, clock } from '../lib/time.js';
import { t, locale, money } from '../i18n/index.js';
import { loadRefs, clinicZone } from './data.js';

const METHODS = ['cash', 'card', 'bank_transfer', 'online'];
const BUCKETS = ['0-30', '31-60', '61-90', '90+'];

function methodLabel(m) {
  const key = 'method.' + m;
  const s = t(key);
  return s === key ? m : s;
}

/** A from/to pair of date fields that rewrite the hash route. */
function RangeForm({ path, from, to, label }) {
  return html`<form class="card filters" role="search" aria-label=${label} onSubmit=${(e) => e.preventDefault()}>
    <div class="form-grid">
      <${Input} label=${t('bookings.from')} type="date" value=${from} onInput=${(v) => v && navigate(path, { from: v, to })} />
      <${Input} label=${t('bookings.to')} type="date" value=${to} onInput=${(v) => v && navigate(path, { from, to: v })} />
    </div>
  </form>`;
}

function defaultRange(refs, params, back) {
  const today = todayIn(clinicZone(refs, refs.locations[0]?.id));
  return { from: params.from || addDays(today, -back), to: params.to || today };
}

export function TakingsPage({ params }) {
  const data = useAsync(async () => {
    const refs = await loadRefs();
    const range = defaultRange(refs, params, 6);
    const report = await api.get('/reports/takings', range);
    return { refs, range, report };
  }, [params.from, params.to]);
  if (data.error) return html`<section><div class="page-head"><h1>${t('nav.takings')}</h1></div><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, range, report: r } = data.data;
  const cur = r.currency || refs.settings.currency;
  const methods = METHODS.filter((m) => (r.days || []).some((d) => m in (d.by_method || {})) || m in (r.by_method || {}));
  return html`<section>
    <div class="page-head"><h1>${t('nav.takings')}</h1></div>
    <${RangeForm} path="/money/takings" from=${range.from} to=${range.to} label=${t('money.range')} />
    <div class="stat-row">
      <div class="card stat"><span class="muted">${t('money.takings_total')}</span><strong data-testid="takings-total">${money(r.total, cur)}</strong></div>
      ${methods.map((m) => html`<div class="card stat"><span class="muted">${methodLabel(m)}</span><strong>${money(r.by_method?.[m] || 0, cur)}</strong></div>`)}
    </div>
    <h2>${t('money.per_day')}</h2>
    ${(r.days || []).length
      ? html`<${TableWrap}><table>
          <caption class="visually-hidden">${t('money.per_day')}</caption>
          <thead><tr><th scope="col">${t('field.date')}</th>${methods.map((m) => html`<th scope="col" class="num">${methodLabel(m)}</th>`)}<th scope="col" class="num">${t('invoice.total')}</th></tr></thead>
          <tbody>${r.days.map((d) => html`<tr><th scope="row">${longDate(d.date, locale())}</th>
            ${methods.map((m) => html`<td class="num">${m in (d.by_method || {}) ? money(d.by_method[m], cur) : t('common.none')}</td>`)}
            <td class="num"><strong>${money(d.total, cur)}</strong></td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('money.no_takings')}</p>`}
    <h2>${t('money.per_staff')}</h2>
    ${(r.by_staff || []).length
      ? html`<${TableWrap}><table>
          <caption class="visually-hidden">${t('money.per_staff')}</caption>
          <thead><tr><th scope="col">${t('booking.staff')}</th><th scope="col" class="num">${t('invoice.total')}</th></tr></thead>
          <tbody>${r.by_staff.map((s) => html`<tr><th scope="row">${s.name || t('money.no_staff')}</th><td class="num">${money(s.total, cur)}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('money.no_takings')}</p>`}
  </section>`;
}

export function ReceivablesPage() {
  const data = useAsync(async () => {
    const [refs, report] = await Promise.all([loadRefs(), api.get('/reports/receivables')]);
    return { refs, report };
  }, []);
  if (data.error) return html`<section><div class="page-head"><h1>${t('nav.receivables')}</h1></div><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, report: r } = data.data;
  const cur = refs.settings.currency;
  return html`<section>
    <div class="page-head"><h1>${t('nav.receivables')}</h1></div>
    <${ZoneNote} tz=${clinicZone(refs, refs.locations[0]?.id)} />
    <p class="muted">${t('money.as_of', { date: longDate(dateOf(r.as_of), locale()), time: timeOf(r.as_of) })}</p>
    <div class="stat-row">
      <div class="card stat"><span class="muted">${t('money.outstanding')}</span><strong data-testid="receivables-total">${money(r.total, cur)}</strong></div>
      ${BUCKETS.map((b) => html`<div class="card stat"><span class="muted">${t('money.bucket', { range: b })}</span><strong>${money(r.buckets?.[b] || 0, cur)}</strong></div>`)}
    </div>
    ${(r.items || []).length
      ? html`<${TableWrap}><table>
          <caption class="visually-hidden">${t('nav.receivables')}</caption>
          <thead><tr><th scope="col">${t('invoice.number')}</th><th scope="col">${t('booking.patient')}</th><th scope="col">${t('money.issued')}</th>
            <th scope="col" class="num">${t('invoice.total')}</th><th scope="col" class="num">${t('invoice.paid')}</th><th scope="col" class="num">${t('money.outstanding')}</th><th scope="col">${t('money.age')}</th></tr></thead>
          <tbody>${r.items.map((i) => html`<tr data-invoice=${i.invoice_id}><th scope="row">${i.number}</th>
            <td><a href=${href('/patients/' + i.patient_id)}>${i.patient_name}</a></td>
            <td>${longDate(dateOf(i.issued_at), locale())}</td>
            <td class="num">${money(i.total, cur)}</td><td class="num">${money(i.paid, cur)}</td><td class="num"><strong>${money(i.outstanding, cur)}</strong></td>
            <td><span class="badge">${t('money.days', { n: i.age_days })}</span></td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('money.nothing_outstanding')}</p>`}
  </section>`;
}

export function JournalPage({ params, user }) {
  const data = useAsync(async () => {
    const refs = await loadRefs();
    const range = defaultRange(refs, params, 30);
    const items = await listAll('/journal-entries', range);
    return { refs, range, items };
  }, [params.from, params.to]);
  if (user.role !== 'admin') return html`<p class="muted">${t('backoffice.admin_only')}</p>`;
  if (data.error) return html`<section><div class="page-head"><h1>${t('nav.journal')}</h1></div><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, range, items } = data.data;
  const cur = refs.settings.currency;
  const latest = [...items].reverse();
  return html`<section>
    <div class="page-head"><h1>${t('nav.journal')}</h1><a class="button secondary" href="#/money/accounts">${t('nav.accounts')}</a></div>
    <p class="muted">${t('money.journal_hint')}</p>
    <${RangeForm} path="/money/journal" from=${range.from} to=${range.to} label=${t('money.range')} />
    ${latest.length
      ? html`<${TableWrap}><table class="journal">
          <caption class="visually-hidden">${t('nav.journal')}</caption>
          <thead><tr><th scope="col">${t('field.date')}</th><th scope="col">${t('money.entry')}</th><th scope="col">${t('money.account')}</th>
            <th scope="col" class="num">${t('money.debit')}</th><th scope="col" class="num">${t('money.credit')}</th></tr></thead>
          ${latest.map((e) => html`<tbody data-entry=${e.id} class="entry">
            ${e.lines.map((l, i) => html`<tr>
              ${i === 0
                ? html`<td rowspan=${e.lines.length}>${longDate(e.date, locale())}</td>
                    <td rowspan=${e.lines.length}><strong>${e.memo}</strong><br /><span class="badge ${e.source}">${t('source_kind.' + e.source)}</span> <span class="muted">#${e.id}</span></td>`
                : null}
              <td><code>${l.account_code}</code> ${l.account_name}</td>
              <td class="num">${l.debit ? money(l.debit, cur) : ''}</td>
              <td class="num">${l.credit ? money(l.credit, cur) : ''}</td>
            </tr>`)}
          </tbody>`)}
        </table><//>`
      : html`<p class="muted">${t('money.no_entries')}</p>`}
  </section>`;
}

export function AccountsPage({ user }) {
  const data = useAsync(async () => {
    const [refs, accounts] = await Promise.all([loadRefs(), api.get('/accounts')]);
    return { refs, items: accounts.items || [] };
  }, []);
  if (user.role !== 'admin') return html`<p class="muted">${t('backoffice.admin_only')}</p>`;
  if (data.error) return html`<section><div class="page-head"><h1>${t('nav.accounts')}</h1></div><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, items } = data.data;
  const cur = refs.settings.currency;
  const sum = (k) => items.reduce((a, x) => a + (x[k] || 0), 0);
  return html`<section>
    <div class="page-head"><h1>${t('nav.accounts')}</h1><a class="button secondary" href="#/money/journal">${t('nav.journal')}</a></div>
    <${TableWrap}><table>
      <caption class="visually-hidden">${t('nav.accounts')}</caption>
      <thead><tr><th scope="col">${t('money.code')}</th><th scope="col">${t('field.name')}</th><th scope="col">${t('money.type')}</th>
        <th scope="col" class="num">${t('money.debit')}</th><th scope="col" class="num">${t('money.credit')}</th><th scope="col" class="num">${t('money.balance')}</th></tr></thead>
      <tbody>${items.map((a) => html`<tr data-account=${a.code}><th scope="row"><code>${a.code}</code></th><td>${a.name}</td><td>${t('account_type.' + a.type)}</td>
        <td class="num">${money(a.debit, cur)}</td><td class="num">${money(a.credit, cur)}</td><td class="num"><strong>${money(a.balance, cur)}</strong></td></tr>`)}</tbody>
      <tfoot><tr><th scope="row" colspan="3">${t('money.totals')}</th><td class="num">${money(sum('debit'), cur)}</td><td class="num">${money(sum('credit'), cur)}</td><td></td></tr></tfoot>
    </table><//>
  </section>`;
}

/**
 * Refunds: what cancelled bookings owe back (invoices credited with money
 * on them) with the booking window to refund it, and the refunds made.
 */
export function RefundsPage() {
  const [open, setOpen] = useState(null);
  const data = useAsync(async () => {
    const [refs, credited, payments] = await Promise.all([
      loadRefs(),
      listAll('/invoices', { credit_owed: 1 }),
      listAll('/payments', { status: 'confirmed' }),
    ]);
    const owed = credited.sort((a, b) => a.number.localeCompare(b.number));
    const refunds = payments.filter((p) => p.kind === 'refund').reverse();
    return { refs, owed, refunds };
  }, [open]);
  if (data.error) return html`<section><div class="page-head"><h1>${t('nav.refunds')}</h1></div><${ErrorBox} error=${data.error} /></section>`;
  if (!data.data) return html`<${Loading} />`;
  const { refs, owed, refunds } = data.data;
  const cur = refs.settings.currency;
  const tz = clinicZone(refs, refs.locations[0]?.id);
  return html`<section>
    <div class="page-head"><h1>${t('nav.refunds')}</h1></div>
    <${ZoneNote} tz=${tz} />
    <h2>${t('refunds.owed')}</h2>
    ${owed.length
      ? html`<${TableWrap} label=${t('refunds.owed')}><table class="stack">
          <thead><tr><th scope="col">${t('invoice.number')}</th><th scope="col">${t('booking.patient')}</th>
            <th scope="col" class="num">${t('invoice.paid')}</th><th scope="col" class="num">${t('refunds.owed_col')}</th><th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${owed.map((i) => html`<tr data-invoice=${i.id}>
            <td data-label=${t('invoice.number')}>${i.number}</td>
            <td data-label=${t('booking.patient')}>${i.patient?.name || ''}</td>
            <td data-label=${t('invoice.paid')} class="num">${money(i.paid, i.currency || cur)}</td>
            <td data-label=${t('refunds.owed_col')} class="num"><strong>${money(i.credit_owed, i.currency || cur)}</strong></td>
            <td class="row-actions">${i.booking_id
              ? html`<button type="button" onClick=${() => setOpen(i.booking_id)}>${t('refund.button')}</button>`
              : null}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('refunds.none_owed')}</p>`}
    <h2>${t('refunds.made')}</h2>
    ${refunds.length
      ? html`<${TableWrap} label=${t('refunds.made')}><table class="stack">
          <thead><tr><th scope="col">${t('field.date')}</th><th scope="col">${t('invoice.number')}</th><th scope="col">${t('booking.patient')}</th>
            <th scope="col">${t('payment.method')}</th><th scope="col" class="num">${t('refunds.amount')}</th></tr></thead>
          <tbody>${refunds.map((r) => html`<tr data-refund=${r.id}>
            <td data-label=${t('field.date')}>${longDate(dateOf(r.created_at), locale())} ${clock(r.created_at)}</td>
            <td data-label=${t('invoice.number')}>${r.invoice_number}</td>
            <td data-label=${t('booking.patient')}>${r.patient_name}</td>
            <td data-label=${t('payment.method')}>${methodLabel(r.method)}</td>
            <td data-label=${t('refunds.amount')} class="num">${money(r.amount, cur)}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('refunds.none_made')}</p>`}
    ${open
      ? html`<${Modal} title=${t('kind.booking')} wide onClose=${() => setOpen(null)}>
          <${BookingDetails} id=${open} refs=${refs} tz=${tz} onClose=${() => setOpen(null)} />
        <//>`
      : null}
  </section>`;
}
