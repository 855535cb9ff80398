// The parts of the visit window that came with stock and visits: the
// booking's consumables (planned and written off), products sold on the
// visit, one payment for the whole visit, and the patient's side (their
// details, visit history and invoices).
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, useSubmit, Input, Select, TableWrap } from '../lib/ui.js';
import { dateOf, longDate, clock } from '../lib/time.js';
import { t, locale, money, minorDigits } from '../i18n/index.js';

/** Left zone: what the booking uses, how much is written off, and changing it. */
export function ConsumablesSection({ booking, onDone }) {
  const state = useAsync(async () => {
    const [c, storages] = await Promise.all([api.get(`/bookings/${booking.id}/consumables`), listAll('/storages')]);
    return { ...c, storages: storages.filter((s) => s.location_id === booking.location_id) };
  }, [booking.id, booking.attendance]);
  const [editing, setEditing] = useState(false);
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  const c = state.data;
  return html`<section class="visit-consumables" aria-labelledby="cons-h">
    <h3 id="cons-h">${t('visit.consumables')}</h3>
    ${c.items.length
      ? html`<${TableWrap} label=${t('visit.consumables')}><table class="compact">
          <thead><tr><th scope="col">${t('stock.product')}</th><th scope="col">${t('visit.planned')}</th><th scope="col">${t('visit.written_off')}</th></tr></thead>
          <tbody>${c.items.map((i) => html`<tr data-product=${i.product_id}><td>${i.product_name}</td><td>${i.quantity}</td><td class="written-off">${i.written_off}</td></tr>`)}</tbody>
        </table><//>`
      : html`<p class="muted">${t('visit.no_consumables')}</p>`}
    ${booking.status !== 'cancelled' && !editing
      ? html`<button type="button" class="secondary" onClick=${() => setEditing(true)}>${t('visit.edit_consumables')}</button>`
      : null}
    ${editing
      ? html`<${ConsumablesForm} booking=${booking} data=${c} onDone=${() => { setEditing(false); state.reload(); onDone?.(); }} />`
      : null}
  </section>`;
}

function ConsumablesForm({ booking, data, onDone }) {
  const first = data.storages.find((s) => s.kind === 'consumables') || data.storages[0];
  const [rows, setRows] = useState(data.items.map((i) => ({ product_id: i.product_id, storage_id: i.storage_id || first?.id, quantity: String(i.quantity) })));
  const set = (n) => (v) => setRows(rows.map((r, i) => (i === n ? { ...r, quantity: v } : r)));
  const { submit, busy, error } = useSubmit(async () => {
    await api.put(`/bookings/${booking.id}/consumables`, {
      items: rows.filter((r) => Number(r.quantity) > 0).map((r) => ({ product_id: r.product_id, storage_id: r.storage_id, quantity: Number(r.quantity) })),
    });
    onDone();
  });
  return html`<form class="sub-form" onSubmit=${submit}>
    <${ErrorBox} error=${error} />
    ${rows.map((r, n) => html`<${Input} label=${data.items[n]?.product_name || `#${r.product_id}`} type="number" min="0" step="1" value=${r.quantity} onInput=${set(n)} />`)}
    <p class="hint">${t('visit.consumables_hint')}</p>
    <button type="submit" disabled=${busy}>${t('common.save')}</button>
  </form>`;
}

/** Centre zone: products on the invoice, "Sell", and taking one back while unpaid. */
export function ProductsSection({ booking, invoice, currency, onDone }) {
  const products = useAsync(() => listAll('/products', { archived: 0 }), []);
  const [productId, setProductId] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [error, setError] = useState(null);
  const lines = (invoice?.lines || []).filter((l) => l.product_id);
  const open = booking.status !== 'cancelled' && invoice && invoice.status !== 'void';
  const unpaid = invoice && !(invoice.paid > 0);
  const { submit: sell, busy, error: sellError } = useSubmit(async () => {
    await api.post(`/bookings/${booking.id}/products`, { product_id: Number(productId), quantity: Number(quantity) });
    setProductId('');
    setQuantity('1');
    onDone();
  });
  async function remove(line) {
    setError(null);
    try {
      await api.del(`/bookings/${booking.id}/products/${line.line_id}`);
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return html`<section class="visit-products" aria-labelledby="prod-h">
    <h3 id="prod-h">${t('visit.products')}</h3>
    <${ErrorBox} error=${error} />
    ${lines.length
      ? html`<ul class="product-lines">${lines.map((l) => html`<li data-line=${l.line_id}>${l.quantity} × ${l.description} · ${money(l.total, currency)}
          ${open && unpaid ? html` <button type="button" class="secondary" aria-label=${t('visit.remove_product', { name: l.description })} onClick=${() => remove(l)}>${t('common.delete')}</button>` : null}</li>`)}</ul>`
      : html`<p class="muted">${t('visit.no_products')}</p>`}
    ${open && products.data
      ? html`<form class="inline-form" onSubmit=${sell}>
          <${ErrorBox} error=${sellError} />
          <${Select} label=${t('visit.product')} value=${productId} onChange=${setProductId} placeholder=${t('stock.choose')} required
            options=${products.data.filter((p) => !p.archived).map((p) => ({ value: String(p.id), label: `${p.name} (${money(p.sale_price, currency)})` }))} />
          <${Input} label=${t('stock.quantity')} type="number" min="1" step="1" required value=${quantity} onInput=${setQuantity} error=${sellError?.fieldError?.('quantity')} />
          <button type="submit" disabled=${busy || !productId}>${t('visit.sell')}</button>
        </form>`
      : null}
  </section>`;
}

/** Centre zone: the whole visit's balance and one payment for all its invoices. */
export function VisitPayment({ visitId, currency, onDone }) {
  const state = useAsync(() => (visitId ? api.get(`/visits/${visitId}`) : Promise.resolve(null)), [visitId]);
  const digits = minorDigits(currency);
  const [method, setMethod] = useState('card');
  const [paid, setPaid] = useState(false);
  const { submit, busy, error } = useSubmit(async () => {
    await api.post(`/visits/${visitId}/payments`, { amount: state.data.balance_due, method });
    setPaid(true);
    state.reload();
    onDone();
  });
  if (!visitId || !state.data) return null;
  const v = state.data;
  return html`<section class="visit-payment" aria-labelledby="vpay-h">
    <h3 id="vpay-h">${t('visit.payment')}</h3>
    <p>${t('visit.balance', { total: money(v.total, currency), paid: money(v.paid, currency), due: money(v.balance_due, currency), n: v.items.length })}</p>
    ${paid ? html`<p class="ok-box" role="status">${t('visit.paid')}</p>` : null}
    ${v.balance_due > 0
      ? html`<form class="inline-form" onSubmit=${submit}>
          <${ErrorBox} error=${error} />
          <${Select} label=${t('payment.method')} value=${method} onChange=${setMethod}
            options=${['cash', 'card', 'bank_transfer'].map((m) => ({ value: m, label: t('method.' + m) }))} />
          <button type="submit" disabled=${busy}>${t('visit.pay', { amount: (v.balance_due / 10 ** digits).toFixed(digits) })}</button>
        </form>`
      : null}
  </section>`;
}

/** Right zone: the patient, their visit history and their invoices. */
export function PatientZone({ patientId, currentId, currency, onClose }) {
  const state = useAsync(async () => {
    const [patient, bookings, invoices] = await Promise.all([
      api.get(`/patients/${patientId}`),
      api.get('/bookings', { patient_id: patientId, limit: 50 }),
      api.get('/invoices', { patient_id: patientId, limit: 50 }),
    ]);
    return { patient, bookings: bookings.items || [], invoices: invoices.items || [] };
  }, [patientId]);
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  const { patient: p, bookings, invoices } = state.data;
  return html`<div class="visit-patient">
    <section aria-labelledby="vp-h">
      <h3 id="vp-h">${t('booking.patient')}</h3>
      <p><a href="#/patients/${p.id}" onClick=${onClose}><strong>${p.name}</strong></a></p>
      ${p.phone ? html`<p>${p.phone}</p>` : null}
      ${p.email ? html`<p>${p.email}</p>` : null}
    </section>
    <section aria-labelledby="vh-h">
      <h3 id="vh-h">${t('visit.history')}</h3>
      <ul class="visit-history">${bookings.filter((b) => b.id !== currentId).slice(-10).reverse().map((b) => html`<li>
        ${longDate(dateOf(b.start), locale())} ${clock(b.start)} · ${t('attendance.' + (b.attendance || 'pending'))}${b.status === 'cancelled' ? ` · ${t('status.cancelled')}` : ''}</li>`)}</ul>
      ${bookings.length > 1 ? null : html`<p class="muted">${t('patient.no_visits')}</p>`}
    </section>
    <section aria-labelledby="vi-h">
      <h3 id="vi-h">${t('visit.invoices')}</h3>
      <ul class="visit-invoices">${invoices.map((i) => html`<li>${i.number}: ${money(i.total, currency)} · ${t('payment.' + (i.status === 'void' ? 'unpaid' : i.status))}${i.status === 'void' ? ` (${t('visit.void')})` : ''}</li>`)}</ul>
    </section>
  </div>`;
}
