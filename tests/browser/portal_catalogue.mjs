// /book without help: the page and its deep paths load; a visitor sees the
// services offered online; when they cannot be loaded the portal says why
// instead of showing an empty form; sign-in guards the patient pages.
import { assert } from './_harness.mjs';
import { PHONE, assertNoOverflow } from './portal_lib.mjs';

export const tests = {
  async 'book page loads and deep paths fall back to it'(t) {
    const res = await t.page.goto('/book');
    assert(res.status() === 200, 'GET /book answers 200');
    await t.page.getByRole('heading', { level: 1 }).waitFor();
    const deep = await t.page.goto('/book/some/deeper/path');
    assert(deep.status() === 200, 'deep portal paths fall back to the portal page');
    await t.page.getByRole('heading', { level: 1 }).waitFor();
  },

  async 'a visitor sees the services offered online with prices'(t) {
    const page = t.page;
    await page.setViewportSize(PHONE);
    await page.goto('/book');
    await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
    const services = (await (await fetch(t.baseURL + '/api/v1/services')).json()).items;
    for (const s of services) {
      const box = page.getByRole('checkbox', { name: new RegExp(s.name) });
      assert((await box.count()) === (s.online_booking ? 1 : 0), `${s.name} listed only when offered online`);
    }
    assert(await page.getByText('30 min · €50.00').isVisible(), 'duration and price are shown');
    await assertNoOverflow(page, 'first screen at 360px');
    await t.shot('phone-visitor-first-screen', page);
  },

  async 'when the services cannot be loaded the server detail is shown'(t) {
    const page = t.page;
    await page.setViewportSize(PHONE);
    await page.route('**/api/v1/services?**', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'the database is being backed up' }),
      }),
    );
    await page.goto('/book');
    await page.getByRole('heading', { level: 1, name: 'Online booking is not available right now' }).waitFor();
    assert(await page.getByText('The server said: the database is being backed up').isVisible(), 'the problem detail is shown');
    await page.unroute('**/api/v1/services?**');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Select Service' }).waitFor();
    await t.shot('phone-catalogue-retry', page);
  },

  async 'My appointments asks a visitor to sign in'(t) {
    const page = t.page;
    await page.setViewportSize(PHONE);
    await page.goto('/book#/appointments');
    await page.getByText('Please sign in to see this page.').waitFor();
    assert(await page.getByLabel('Email').isVisible(), 'the Email field has a label');
    assert(await page.getByLabel('Password').isVisible(), 'the Password field has a label');
    await assertNoOverflow(page, 'sign-in at 360px');
    await t.shot('phone-signin', page);
  },
};
