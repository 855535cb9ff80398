// Staff app at "/": log in, then the calendar and the back office.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentUser, onUnauthorized } from '../lib/api.js';
import { LoginForm } from '../lib/login.js';
import { html, Loading, ErrorBox, LanguagePicker } from '../lib/ui.js';
import { initI18n, t } from '../i18n/index.js';
import { Shell } from './shell.js';
import '../styles/base.css';
import './staff.css';

initI18n();
document.title = t('app.name');

function App() {
  const [user, setUser] = useState(undefined);
  const [error, setError] = useState(null);

  useEffect(() => {
    currentUser().then(setUser, setError);
    return onUnauthorized(() => setUser(null));
  }, []);

  if (error) return html`<main class="login-page"><${ErrorBox} error=${error} /></main>`;
  if (user === undefined) return html`<main class="login-page"><${Loading} /></main>`;
  if (!user) {
    return html`<main class="login-page">
      <div>
        <${LoginForm} onLoggedIn=${setUser} />
        <p class="muted lang-line"><${LanguagePicker} /></p>
        <p class="muted" style="text-align:center">${t('login.patient_hint')} <a href="/book">${t('login.patient_link')}</a></p>
      </div>
    </main>`;
  }
  if (user.role === 'patient') {
    // A patient session (or staff logged in as a client) belongs in the portal.
    location.replace('/book');
    return html`<${Loading} />`;
  }
  return html`<${Shell} user=${user} onLogout=${() => setUser(null)} />`;
}

render(html`<${App} />`, document.getElementById('app'));
