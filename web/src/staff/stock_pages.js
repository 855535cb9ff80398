// Back office of products and stock: products, storages, stock levels
// (with the low stock list and receipts or counts), and the consumables
// a service uses.
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, Loading, useAsync, ErrorBox, useSubmit, Input, Select, TableWrap, Checkbox } from '../lib/ui.js';
import { t, money } from '../i18n/index.js';
import { loadRefs, byId } from './data.js';
import { ResourcePage } from './resource_page.js';

const yesNo = (v) => (v ? t('common.yes') : t('common.no'));

async function taxRates() {
  return { rates: await listAll('/tax-rates').catch(() => []) };
}

export function ProductsPage({ user }) {
  const refs = useAsync(() => loadRefs(), []);
  if (!refs.data && !refs.error) return html`<${Loading} />`;
  const currency = refs.data?.settings?.currency;
  return html`<${ResourcePage} user=${user} title="nav.products" path="/products" extraLoad=${taxRates}
    blank=${{ name: '', sku: '', unit: 'piece', sale_price: 0, cost_price: 0, min_quantity: 0, archived: false }}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      { name: 'sku', label: 'product.sku' },
      { name: 'unit', label: 'product.unit' },
      { name: 'sale_price', label: 'product.sale_price', type: 'money', currency },
      { name: 'cost_price', label: 'product.cost_price', type: 'money', currency },
      { name: 'tax_rate_id', label: 'product.tax_rate', type: 'choice', numeric: true, optional: true, options: extra.rates.map((r) => ({ value: r.id, label: r.name })) },
      { name: 'min_quantity', label: 'product.min_quantity', type: 'int', hint: 'product.min_quantity_hint' },
      { name: 'archived', label: 'product.archived', type: 'bool' },
    ]}
    columns=${[
      { label: 'field.name', render: (p) => p.name },
      { label: 'product.sku', render: (p) => p.sku },
      { label: 'product.sale_price', render: (p) => money(p.sale_price, currency) },
      { label: 'product.cost_price', render: (p) => money(p.cost_price, currency) },
      { label: 'product.min_quantity', render: (p) => `${p.min_quantity} ${p.unit}` },
      { label: 'product.archived', render: (p) => yesNo(p.archived) },
    ]} />`;
}

async function locationsExtra() {
  return { locations: await listAll('/locations') };
}

export function StoragesPage({ user }) {
  return html`<${ResourcePage} user=${user} title="nav.storages" path="/storages" extraLoad=${locationsExtra}
    blank=${{ name: '', kind: 'consumables' }}
    fields=${(extra) => [
      { name: 'name', label: 'field.name', required: true },
      { name: 'location_id', label: 'storage.location', type: 'choice', numeric: true, options: extra.locations.map((l) => ({ value: l.id, label: l.name })) },
      { name: 'kind', label: 'storage.kind', type: 'choice', options: ['sales', 'consumables'] },
    ]}
    columns=${[
      { label: 'field.name', render: (s) => s.name },
      { label: 'storage.location', render: (s, extra) => byId(extra.locations, s.location_id)?.name },
      { label: 'storage.kind', render: (s) => t('storage.kind.' + s.kind) },
    ]} />`;
}

async function loadStock(lowOnly) {
  const [levels, products, storages] = await Promise.all([
    api.get('/stock', lowOnly ? { below_min: 1 } : {}),
    listAll('/products'),
    listAll('/storages'),
  ]);
  return { levels: levels.items || [], products, storages };
}

export function StockPage() {
  const [lowOnly, setLowOnly] = useState(false);
  const [reload, setReload] = useState(0);
  const state = useAsync(() => loadStock(lowOnly), [lowOnly, reload]);
  const data = state.data;
  return html`<section class="stock-page">
    <div class="page-head"><h1>${t('nav.stock')}</h1></div>
    <${ErrorBox} error=${state.error} />
    <${Checkbox} label=${t('stock.low_only')} checked=${lowOnly} onChange=${setLowOnly} />
    ${!data ? html`<${Loading} />` : html`
      <${TableWrap} label=${t('nav.stock')}><table class="stock-levels">
        <thead><tr><th scope="col">${t('stock.product')}</th><th scope="col">${t('stock.storage')}</th>
          <th scope="col">${t('stock.quantity')}</th><th scope="col">${t('product.min_quantity')}</th></tr></thead>
        <tbody>${data.levels.map((l) => html`<tr class=${l.quantity < l.min_quantity ? 'low' : ''} data-product=${l.product_id} data-storage=${l.storage_id}>
          <td>${l.product_name}</td><td>${l.storage_name}</td>
          <td class="qty">${l.quantity}</td><td>${l.min_quantity}${l.quantity < l.min_quantity ? html` <span class="badge no_show">${t('stock.low')}</span>` : null}</td></tr>`)}</tbody>
      </table><//>
      ${data.levels.length ? null : html`<p class="muted">${t('stock.none')}</p>`}
      <${MovementForm} products=${data.products} storages=${data.storages} onDone=${() => setReload((n) => n + 1)} />`}
  </section>`;
}

