// Patient portal at /book: book an appointment (seed 001), then see My
// appointments and My invoices. Routes live in the hash ("/book#/invoices")
// so the server only serves book.html.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, currentUser, logout, onUnauthorized } from '../lib/api.js';
import { html, Loading, ErrorBox, useAsync, SkipLink, LanguagePicker } from '../lib/ui.js';
import { useRoute } from '../lib/router.js';
import { initI18n, t } from '../i18n/index.js';
import { loadCatalogue } from './catalogue.js';
import { BookingWizard } from './wizard.js';
import { SignIn, MyAppointments, MyInvoices } from './account.js';
import '../styles/base.css';
import './portal.css';

initI18n();
document.title = t('portal.title');

/** A patient session's user with the patient's name (a login-as session's e-mail is the staff member's;
 * its /me already names the patient). */
async function withPatient(u) {
  if (!u || u.role !== 'patient') return u;
  if (u.login_as && u.patient?.name) return { ...u, patient_name: u.patient.name };
  const profile = await api.get('/me/profile').catch(() => null);
  return { ...u, patient_name: profile?.name || '' };
}

/** Where "Return to staff" goes: the staff screen Login as Client was pressed on. */
function staffReturnUrl() {
  try {
    const back = sessionStorage.getItem('chairside.login_as_from');
    if (back && back.startsWith(location.origin + '/')) return back;
  } catch {
    /* storage unavailable: the calendar */
  }
  return '/';
}

/** Ends the patient view (the login-as session); the staff session beside it is still there. */
async function returnToStaff() {
  await logout().catch(() => {});
  const to = staffReturnUrl();
  try {
    sessionStorage.removeItem('chairside.login_as_from');
  } catch {
    /* nothing to clear */
  }
  location.assign(to);
}

function LoginAsBanner({ user }) {
  return html`<div class="warn-box portal-banner" role="region" aria-label=${t('portal.login_as_region')}>
    <span>${t('portal.login_as_banner', { name: user.patient_name || t('portal.login_as_unknown') })}</span>
    <button type="button" class="secondary" onClick=${returnToStaff}>${t('portal.return_to_staff')}</button>
  </div>`;
}

function Header({ user, path, onSignOut }) {
  const isPatient = user && user.role === 'patient';
  const link = (to, label) =>
    html`<a href=${'#' + to} aria-current=${path === to ? 'page' : undefined}>${label}</a>`;
  return html`<header class="portal-head">
    <a class="portal-brand" href="#/"><img src="/favicon.svg" alt="" width="28" height="28" /><span>${t('portal.brand')}</span></a>
    <${LanguagePicker} />
    <nav aria-label=${t('portal.nav.label')}>
      ${link('/', t('portal.nav.book'))}
      ${isPatient ? link('/appointments', t('portal.nav.appointments')) : null}
      ${isPatient ? link('/invoices', t('portal.nav.invoices')) : null}
      ${user?.login_as
        ? html`<button type="button" class="link" onClick=${returnToStaff}>${t('portal.return_to_staff')}</button>`
        : user
          ? html`<button type="button" class="link" onClick=${onSignOut}>${t('portal.nav.signout')}</button>`
          : link('/signin', t('portal.nav.signin'))}
    </nav>
    ${user?.login_as
      ? html`<p class="portal-user muted">${t('portal.viewing_as', { name: user.patient_name || t('portal.login_as_unknown'), email: user.email })}</p>`
      : user
        ? html`<p class="portal-user muted">${user.patient_name ? t('portal.signed_in_as_named', { name: user.patient_name, email: user.email }) : t('portal.signed_in_as', { email: user.email })}</p>`
        : null}
  </header>`;
}

function CatalogueProblem({ error, onRetry }) {
  return html`<section class="card narrow" aria-labelledby="cat-title">
    <h1 id="cat-title">${t('portal.catalogue.unavailable_title')}</h1>
    <p>${t('portal.catalogue.unavailable')}</p>
    ${error?.detail ? html`<p class="muted">${t('portal.catalogue.server_said', { detail: error.detail })}</p>` : null}
    <div class="actions"><button type="button" class="secondary" onClick=${onRetry}>${t('portal.retry')}</button></div>
  </section>`;
}

function App() {
  const route = useRoute();
  const [user, setUser] = useState(undefined);
  const [error, setError] = useState(null);
  const cat = useAsync(() => loadCatalogue(), [user ? user.id : 0]);

  useEffect(() => {
    currentUser().then(withPatient).then(setUser, setError);
    return onUnauthorized(() => setUser((u) => (u ? null : u)));
  }, []);

  async function signOut() {
    if (user?.login_as) return returnToStaff();
    await logout().catch(() => {});
    setUser(null);
    location.hash = '#/';
  }

  const takeUser = (u) => withPatient(u).then(setUser);

  function signedIn(u) {
    withPatient(u).then(setUser);
    if (route.path === '/signin') location.hash = '#/appointments';
  }

  let main;
  if (error) main = html`<${ErrorBox} error=${error} />`;
  else if (user === undefined || (!cat.data && !cat.error)) main = html`<${Loading} label=${t('portal.loading')} />`;
  else if (cat.error) main = html`<${ErrorBox} error=${cat.error} />`;
  else if (route.path === '/signin') main = html`<${SignIn} onUser=${signedIn} />`;
  else if (route.path === '/appointments' || route.path === '/invoices') {
    if (!user || user.role !== 'patient') main = html`<${SignIn} onUser=${takeUser} lead=${t('portal.signin.needed')} />`;
    else if (route.path === '/appointments') main = html`<${MyAppointments} cat=${cat.data} />`;
    else main = html`<${MyInvoices} cat=${cat.data} />`;
  } else if (!cat.data.services) main = html`<${CatalogueProblem} error=${cat.data.servicesError} onRetry=${cat.reload} />`;
  else main = html`<${BookingWizard} cat=${cat.data} user=${user} onUser=${takeUser} />`;

  return html`<div class="portal">
    <${SkipLink} target="portal-main" />
    ${user?.login_as ? html`<${LoginAsBanner} user=${user} />` : null}
    <${Header} user=${user} path=${route.path} onSignOut=${signOut} />
    <main class="portal-main" id="portal-main">${main}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
