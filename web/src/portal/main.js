// Patient portal at /book (placeholder until the portal is built).
import { render } from 'preact';
import { html } from '../lib/ui.js';
import { initI18n, t } from '../i18n/index.js';
import '../styles/base.css';

initI18n();
document.title = t('portal.title');

function Portal() {
  return html`<main class="card" style="max-width:40rem;margin:2rem auto">
    <h1>${t('portal.title')}</h1>
    <p>${t('portal.coming_soon')}</p>
  </main>`;
}

render(html`<${Portal} />`, document.getElementById('app'));
