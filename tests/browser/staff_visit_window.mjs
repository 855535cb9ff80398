// The visit window: a demo booking opened from the calendar shows its
// three zones; marking it arrived writes its consumables off (the stock
// falls), a product sold there lands on the invoice and leaves the sales
// shelf, and one payment pays the whole visit.
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstDemoDay } from './_demo.mjs';

async function level(api, productId, storageId) {
  const got = await api.get(`/stock?product_id=${productId}&storage_id=${storageId}`);
  return got.items.length ? got.items[0].quantity : 0;
}

/** The consumables cabinet and sales shelf of the booking's location, a
 * new product for each with stock, and the booking's services using the
 * consumable. */
async function stockFor(admin, booking) {
  const tag = `${Date.now()}`;
  // The location's first storage of each kind is where bookings draw from.
  const here = (await admin.get('/storages?limit=500')).items.filter((x) => x.location_id === booking.location_id);
  const first = async (kind) => here.find((x) => x.kind === kind)
    || admin.post('/storages', { name: `${kind} ${tag}`, location_id: booking.location_id, kind });
  const cabinet = await first('consumables');
  const shelf = await first('sales');
  const gloves = await admin.post('/products', { name: `Gloves ${tag}`, cost_price: 30, min_quantity: 5 });
  const brush = await admin.post('/products', { name: `Brush ${tag}`, sale_price: 450, cost_price: 200 });
  await admin.post('/stock/movements', { product_id: gloves.id, storage_id: cabinet.id, quantity: 50, reason: 'receipt', unit_cost: 30 });
  await admin.post('/stock/movements', { product_id: brush.id, storage_id: shelf.id, quantity: 10, reason: 'receipt' });
  for (const sid of new Set(booking.service_ids)) {
    await admin.request('PUT', `/services/${sid}/consumables`, { items: [{ product_id: gloves.id, quantity: 2 }] });
  }
  return { cabinet, shelf, gloves, brush };
}

