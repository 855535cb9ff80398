// How a patient pays, among the methods the clinic enables
// (settings.payment_methods): a bank transfer to the clinic's account with
// a reference, a card on the card gateway's own page, or at the desk. And
// what a booking's or invoice's payment waits for, in words.
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, ErrorBox } from '../lib/ui.js';
import { t } from '../i18n/index.js';
import { money } from './catalogue.js';

/** The methods offered for this booking: the desk only when paying later is allowed. */
export function payMethods(cat) {
  const listed = (cat?.settings?.payment_methods || '').split(',').filter(Boolean);
  return listed.filter((m) => m !== 'desk' || cat.clientPayment !== 'enabled');
}

/** A wizard choice ("now:card", "skip", legacy "now") as POST /bookings fields. */
export function payBody(choice) {
  const [pay, method] = choice.split(':');
  return method ? { pay, pay_method: method } : { pay };
}

export function payChoiceText(cat, choice, total) {
  const amount = money(cat, total);
  if (choice === 'now:bank_transfer') return t('portal.paym.chosen_bank', { amount });
  if (choice === 'now:card') return t('portal.paym.chosen_card', { amount });
  if (choice === 'skip' && payMethods(cat).includes('desk')) return t('portal.paym.chosen_desk');
  return null;
}

/** The payment step when the clinic lists its methods: one button each, with what it means. */
export function MethodStep({ cat, total, value, onChoose }) {
  const choices = payMethods(cat).map((m) => (m === 'desk' ? 'skip' : 'now:' + m));
  const name = (c) => (c === 'skip' ? 'desk' : c.slice(4));
  return html`<div class="payment-step">
    <p class="pay-amount">${t('portal.pay.intro', { amount: money(cat, total) })}</p>
    <p>${cat.clientPayment === 'enabled' ? t('portal.pay.required') : t('portal.paym.choose')}</p>
    <ul class="choice-list pay-methods">
      ${choices.map((c) => html`<li class="choice ${value === c ? 'selected' : ''}">
        <span class="grow"><strong>${t('portal.paym.' + name(c))}</strong><br />
          <small class="muted">${t('portal.paym.' + name(c) + '_hint')}</small></span>
        <button type="button" aria-pressed=${value === c ? 'true' : 'false'} onClick=${() => onChoose(c)}>
          ${t('portal.paym.pick_' + name(c))}</button>
      </li>`)}
    </ul>
  </div>`;
}

/** The invoice's payment that waits for something, if any. */
export function pendingPayment(invoice) {
  return (invoice?.payments || []).find((p) => p.status === 'pending' && (p.kind || 'payment') === 'payment') || null;
}

/** 1 when PaymentNote says what the invoice's pending payment waits for. */
export function notedPending(invoice) {
  return ['bank_transfer', 'card'].includes(pendingPayment(invoice)?.method);
}

/** Sends the patient to the card gateway's page for the pending card payment. */
export async function goToCard(paymentId) {
  const r = await api.post(`/payments/${paymentId}/checkout`, {});
  location.assign(r.redirect_url);
}

function CardButton({ payment }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function go() {
    setBusy(true);
    setError(null);
    try {
      await goToCard(payment.id);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return html`<div class="actions"><button type="button" onClick=${go} disabled=${busy}>
      ${busy ? t('portal.paym.going') : t('portal.paym.pay_card')}</button></div>
    <${ErrorBox} error=${error} />`;
}

/**
 * What the invoice's payment waits for and why: the bank transfer with the
 * clinic's details and the reference to write on it, the card payment not
 * yet confirmed by the card provider (with a button to go and pay), or the
 * amount left to pay at the desk.
 */
export function PaymentNote({ cat, invoice }) {
  if (!invoice || invoice.status === 'void') return null;
  const p = pendingPayment(invoice);
  const cur = invoice.currency;
  if (p && p.method === 'bank_transfer') {
    return html`<div class="warn-box pay-note" role="note">
      <p><strong>${t('portal.paym.wait_bank', { amount: money(cat, p.amount, cur) })}</strong></p>
      <dl class="details compact">
        <dt>${t('portal.paym.bank_to')}</dt><dd class="pre">${cat?.settings?.bank_details || ''}</dd>
        <dt>${t('portal.paym.reference')}</dt><dd><code>${p.reference}</code></dd>
        <dt>${t('portal.paym.amount')}</dt><dd>${money(cat, p.amount, cur)}</dd>
      </dl>
      <p class="hint">${t('portal.paym.bank_why')}</p>
    </div>`;
  }
  if (p && p.method === 'card') {
    return html`<div class="warn-box pay-note" role="note">
      <p><strong>${t('portal.paym.wait_card', { amount: money(cat, p.amount, cur) })}</strong></p>
      <p class="hint">${t('portal.paym.card_why')}</p>
      <${CardButton} payment=${p} />
    </div>`;
  }
  if (p) return null; // the clinic's own means: the page's generic pending line says it
  const due = invoice.balance_due ?? invoice.total - invoice.paid;
  if (due > 0 && payMethods(cat).includes('desk') && !invoice.credit_owed) {
    return html`<p class="hint pay-note">${t('portal.paym.at_desk', { amount: money(cat, due, cur) })}</p>`;
  }
  return null;
}

/** The message after coming back from the card gateway (?checkout=done|cancelled), once. */
export function takeCheckoutReturn() {
  const q = new URLSearchParams(location.search);
  const how = q.get('checkout');
  if (!how) return null;
  history.replaceState(null, '', location.pathname + location.hash);
  return how === 'done' ? t('portal.paym.back_done') : t('portal.paym.back_cancelled');
}

/** The pay dialog's method choice: the online methods the clinic lists. */
export function OnlineMethods({ cat, value, onChange }) {
  const online = payMethods(cat).filter((m) => m !== 'desk');
  if (!online.length) return null;
  return html`<fieldset class="choice-list">
    <legend>${t('portal.paym.how')}</legend>
    ${online.map((m) => html`<label class="choice ${value === m ? 'selected' : ''}">
      <input type="radio" name="pay-method" value=${m} checked=${value === m} onChange=${() => onChange(m)} />
      <span class="grow"><strong>${t('portal.paym.' + m)}</strong><br /><small class="muted">${t('portal.paym.' + m + '_hint')}</small></span>
    </label>`)}
  </fieldset>`;
}
