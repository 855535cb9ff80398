// Users and API tokens, as far as the API goes: admins create, list and
// revoke integration tokens; staff logins are added with `chairside user
// add`, patient logins from the patient's profile.
import { useState } from 'preact/hooks';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Select, useSubmit, TableWrap } from '../lib/ui.js';
import { dateOf, timeOf, clock, dayOf } from '../lib/time.js';
import { t } from '../i18n/index.js';

export function UsersPage() {
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
    <div class="card"><p>${t('users.how')}</p><pre><code>chairside user add --email E --password P --role admin|staff</code></pre></div>
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
