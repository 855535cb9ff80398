// axe-core over a page (through @axe-core/playwright, installed with the
// web app's dev dependencies): the WCAG 2.x A and AA rules and best
// practices; any violation fails the test with its rule, impact and nodes.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(ROOT, 'web/package.json'));
const { AxeBuilder } = require('@axe-core/playwright');

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** The violations axe finds on the page as it is now, as readable lines. */
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s): ` +
      v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.failureSummary ? ' [' + n.failureSummary.replace(/\s+/g, ' ').slice(0, 160) + ']' : ''}`).join(' | '),
  );
}

/** Collects violations per screen name into report; call assertClean at the end. */
export async function scan(page, name, report) {
  const found = await axeViolations(page);
  if (found.length) report.push(`${name}:\n    ${found.join('\n    ')}`);
}

export function assertClean(report) {
  if (report.length) throw new Error(`axe-core found violations on ${report.length} screen(s):\n  ${report.join('\n  ')}`);
}
