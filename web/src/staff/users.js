// Users and API tokens: admins add staff and admin logins (with a first
// password they hand over), disable and enable them, and create, list and
// revoke integration tokens; patient logins come from the patient's profile.
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, useSubmit, TableWrap } from '../lib/ui.js';
import { dateOf, timeOf, clock, dayOf } from '../lib/time.js';
import { t } from '../i18n/index.js';

/** Staff and admin logins: add one, disable or enable each (never one's own). */
function StaffLogins({ me }) {
  const list = useAsync(() => listAll('/users'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('staff');
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState(null);
  const { submit: add, error, setError, busy } = useSubmit(async () => {
    setAdded(null);
    const u = await api.post('/users', { email, role, password });
    setAdded(u);
    setEmail('');
    setPassword('');
    list.reload();
  });
  async function toggle(u) {
    setError(null);
    setAdded(null);
    try {
      await api.post(`/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }
  const fe = (f) => error?.fieldError?.(f) || '';
  return html`<h2>${t('users.logins')}</h2>
    <${ErrorBox} error=${error || list.error} />
    ${added ? html`<div class="ok-box" role="status">${t('users.added', { email: added.email })}</div>` : null}
    <form class="card" onSubmit=${add} aria-label=${t('users.add')}><div class="form-grid">
      <${Input} label=${t('field.email')} type="email" required value=${email} onInput=${setEmail} error=${fe('email')} autocomplete="off" />
      <${Select} label=${t('users.role')} value=${role} onChange=${setRole} error=${fe('role')} options=${['staff', 'admin'].map((r) => ({ value: r, label: t('role.' + r) }))} />
      <${Input} label=${t('users.first_password')} type="password" required minlength="8" value=${password} onInput=${setPassword} error=${fe('password')} hint=${t('users.first_password_hint')} autocomplete="new-password" />
    </div><button type="submit" disabled=${busy}>${t('users.add')}</button></form>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${list.data
      ? html`<${TableWrap} label=${t('users.logins')}><table class="users-table">
          <thead><tr><th scope="col">${t('field.email')}</th><th scope="col">${t('users.role')}</th><th scope="col">${t('users.created')}</th><th scope="col">${t('users.state')}</th><th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${list.data.map((u) => html`<tr data-user=${u.email}><td>${u.email}</td><td>${t('role.' + u.role)}</td><td>${u.created_at ? `${dayOf(u.created_at)} ${clock(u.created_at)}` : ''}</td>
            <td>${u.disabled ? t('users.disabled') : t('users.active')}</td>
            <td>${me && u.id === me.id ? html`<span class="muted">${t('users.you')}</span>` : html`<button type="button" class="secondary" onClick=${() => toggle(u)}>${u.disabled ? t('users.enable') : t('users.disable')}</button>`}</td></tr>`)}</tbody>
        </table><//>`
      : null}`;
}

export function UsersPage({ user }) {
  const list = useAsync(() => listAll('/tokens'), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState('staff');
  const [created, setCreated] = useState(null);
  const { submit: create, error, setError } = useSubmit(async () => {
    setCreated(await api.post('/tokens', { name, role }));
    setName('');
    list.reload();
  });
  async function revoke(tok) {
    setError(null);
    try {
      await api.del(`/tokens/${tok.id}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<section>
    <div class="page-head"><h1>${t('nav.users')}</h1></div>
    <${StaffLogins} me=${user} />
    <h2>${t('users.tokens')}</h2>
    <${ErrorBox} error=${error || list.error} />
    ${created?.token ? html`<div class="ok-box" role="status">${t('users.token_once')}<br /><code class="token">${created.token}</code></div>` : null}
    <form class="card" onSubmit=${create}><div class="form-grid">
      <${Input} label=${t('field.name')} required value=${name} onInput=${setName} />
      <${Select} label=${t('users.role')} value=${role} onChange=${setRole} options=${['staff', 'admin'].map((r) => ({ value: r, label: t('role.' + r) }))} />
    </div><button type="submit">${t('users.create_token')}</button></form>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${list.data
      ? html`<${TableWrap}><table>
          <thead><tr><th scope="col">${t('field.name')}</th><th scope="col">${t('users.role')}</th><th scope="col">${t('users.created')}</th><th scope="col"><span class="visually-hidden">${t('bookings.actions')}</span></th></tr></thead>
          <tbody>${list.data.map((tok) => html`<tr><td>${tok.name}</td><td>${t('role.' + tok.role)}</td><td>${tok.created_at ? `${dayOf(tok.created_at)} ${clock(tok.created_at)}` : ''}</td>
            <td>${tok.revoked ? t('users.revoked') : html`<button type="button" class="secondary" onClick=${() => revoke(tok)}>${t('users.revoke')}</button>`}</td></tr>`)}</tbody>
        </table><//>`
      : null}
  </section>`;
}
