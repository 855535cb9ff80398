// The "Recurring" option of appointments and group events: its state, the
// fields it shows, and the `recurrence` the API takes (api.md).
import { useState } from 'preact/hooks';
import { html, Input, Select, Checkbox } from '../lib/ui.js';
import { t } from '../i18n/index.js';

/** State of the option; value() is the body's `recurrence`, or undefined. */
export function useRecurrence() {
  const [recurring, setRecurring] = useState(false);
  const [every, setEvery] = useState('week');
  const [interval, setInterval] = useState('1');
  const [until, setUntil] = useState('');
  return {
    recurring, setRecurring, every, setEvery, interval, setInterval, until, setUntil,
    value: () => (recurring ? { every, interval: Number(interval) || 1, until } : undefined),
  };
}

/** The checkbox and, when ticked, every, interval and until (not before day). */
export function RecurrenceFields({ r, day, fe }) {
  return html`<${Checkbox} label=${t('appt.recurring')} checked=${r.recurring} onChange=${r.setRecurring} />
    ${r.recurring
      ? html`<fieldset><legend>${t('appt.recurrence')}</legend><div class="form-grid">
          <${Select} label=${t('appt.every')} value=${r.every} onChange=${r.setEvery}
            options=${['day', 'week', 'month'].map((x) => ({ value: x, label: t('appt.every_' + x) }))} />
          <${Input} label=${t('appt.interval')} type="number" min="1" max="365" value=${r.interval} onInput=${r.setInterval} />
          <${Input} label=${t('appt.until')} type="date" required min=${day} value=${r.until} onInput=${r.setUntil} error=${fe('recurrence.until')} />
        </div></fieldset>`
      : null}`;
}
