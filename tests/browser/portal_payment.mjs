// Paying online by a method the clinic enables: the demo patient books and
// picks bank transfer (and sees the clinic's account and the reference to
// write on it), then books and picks card: the portal sends them to the
// card gateway (a stand-in on loopback that follows Stripe Checkout's
// redirect and signed-webhook scheme, tests/api/checkout_standin.py), they
// pay there and come back to My invoices with the invoice paid.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, assertEqual, eventually, DEMO } from './_harness.mjs';
import { firstSlot, addDays, today, pickSlot } from './portal_lib.mjs';
import { axeViolations } from './_axe.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const KEY = 'sk_test_portal';
const SECRET = 'whsec_test_portal';
const BANK = 'Chairside Dental Mitte, IBAN DE02 1203 0000 0000 2020 51';

/** The stand-in gateway, posting its webhooks to this server; {url, stop}. */
async function startGateway(baseURL) {
  const proc = spawn('python3', [join(HERE, '../api/checkout_standin.py'), '--key', KEY, '--secret', SECRET,
    '--webhook', `${baseURL}/api/v1/payment-webhooks/checkout`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await Promise.race([
    once(proc.stdout, 'data'),
    once(proc, 'exit').then(() => { throw new Error('the stand-in gateway did not start'); }),
  ]);
  const port = Number(String(line).trim());
  assert(port > 0, 'the stand-in gateway printed its port');
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      proc.stdin.end();
      if (proc.exitCode === null) await once(proc, 'exit');
    },
  };
}

/** Card, bank transfer and the desk, for the block; the settings as they were after. */
async function withPaymentMethods(t, gatewayUrl, fn) {
  const admin = await t.apiAs(DEMO.admin);
  const before = await admin.get('/settings');
  await admin.patch('/settings', {
    payment_methods: 'bank_transfer,card,desk', bank_details: BANK, allow_private_targets: true,
    card_gateway_url: gatewayUrl, card_gateway_key: KEY, card_webhook_secret: SECRET, public_url: t.baseURL,
  });
  try {
    return await fn(admin);
  } finally {
    await admin.patch('/settings', {
      payment_methods: before.payment_methods ?? '', bank_details: before.bank_details ?? '',
      card_gateway_url: before.card_gateway_url ?? '', allow_private_targets: before.allow_private_targets,
      public_url: before.public_url ?? '',
    });
  }
}

