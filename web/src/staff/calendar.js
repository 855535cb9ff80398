// Day calendar: one column per staff member of the chosen location.
import { html } from '../lib/ui.js';
import { t } from '../i18n/index.js';

export function CalendarPage() {
  return html`<h1>${t('nav.calendar')}</h1>`;
}