function MovementForm({ products, storages, onDone }) {
  const [v, setV] = useState({ product_id: '', storage_id: '', quantity: '', reason: 'receipt', unit_cost: '', note: '' });
  const [saved, setSaved] = useState(false);
  const set = (k) => (x) => setV({ ...v, [k]: x });
  const { submit, busy, error } = useSubmit(async () => {
    setSaved(false);
    const body = { product_id: Number(v.product_id), storage_id: Number(v.storage_id), quantity: Number(v.quantity), reason: v.reason, note: v.note };
    if (v.unit_cost !== '') body.unit_cost = Math.round(parseFloat(String(v.unit_cost).replace(',', '.')) * 100);
    await api.post('/stock/movements', body);
    setSaved(true);
    onDone();
  });
  return html`<form class="card sub-form" onSubmit=${submit} aria-labelledby="movement-h">
    <h2 id="movement-h">${t('stock.record')}</h2>
    <${ErrorBox} error=${error} />
    ${saved ? html`<p class="ok-box" role="status">${t('stock.recorded')}</p>` : null}
    <div class="form-grid">
      <${Select} label=${t('stock.product')} value=${v.product_id} onChange=${set('product_id')} placeholder=${t('stock.choose')} error=${error?.fieldError?.('product_id')}
        options=${products.filter((p) => !p.archived).map((p) => ({ value: p.id, label: p.name }))} />
      <${Select} label=${t('stock.storage')} value=${v.storage_id} onChange=${set('storage_id')} placeholder=${t('stock.choose')} error=${error?.fieldError?.('storage_id')}
        options=${storages.map((s) => ({ value: s.id, label: s.name }))} />
      <${Select} label=${t('stock.reason')} value=${v.reason} onChange=${set('reason')}
        options=${['receipt', 'adjustment'].map((r) => ({ value: r, label: t('stock.reason.' + r) }))} />
      <${Input} label=${t('stock.quantity')} type="number" step="1" required value=${v.quantity} onInput=${set('quantity')} error=${error?.fieldError?.('quantity')} />
      <${Input} label=${t('stock.unit_cost')} inputmode="decimal" value=${v.unit_cost} onInput=${set('unit_cost')} error=${error?.fieldError?.('unit_cost')} />
      <${Input} label=${t('stock.note')} value=${v.note} onInput=${set('note')} />
    </div>
    <button type="submit" disabled=${busy}>${t('stock.record_button')}</button>
  </form>`;
}

async function loadBom(id) {
  const [service, bom, products, staff] = await Promise.all([
    api.get(`/services/${id}`),
    api.get(`/services/${id}/consumables`),
    listAll('/products'),
    listAll('/staff'),
  ]);
  return { service, items: bom.items || [], products, staff };
}

/** /services/:id/consumables: the bill of materials, one row per product (and staff member). */
export function ServiceConsumablesPage({ user, params }) {
  const state = useAsync(() => loadBom(params.id), [params.id]);
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<${Loading} />`;
  return html`<${BomEditor} key=${params.id} data=${state.data} admin=${user.role === 'admin'} onDone=${state.reload} />`;
}

function BomEditor({ data, admin, onDone }) {
  const [rows, setRows] = useState(data.items.map((i) => ({ product_id: String(i.product_id), quantity: String(i.quantity), staff_id: i.staff_id ? String(i.staff_id) : '' })));
  const [saved, setSaved] = useState(false);
  const set = (n, k) => (x) => setRows(rows.map((r, i) => (i === n ? { ...r, [k]: x } : r)));
  const { submit, busy, error } = useSubmit(async () => {
    setSaved(false);
    await api.put(`/services/${data.service.id}/consumables`, {
      items: rows.map((r) => ({ product_id: Number(r.product_id), quantity: Number(r.quantity), staff_id: r.staff_id ? Number(r.staff_id) : null })),
    });
    setSaved(true);
    onDone();
  });
  const products = data.products.map((p) => ({ value: String(p.id), label: p.name }));
  const staff = data.staff.map((s) => ({ value: String(s.id), label: s.name }));
  return html`<section>
    <div class="page-head"><h1>${t('bom.title', { service: data.service.name })}</h1></div>
    <p class="muted">${t('bom.hint')}</p>
    <form onSubmit=${submit} class="bom">
      <${ErrorBox} error=${error} />
      ${saved ? html`<p class="ok-box" role="status">${t('bom.saved')}</p>` : null}
      ${rows.map((r, n) => html`<fieldset class="form-grid bom-row"><legend>${t('bom.entry', { n: n + 1 })}</legend>
        <${Select} label=${t('stock.product')} value=${r.product_id} onChange=${set(n, 'product_id')} placeholder=${t('stock.choose')} options=${products} disabled=${!admin}
          error=${error?.fieldError?.(`items[${n}].product_id`)} />
        <${Input} label=${t('stock.quantity')} type="number" min="1" step="1" value=${r.quantity} onInput=${set(n, 'quantity')} disabled=${!admin}
          error=${error?.fieldError?.(`items[${n}].quantity`)} />
        <${Select} label=${t('bom.staff')} value=${r.staff_id} onChange=${set(n, 'staff_id')} placeholder=${t('bom.everyone')} options=${staff} disabled=${!admin} />
        ${admin ? html`<button type="button" class="secondary" onClick=${() => setRows(rows.filter((_, i) => i !== n))}>${t('common.delete')}</button>` : null}
      </fieldset>`)}
      ${admin ? html`<div class="actions">
        <button type="button" class="secondary" onClick=${() => setRows([...rows, { product_id: '', quantity: '1', staff_id: '' }])}>${t('bom.add')}</button>
        <button type="submit" disabled=${busy}>${t('common.save')}</button></div>` : html`<p class="muted">${t('backoffice.read_only')}</p>`}
    </form>
  </section>`;
}
