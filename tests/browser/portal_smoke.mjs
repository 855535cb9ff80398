// The patient portal page is served at /book and its sub-paths.
import { assert } from './_harness.mjs';

export const tests = {
  async 'book page loads'(t) {
    const res = await t.page.goto('/book');
    assert(res.status() === 200, 'GET /book answers 200');
    await t.page.getByRole('heading', { level: 1 }).waitFor();
    const deep = await t.page.goto('/book/some/deeper/path');
    assert(deep.status() === 200, 'deep portal paths fall back to the portal page');
    await t.shot('book');
  },
};