export const tests = {
  async 'arrived writes off consumables, a product is sold and the visit paid in the visit window'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    // The day's second-to-last booking: the attendance test takes the last,
    // the drag tests the first ones.
    const b = bookings[Math.max(0, bookings.length - 2)];
    assertEqual(b.attendance, 'pending', 'a demo booking starts pending');
    const s = await stockFor(admin, b);
    const uses = 2 * b.service_ids.length;
    const p = t.page;
    await t.staffLogin();
    await p.goto(`/#/calendar?date=${day}`);
    const block = p.locator('.ec-event', { hasText: b.patient.name }).filter({ hasText: b.start.slice(11, 16) }).first();
    await block.waitFor();
    await block.getByRole('button').click();
    const dialog = p.getByRole('dialog');
    for (const zone of ['Booking settings', 'Visit', 'Patient']) {
      await dialog.getByRole('group', { name: zone, exact: true }).waitFor();
    }
    const cons = dialog.locator('.visit-consumables');
    await cons.getByText(s.gloves.name).waitFor();
    assertEqual((await cons.locator(`tr[data-product="${s.gloves.id}"] .written-off`).textContent()).trim(), '0', 'nothing written off before arrival');
    await t.shot('visit-window-pending');

    // Arrived: the consumables leave the cabinet.
    await dialog.getByLabel('Attendance').selectOption('arrived');
    await dialog.getByText('Attendance saved').waitFor();
    await eventually(async () => (await cons.locator(`tr[data-product="${s.gloves.id}"] .written-off`).textContent()).trim() === String(uses),
      'the window shows the write-off');
    assertEqual(await level(admin, s.gloves.id, s.cabinet.id), 50 - uses, 'the stock fell by what the services use');
    await t.shot('visit-window-arrived');

    // Sell a brush on the visit.
    const products = dialog.locator('.visit-products');
    await products.getByLabel('Product').selectOption({ label: `${s.brush.name} (€4.50)` });
    await products.getByLabel('Quantity').fill('2');
    await products.getByRole('button', { name: 'Sell' }).click();
    await products.locator('.product-lines').getByText(s.brush.name).waitFor();
    assertEqual(await level(admin, s.brush.id, s.shelf.id), 8, 'two brushes left the shelf');
    const inv = await admin.get(`/invoices/${b.invoice_id}`);
    const line = inv.lines.find((l) => l.product_id === s.brush.id);
    assert(line && line.quantity === 2 && line.total === 900, 'the brushes are on the invoice');
    await t.shot('visit-window-product-sold');

    // One payment for the whole visit.
    const pay = dialog.locator('.visit-payment');
    await pay.getByLabel('Method').selectOption('cash');
    await pay.getByRole('button', { name: /^Pay visit/ }).click();
    await pay.getByText('Visit paid.').waitFor();
    const { visit_id: visitId } = await admin.get(`/bookings/${b.id}`);
    const visit = await admin.get(`/visits/${visitId}`);
    assertEqual(visit.balance_due, 0, 'nothing is left to pay on the visit');
    assertEqual((await admin.get(`/bookings/${b.id}`)).payment_status, 'paid', 'the booking is paid');
    await t.shot('visit-window-paid');
  },

  async 'no-show in the visit window adds the fee to the invoice; arrived takes it back'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const { day, bookings } = await firstDemoDay(admin);
    const b = bookings[Math.max(0, bookings.length - 3)];
    const before = (await admin.get('/settings')).no_show_fee;
    await admin.patch('/settings', { no_show_fee: 1500 });
    try {
      const total = (await admin.get(`/invoices/${b.invoice_id}`)).total;
      const p = t.page;
      await t.staffLogin();
      await p.goto(`/#/calendar?date=${day}`);
      const block = p.locator('.ec-event', { hasText: b.patient.name }).filter({ hasText: b.start.slice(11, 16) }).first();
      await block.waitFor();
      await block.getByRole('button').click();
      const dialog = p.getByRole('dialog');
      await dialog.getByLabel('Attendance').selectOption('no_show');
      await dialog.getByText('Attendance saved').waitFor();
      await eventually(async () => (await admin.get(`/invoices/${b.invoice_id}`)).total === total + 1500, 'the fee is on the invoice');
      const shown = `Invoice ${(await admin.get(`/invoices/${b.invoice_id}`)).number}: €${((total + 1500) / 100).toFixed(2)}`;
      await eventually(async () => (await dialog.textContent()).includes(shown), 'the window shows the new total');
      await t.shot('visit-window-no-show');
      await dialog.getByLabel('Attendance').selectOption('arrived');
      await eventually(async () => (await admin.get(`/invoices/${b.invoice_id}`)).total === total, 'leaving no-show takes the fee back');
    } finally {
      await admin.patch('/settings', { no_show_fee: before || 0 });
    }
  },

  async 'stock, products and a service\'s consumables in the back office'(t) {
    const admin = await t.apiAs(DEMO.admin);
    const locations = await admin.get('/locations');
    const tag = `${Date.now()}`;
    const shelf = await admin.post('/storages', { name: `Back shelf ${tag}`, location_id: locations.items[0].id, kind: 'sales' });
    const floss = await admin.post('/products', { name: `Floss ${tag}`, sale_price: 300, min_quantity: 10 });
    const p = t.page;
    await t.staffLogin(DEMO.admin);
    await p.goto('/#/stock');
    const form = p.locator('form', { hasText: 'Record a receipt or a count' });
    await form.getByLabel('Product').selectOption({ label: floss.name });
    await form.getByLabel('Storage').selectOption({ label: shelf.name });
    await form.getByLabel('Quantity').fill('4');
    await form.getByRole('button', { name: 'Record movement' }).click();
    await p.getByText('Stock movement recorded.').waitFor();
    const row = p.locator(`tr[data-product="${floss.id}"][data-storage="${shelf.id}"]`);
    await row.getByText('Low').waitFor();
    assertEqual(await level(admin, floss.id, shelf.id), 4, 'the receipt is stored');
    await p.getByLabel('Only low stock').check();
    await row.waitFor();
    await t.shot('stock-low');
    const services = await admin.get('/services');
    const svc = services.items[0];
    await p.goto(`/#/services/${svc.id}/consumables`);
    await p.getByRole('heading', { name: `Consumables of ${svc.name}` }).waitFor();
    const before = (await admin.get(`/services/${svc.id}/consumables`)).items.length;
    await p.getByRole('button', { name: 'Add a product' }).click();
    const entry = p.locator('fieldset.bom-row').last();
    await entry.getByLabel('Product').selectOption({ label: floss.name });
    await entry.getByLabel('Quantity').fill('3');
    await p.getByRole('button', { name: 'Save' }).click();
    await p.getByText('Consumables saved.').waitFor();
    const after = (await admin.get(`/services/${svc.id}/consumables`)).items;
    assertEqual(after.length, before + 1, 'one entry more');
    assert(after.some((i) => i.product_id === floss.id && i.quantity === 3 && i.staff_id === null), 'the new entry is stored');
    await t.shot('service-consumables');
  },
};
