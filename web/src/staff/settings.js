// "Manage Booking Settings": every setting of PATCH /settings with a short
// explanation. Staff may read them; only admins save.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync } from '../lib/ui.js';
import { t } from '../i18n/index.js';
import { invalidateRefs } from './data.js';
import { ResourceForm } from './resource_page.js';

const SETTINGS = [
  { name: 'booking_time_divider_min', type: 'int' },
  { name: 'book_one_service_only', type: 'bool' },
  { name: 'client_payment', type: 'choice', options: ['disabled', 'enabled', 'optional'] },
  { name: 'assign_services_to_staff', type: 'bool' },
  { name: 'visit_interval_min', type: 'int' },
  { name: 'appointment_mode', type: 'choice', options: ['individual', 'group', 'mixed'] },
  { name: 'max_seats_per_client', type: 'int', optional: true },
  { name: 'min_notice_min', type: 'int' },
  { name: 'max_advance_days', type: 'int' },
  { name: 'allow_self_signup', type: 'bool', optional: true },
  { name: 'client_cancel_notice_min', type: 'int', optional: true },
  { name: 'notification_email', type: 'email' },
  { name: 'currency' },
  { name: 'timezone' },
  { name: 'smtp_url' },
  { name: 'mail_from', type: 'email' },
  { name: 'diary_url' },
  { name: 'diary_user' },
  { name: 'diary_password', type: 'password', writeOnly: true },
  { name: 'allow_private_targets', type: 'bool', optional: true },
  { name: 'sync_alert_after_s', type: 'int' },
  { name: 'package_expiry_reminder_days', type: 'int', optional: true },
  { name: 'public_url', optional: true },
  { name: 'show_hijri_dates', type: 'bool', optional: true },
  { name: 'mail_language', type: 'choice', options: ['en', 'ar'] },
  { name: 'payment_methods', type: 'multi', optional: true, options: ['bank_transfer', 'card', 'desk'] },
  { name: 'bank_details', type: 'textarea', optional: true },
  { name: 'card_gateway_url', optional: true },
  { name: 'card_gateway_key', type: 'password', writeOnly: true, optional: true, after: 'card_gateway_url' },
  { name: 'card_webhook_secret', type: 'password', writeOnly: true, optional: true, after: 'card_gateway_url' },
].map((f) => ({
  ...f,
  label: `settings.${f.name}`,
  hint: `settings.${f.name}.help`,
  options: f.type === 'multi' ? f.options.map((o) => ({ value: o, label: t(`settings.${f.name}.${o}`) })) : f.options,
}));

// payment_methods is "a,b" on the wire and a set of boxes on screen.
const fromServer = (s) => ({ ...s, diary_password: '', card_gateway_key: '', card_webhook_secret: '',
  payment_methods: (s.payment_methods || '').split(',').filter(Boolean) });
const toServer = (body) => (Array.isArray(body.payment_methods) ? { ...body, payment_methods: body.payment_methods.join(',') } : body);

export function SettingsPage({ user }) {
  const data = useAsync(() => api.get('/settings'), []);
  const [saved, setSaved] = useState(false);
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Loading} />`;
  // Write-only secrets are never in the answer: offered beside the field they belong to.
  const present = SETTINGS.filter((f) => !f.optional || (f.after || f.name) in data.data);
  const admin = user.role === 'admin';
  return html`<section>
    <div class="page-head"><h1>${t('nav.settings')}</h1></div>
    ${!admin ? html`<p class="muted">${t('backoffice.read_only')}</p>` : null}
    ${data.loading ? html`<${Loading} />` : null}
    ${saved ? html`<p class="ok-box" role="status">${t('settings.saved')}</p>` : null}
    <div class="card settings-form">
      <${ResourceForm} key=${JSON.stringify(data.data)} fields=${present} initial=${fromServer(data.data)}
        onSubmit=${async (body) => {
          setSaved(false);
          await api.patch('/settings', toServer(body));
          setSaved(true);
          invalidateRefs();
          data.reload();
        }} />
    </div>
  </section>`;
}
