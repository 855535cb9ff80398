// The login form used by the staff app (and available to the portal).
import { useState } from 'preact/hooks';
import { login } from './api.js';
import { html, Input, ErrorBox } from './ui.js';
import { t } from '../i18n/index.js';

export function LoginForm({ onLoggedIn, title }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await login(email.trim(), password));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
    <div class="brand"><img src="/favicon.svg" alt="" width="32" height="32" /><strong>${t('app.name')}</strong></div>
    <h1 id="login-title">${title || t('login.title')}</h1>
    <${ErrorBox} error=${error} />
    <${Input} label=${t('field.email')} type="email" autocomplete="username" required value=${email} onInput=${setEmail} />
    <${Input} label=${t('field.password')} type="password" autocomplete="current-password" required value=${password} onInput=${setPassword} />
    <button type="submit" disabled=${busy}>${busy ? t('login.busy') : t('login.submit')}</button>
  </form>`;
}