async function signIn(page) {
  await page.goto('/book#/signin');
  await page.getByLabel('Email').fill(DEMO.patient.email);
  await page.getByLabel('Password').fill(DEMO.patient.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
}

/** Check-up with Dr. Anna Weber at slot, up to the payment step. */
async function bookUpToPayment(page, slot) {
  await page.goto('/book#/');
  await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
  await page.getByRole('checkbox', { name: /Check-up/ }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('radio', { name: 'Dr. Anna Weber' }).check();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Date and time' }).waitFor();
  await pickSlot(page, slot);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
}

export const tests = {
  async 'a patient picks bank transfer and sees the account and the reference'(t) {
    const page = t.page;
    const gw = await startGateway(t.baseURL);
    try {
      await withPaymentMethods(t, gw.url, async (admin) => {
        const slot = await firstSlot(t, { serviceIds: [1], staffId: 1, from: addDays(today(), 26) });
        await signIn(page);
        await bookUpToPayment(page, slot);
        for (const name of ['Pay by bank transfer', 'Pay by card', 'Pay at the desk']) {
          assert(await page.getByRole('button', { name }).isVisible(), `the payment step offers "${name}"`);
        }
        await t.shot('payment-methods');
        assertEqual((await axeViolations(page)).join('\n'), '', 'axe-core: the payment step');
        await page.getByRole('button', { name: 'Pay by bank transfer' }).click();
        await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
        assert(await page.getByText('Bank transfer (€50.00)').isVisible(), 'the review names the method');
        const booked = page.waitForResponse((r) => r.url().endsWith('/api/v1/bookings') && r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Complete Reservation' }).click();
        const booking = await (await booked).json();
        await page.getByRole('heading', { level: 1, name: 'Your appointment is booked' }).waitFor();

        const note = page.locator('.confirmation .pay-note');
        await note.getByText('Waiting for your bank transfer of €50.00.').waitFor();
        const text = await note.textContent();
        assert(text.includes(BANK), `the note shows the clinic's account: ${text}`);
        const inv = await admin.get(`/invoices/${booking.invoice_id}`);
        const pay = inv.payments.find((p) => p.status === 'pending');
        assertEqual(pay?.reference, `CS-${inv.id}`, 'the server holds the reference');
        assert(text.includes(pay.reference), `the note shows the reference ${pay.reference}: ${text}`);
        await t.shot('bank-transfer-confirmation');
        assertEqual((await axeViolations(page)).join('\n'), '', 'axe-core: the bank transfer note');

        // My appointments says the same of the booking.
        await page.getByRole('link', { name: 'My appointments' }).first().click();
        await page.getByRole('heading', { level: 1, name: 'My appointments' }).waitFor();
        await page.getByText(pay.reference).first().waitFor();

        // Staff see which transfer to look for on the bank statement.
        const desk = await t.newPage();
        await t.staffLogin(DEMO.staff, desk);
        await desk.goto('/#/bookings?payment_status=pending');
        await desk.locator(`tr[data-booking="${booking.id}"]`).getByText(pay.reference, { exact: false }).waitFor();
        await t.shot('manage-bookings-reference', desk);
      });
    } finally {
      await gw.stop();
    }
  },

  async 'a patient pays by card at the gateway and comes back to a paid invoice'(t) {
    const page = t.page;
    const gw = await startGateway(t.baseURL);
    try {
      await withPaymentMethods(t, gw.url, async (admin) => {
        const slot = await firstSlot(t, { serviceIds: [1], staffId: 1, from: addDays(today(), 33) });
        await signIn(page);
        await bookUpToPayment(page, slot);
        await page.getByRole('button', { name: 'Pay by card' }).click();
        await page.getByRole('heading', { level: 1, name: 'Your details' }).waitFor();
        await page.getByRole('button', { name: 'Complete Reservation' }).click();

        // On the gateway's own page (the portal left before its answer could be read: ask the server).
        await page.waitForURL(`${gw.url}/c/pay/**`);
        const day = slot.start.slice(0, 10);
        const mine = await admin.get(`/bookings?from=${day}&to=${day}&staff_id=1&limit=500`);
        const booking = mine.items.find((x) => x.start === slot.start && x.status === 'confirmed');
        assert(booking, 'the booking was made before the patient left for the gateway');
        await page.getByRole('heading', { name: 'Pay EUR 50.00' }).waitFor();
        await t.shot('card-gateway-page');
        await page.getByRole('button', { name: 'Pay' }).click();

        // Back in the portal, the invoice paid by the gateway's signed webhook.
        await page.waitForURL((u) => u.origin === t.baseURL && u.pathname === '/book');
        await page.getByRole('heading', { level: 1, name: 'My invoices' }).waitFor();
        await page.getByText('Back from the card provider.', { exact: false }).waitFor();
        const inv = await eventually(async () => {
          const i = await admin.get(`/invoices/${booking.invoice_id}`);
          return i.status === 'paid' && i;
        }, 'the invoice is paid');
        assertEqual(inv.payments.map((p) => [p.method, p.status]).join(), 'card,confirmed', 'one confirmed card payment');
        const item = page.locator('.invoice', { hasText: `Invoice ${inv.number}` });
        await item.locator('.badge.paid').waitFor();
        assert(!(await page.url()).includes('checkout='), 'the return query is gone from the address');
        await t.shot('card-back-paid');
        const b = await admin.get(`/bookings/${booking.id}`);
        assertEqual(b.payment_status, 'paid', 'the booking is paid');
      });
    } finally {
      await gw.stop();
    }
  },
};
