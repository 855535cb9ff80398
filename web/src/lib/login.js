// The login form: the staff app's as it is; the portal's SignIn passes its own
// title, lead text, labels and footer with `portal`.
import { useState } from 'preact/hooks';
import { login } from './api.js';
import { html, Input, ErrorBox, useSubmit } from './ui.js';
import { t } from '../i18n/index.js';

export function LoginForm({ onLoggedIn, title, lead, labels, footer, portal = false }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, busy, error } = useSubmit(async () => onLoggedIn(await login(email.trim(), password)));
  const l = { email: t('field.email'), password: t('field.password'), submit: t('login.submit'), busy: t('login.busy'), ...labels };
  const button = html`<button type="submit" disabled=${busy}>${busy ? l.busy : l.submit}</button>`;

  return html`<form class="card ${portal ? 'narrow' : 'login-card'}" onSubmit=${submit} aria-labelledby="login-title">
    ${portal ? null : html`<div class="brand"><img src="/favicon.svg" alt="" width="32" height="32" /><strong>${t('app.name')}</strong></div>`}
    <h1 id="login-title">${title || t('login.title')}</h1>
    ${lead ? html`<p>${lead}</p>` : null}
    <${ErrorBox} error=${error} />
    <${Input} label=${l.email} type="email" autocomplete="username" required value=${email} onInput=${setEmail} />
    <${Input} label=${l.password} type="password" autocomplete="current-password" required value=${password} onInput=${setPassword} />
    ${portal ? html`<div class="actions">${button}</div>` : button}
    ${footer}
  </form>`;
}
