// The staff app's frame: main menu, signed-in user, and the page for the
// current hash route.
import { useState } from 'preact/hooks';
import { logout } from '../lib/api.js';
import { html, SkipLink, LanguagePicker } from '../lib/ui.js';
import { href, match, useRoute } from '../lib/router.js';
import { t } from '../i18n/index.js';
import { pages } from './pages.js';

const MENU = [
  ['/calendar', 'nav.calendar'],
  ['/booking/new', 'nav.create_booking'],
  ['/appointments/new', 'nav.new_appointment'],
  ['/bookings', 'nav.manage_bookings'],
  ['/appointments', 'nav.appointments'],
  ['/group-events', 'nav.group_events'],
  ['/patients', 'nav.patients'],
  ['/services', 'nav.services'],
  ['/actions', 'nav.actions'],
  ['/packages', 'nav.packages'],
  ['/staff', 'nav.staff'],
  ['/locations', 'nav.locations'],
  ['/products', 'nav.products'],
  ['/storages', 'nav.storages'],
  ['/stock', 'nav.stock'],
  ['/resources', 'nav.resources'],
  ['/money/takings', 'nav.takings'],
  ['/money/receivables', 'nav.receivables'],
  ['/money/refunds', 'nav.refunds'],
  ['/money/journal', 'nav.journal', 'admin'],
  ['/money/accounts', 'nav.accounts', 'admin'],
  ['/settings', 'nav.settings'],
  ['/users', 'nav.users', 'admin'],
];

function findPage(path) {
  for (const p of pages) {
    const params = match(p.path, path);
    if (params) return { page: p, params };
  }
  return null;
}

export function Shell({ user, onLogout }) {
  const route = useRoute();
  const [open, setOpen] = useState(false);
  const path = route.path === '/' ? '/calendar' : route.path;
  const found = findPage(path);

  async function doLogout() {
    await logout().catch(() => {});
    onLogout();
  }

  const Page = found?.page.component;
  return html`<div class="shell">
    <${SkipLink} target="content" />
    <header class="topbar">
      <button type="button" class="secondary menu-toggle" aria-expanded=${open} aria-controls="main-nav" onClick=${() => setOpen(!open)}>${t('nav.menu')}</button>
      <a class="brand" href="#/calendar"><img src="/favicon.svg" alt="" width="28" height="28" /> ${t('app.name')}</a>
      <span class="wide-only"><${LanguagePicker} /></span>
      <span class="who muted">${t('nav.signed_in_as', { email: user.email, role: t('role.' + user.role) })}</span>
      <button type="button" class="secondary" onClick=${doLogout}>${t('nav.logout')}</button>
    </header>
    <nav id="main-nav" class="sidenav ${open ? 'open' : ''}" aria-label=${t('nav.main')} onClick=${() => setOpen(false)}>
      <ul>
        ${MENU.filter(([, , role]) => !role || role === user.role).map(
          ([p, key]) => html`<li><a href=${href(p)} aria-current=${path === p ? 'page' : undefined}>${t(key)}</a></li>`,
        )}
        <li><a href="/book">${t('nav.portal')}</a></li>
      </ul>
      <div class="narrow-only nav-lang" onClick=${(e) => e.stopPropagation()}><${LanguagePicker} /></div>
    </nav>
    <main class="content" id="content">
      ${Page ? html`<${Page} key=${path} user=${user} params=${{ ...route.params, ...found.params }} />` : html`<p>${t('error.not_found')}</p>`}
    </main>
  </div>`;
}
