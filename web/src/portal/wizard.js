// Client self-booking (seed 001): Select Service -> staff member -> date and
// time -> notes -> payment (per the clinic's client payment setting) -> your
// details (signed in, sign in, or create an account) -> "Complete
// Reservation" -> confirmation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, login, currentUser } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, Input, Textarea, useSubmit } from '../lib/ui.js';
import { addDays, dateAt, dateOf, timeOf, todayIn, longDate } from '../lib/time.js';
import { t, locale, digits } from '../i18n/index.js';
import { staffName, money, paymentLabel, Problem, offeredStaff } from './catalogue.js';
import { signupProblems } from './checks.js';
import { MethodStep, PaymentNote, goToCard, payBody, payChoiceText, payMethods, pendingPayment, notedPending } from './payment.js';
import { PackageCoverage } from './packages.js';
import { availabilityWithSeats, isFull, slotLabel } from '../lib/seats.js';

const ANY = 'any';
const PATIENT_FIELDS = ['patient.name', 'patient.phone', 'patient.email', 'patient.password', 'name', 'phone', 'email', 'password'];

/** A SMART Scheduling Links deep link, /book?slot=<staff>-<location>-<service>-<start, UTC s>
 * (the FHIR Slot's id), with the booking-referral the slot finder added; null when the page
 * was not opened on a slot of a service offered here. */
function linkedSlot(cat) {
  const q = new URLSearchParams(location.search);
  const m = /^(\d+)-(\d+)-(\d+)-(\d+)$/.exec(q.get('slot') || '');
  if (!m || !cat.services?.some((s) => s.id === +m[3])) return null;
  return { staffId: +m[1], serviceId: +m[3], start: +m[4] * 1000, referral: (q.get('booking-referral') || '').slice(0, 200) };
}

export function BookingWizard({ cat, user, onUser }) {
  const settings = cat.settings || {};
  const single = !!(settings.book_one_service_only || settings.assign_services_to_staff);
  const tz = settings.timezone || '';
  const payStep = cat.clientPayment !== 'disabled';
  const steps = ['service', 'staff', 'datetime', 'notes', ...(payStep ? ['payment'] : []), 'details'];
  const [link, setLink] = useState(() => linkedSlot(cat));

  const [step, setStep] = useState(link ? steps.indexOf('datetime') : 0);
  const [serviceIds, setServiceIds] = useState(link ? [link.serviceId] : []);
  const [staffId, setStaffId] = useState(link ? link.staffId : ANY);
  const [date, setDate] = useState(() => (link ? dateAt(link.start, tz) : todayIn(tz)));
  const [slot, setSlot] = useState(null);
  const [notes, setNotes] = useState('');
  const [pay, setPay] = useState(null);
  const [booking, setBooking] = useState(null);
  const [hold, setHold] = useState(null);
  const [holdError, setHoldError] = useState(null);
  const holdRef = useRef(null); // the live hold, for releasing it without a stale closure
  const headRef = useRef(null);

  const services = serviceIds.map((id) => cat.services.find((s) => s.id === id)).filter(Boolean);
  const total = services.reduce((a, s) => a + (s.price || 0), 0);
  const duration = services.reduce((a, s) => a + (s.duration_min || 0), 0);
  const name = steps[step];

  // Moving between steps takes focus to the new step's heading (not on load).
  const moved = useRef(false);
  useEffect(() => {
    if (moved.current) headRef.current?.focus();
    moved.current = true;
  }, [step, !!booking]);

  function go(to) {
    setStep(Math.max(0, Math.min(steps.length - 1, to)));
  }

  // Picking a time holds it for this session (POST /holds) while the
  // patient finishes; another pick or none releases the last hold.
  async function pickSlot(next) {
    const old = holdRef.current;
    holdRef.current = null;
    setHold(null);
    setHoldError(null);
    if (old) api.del(`/holds/${old.id}`).catch(() => {});
    setSlot(next);
    if (!next) return;
    try {
      // A seat in a group event is held by the event, any other time by staff, services and start.
      const h = await api.post('/holds', next.group_event_id
        ? { group_event_id: next.group_event_id, seats: 1 }
        : { staff_id: next.staff_id, service_ids: serviceIds, start: next.start });
      const minutes = Number(settings.hold_minutes) || 0;
      // The browser's own clock counts down, whatever the server's says.
      const until = minutes ? Date.now() + minutes * 60000 : Date.parse(h.expires_at);
      holdRef.current = { ...h, until };
      setHold(holdRef.current);
    } catch (e) {
      if (e.status === 409) {
        setSlot(null);
        setHoldError(next.group_event_id ? t('seats.hold_full') : t('capacity.hold_failed'));
      }
    }
  }
  const clearSlot = () => pickSlot(null);

  function toggleService(id) {
    clearSlot();
    const next = single
      ? serviceIds.includes(id) ? [] : [id]
      : serviceIds.includes(id) ? serviceIds.filter((x) => x !== id) : [...serviceIds, id];
    setServiceIds(next);
    // A staff member picked for other services may not provide these ones.
    if (staffId !== ANY && !offeredStaff(cat, next).some((s) => s.id === staffId)) setStaffId(ANY);
  }

  function restart() {
    setServiceIds([]);
    setStaffId(ANY);
    holdRef.current = null;
    setHold(null);
    setSlot(null);
    setNotes('');
    setPay(null);
    setBooking(null);
    setStep(0);
  }

  if (booking) {
    return html`<${Confirmation} cat=${cat} booking=${booking} services=${services} headRef=${headRef} onAgain=${restart} />`;
  }

  const ready = {
    service: services.length > 0,
    staff: true,
    datetime: !!slot,
    notes: true,
    payment: !!pay,
    details: true,
  };

  const summary = html`<${Summary} cat=${cat} services=${services} staffId=${staffId} slot=${slot} hold=${hold} total=${total}
    duration=${duration} onRemoveService=${(id) => {
      toggleService(id);
      if (serviceIds.length === 1) go(0);
    }}
    onRemoveStaff=${step > 1 ? () => { setStaffId(ANY); clearSlot(); } : null} />`;

  let body;
  if (name === 'service') body = html`<${ServiceStep} cat=${cat} single=${single} selected=${serviceIds} onToggle=${toggleService} />`;
  else if (name === 'staff')
    body = html`<${StaffStep} cat=${cat} serviceIds=${serviceIds} value=${staffId}
      onChange=${(v) => { setStaffId(v); clearSlot(); }} />`;
  else if (name === 'datetime')
    body = html`<${DateTimeStep} cat=${cat} tz=${tz} serviceIds=${serviceIds} services=${services} staffId=${staffId} date=${date}
      onDate=${(d) => { setDate(d); clearSlot(); }} slot=${slot} onSlot=${pickSlot}
      linked=${link && !link.done ? link : null} onLinked=${(s) => { pickSlot(s); setLink({ ...link, done: true }); go(step + 1); }} />
      ${holdError ? html`<p class="error-box" role="alert">${holdError}</p>` : null}`;
  else if (name === 'notes')
    body = html`<${Textarea} label=${t('portal.notes.label')} value=${notes} onInput=${setNotes} rows="4" maxlength="2000"
      aria-describedby="notes-hint" /><small id="notes-hint" class="hint">${t('portal.notes.hint')}</small>`;
  else if (name === 'payment')
    body = html`<${payMethods(cat).length ? MethodStep : PaymentStep} cat=${cat} total=${total} value=${pay}
      onChoose=${(v) => { setPay(v); go(step + 1); }} />`;
  else
    body = html`<${DetailsStep} cat=${cat} user=${user} onUser=${onUser} services=${services} staffId=${staffId}
      slot=${slot} hold=${hold} notes=${notes} pay=${pay} total=${total} referral=${link?.referral} onBooked=${(b) => { holdRef.current = null; setBooking(b); }}
      onPickTime=${() => go(steps.indexOf('datetime'))} />`;

  const showNext = name !== 'details' && name !== 'payment';
  return html`<div class="portal-wizard">
    <section class="card wizard-main" aria-labelledby="step-title">
      <p class="step-count muted">${t('portal.step.of', { n: step + 1, total: steps.length })}</p>
      <h1 id="step-title" tabindex="-1" ref=${headRef}>${t('portal.step.' + name)}</h1>
      <ol class="step-dots" aria-hidden="true">
        ${steps.map((s, i) => html`<li class=${i === step ? 'current' : i < step ? 'done' : ''}></li>`)}
      </ol>
      ${showNext
        ? html`<form onSubmit=${(e) => { e.preventDefault(); if (ready[name]) go(step + 1); }}>
            ${body}
            <div class="actions wizard-actions">
              ${step > 0 ? html`<button type="button" class="secondary" onClick=${() => go(step - 1)}>${t('portal.back')}</button>` : null}
              <button type="submit" disabled=${!ready[name]}>${t('portal.next')}</button>
            </div>
            ${!ready[name] && name === 'service' ? html`<p class="hint">${t('portal.service.need_one')}</p>` : null}
            ${!ready[name] && name === 'datetime' ? html`<p class="hint">${t('portal.times.need_one')}</p>` : null}
          </form>`
        : html`${body}
            <div class="actions wizard-actions">
              <button type="button" class="secondary" onClick=${() => go(step - 1)}>${t('portal.back')}</button>
            </div>`}
    </section>
    ${summary}
  </div>`;
}

/** How long the picked time stays held, counting down each second. */
function HoldTimer({ hold }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [hold.id]);
  const left = Math.max(0, Math.ceil((hold.until - now) / 1000));
  if (left === 0) return html`<p class="hold-timer expired" role="alert">${t('capacity.hold_expired')}</p>`;
  const time = digits(`${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`);
  return html`<p class="hold-timer" role="timer">${t('capacity.hold_left', { time })}</p>`;
}

function Summary({ cat, services, staffId, slot, hold, total, duration, onRemoveService, onRemoveStaff }) {
  return html`<aside class="card wizard-summary" aria-labelledby="summary-title">
    <h2 id="summary-title">${t('portal.summary.title')}</h2>
    <h3>${t('portal.summary.selected')}</h3>
    ${services.length
      ? html`<ul class="summary-list">
          ${services.map((s) => html`<li>
            <span class="grow">${s.name}<br /><small class="muted">${t('portal.service.meta', { duration: s.duration_min, price: money(cat, s.price) })}</small></span>
            <button type="button" class="link remove" aria-label=${t('portal.summary.remove', { name: s.name })}
              onClick=${() => onRemoveService(s.id)}>×</button>
          </li>`)}
        </ul>`
      : html`<p class="muted">${t('portal.summary.none')}</p>`}
    ${staffId !== ANY
      ? html`<h3>${t('portal.summary.staff')}</h3>
          <ul class="summary-list"><li><span class="grow">${staffName(cat, staffId)}</span>
            ${onRemoveStaff
              ? html`<button type="button" class="link remove" aria-label=${t('portal.summary.remove', { name: staffName(cat, staffId) })}
                  onClick=${onRemoveStaff}>×</button>`
              : null}</li></ul>`
      : null}
    ${slot
      ? html`<h3>${t('portal.summary.when')}</h3>
          <p>${longDate(dateOf(slot.start), locale())}, ${t('portal.time.range', { start: timeOf(slot.start), end: timeOf(slot.end) })}</p>
          ${slot.group_event_id ? html`<p class="muted">${t('seats.left', { n: Number(slot.seats_left) })}</p>` : null}
          ${hold ? html`<${HoldTimer} hold=${hold} />` : null}`
      : null}
    ${services.length
      ? html`<p class="summary-total"><span>${t('portal.summary.total')}</span>
          <strong>${money(cat, total)}</strong><small class="muted">${t('portal.summary.duration', { min: duration })}</small></p>`
      : null}
  </aside>`;
}

function ServiceStep({ cat, single, selected, onToggle }) {
  if (!cat.services.length) return html`<p>${t('portal.catalogue.empty')}</p>`;
  const groups = {};
  for (const s of cat.services) (groups[s.category || ''] ||= []).push(s);
  return html`<fieldset class="choice-list">
    <legend>${t('portal.service.legend')}</legend>
    <p class="hint">${single ? t('portal.service.help_one') : t('portal.service.help_many')}</p>
    ${Object.entries(groups).map(([cat_, list]) => html`
      ${cat_ ? html`<p class="choice-group">${cat_}</p>` : null}
      ${list.map((s) => html`<label class="choice ${selected.includes(s.id) ? 'selected' : ''}">
        <input type=${single ? 'radio' : 'checkbox'} name="service" value=${s.id} checked=${selected.includes(s.id)}
          onClick=${single ? () => onToggle(s.id) : undefined} onChange=${single ? undefined : () => onToggle(s.id)} />
        <span class="grow"><strong>${s.name}</strong><br />
          <small class="muted">${t('portal.service.meta', { duration: s.duration_min, price: money(cat, s.price) })}</small></span>
      </label>`)}`)}
  </fieldset>`;
}

function StaffStep({ cat, serviceIds, value, onChange }) {
  const staff = offeredStaff(cat, serviceIds);
  return html`<fieldset class="choice-list">
    <legend>${t('portal.staff.legend')}</legend>
    <label class="choice ${value === ANY ? 'selected' : ''}">
      <input type="radio" name="staff" value="any" checked=${value === ANY} onChange=${() => onChange(ANY)} />
      <span class="grow"><strong>${t('portal.staff.any')}</strong><br /><small class="muted">${t('portal.staff.any_hint')}</small></span>
    </label>
    ${staff.map((s) => html`<label class="choice ${value === s.id ? 'selected' : ''}">
      <input type="radio" name="staff" value=${s.id} checked=${value === s.id} onChange=${() => onChange(s.id)} />
      <span class="grow"><strong>${s.name}</strong></span>
    </label>`)}
    ${cat.staff === null ? html`<p class="hint">${t('portal.staff.unknown')}</p>` : null}
    ${cat.staff && !staff.length ? html`<p class="hint">${t('portal.staff.none')}</p>` : null}
  </fieldset>`;
}

function availabilityParams(serviceIds, staffId, from, to) {
  return { service_ids: serviceIds.join(','), from, to, staff_id: staffId === ANY ? undefined : staffId };
}

function DateTimeStep({ cat, tz, serviceIds, services, staffId, date, onDate, slot, onSlot, linked, onLinked }) {
  const today = todayIn(tz);
  const advance = cat.settings?.max_advance_days;
  const last = advance > 0 ? addDays(today, advance) : undefined;
  const avail = useAsync(() => availabilityWithSeats(availabilityParams(serviceIds, staffId, date, date), services, date), [
    serviceIds.join(','),
    staffId,
    date,
  ]);
  const [search, setSearch] = useState({ busy: false, none: false, error: null });

  // Opened from a deep link: that slot, while it is still free, is the choice.
  useEffect(() => {
    const s = linked && avail.data?.slots?.find((x) => x.staff_id === linked.staffId && Date.parse(x.start) === linked.start);
    if (s) onLinked(s);
  }, [avail.data]);

  // One button per start time (per group event); with "any" staff the first free one takes it.
  const times = [];
  const seen = new Set();
  for (const s of avail.data?.slots || []) {
    const key = s.group_event_id ? `g${s.group_event_id}` : s.start;
    if (seen.has(key)) continue;
    seen.add(key);
    times.push(s);
  }

  async function findNext() {
    setSearch({ busy: true, none: false, error: null });
    const from = addDays(date, 1);
    try {
      const r = await api.get('/availability', availabilityParams(serviceIds, staffId, from, addDays(from, 60)));
      const first = r.slots?.find((s) => !isFull(s));
      setSearch({ busy: false, none: !first, error: null });
      if (first) onDate(dateOf(first.start));
    } catch (e) {
      setSearch({ busy: false, none: false, error: e });
    }
  }

  return html`<div class="datetime">
    <div class="date-row">
      <button type="button" class="secondary" disabled=${date <= today} onClick=${() => onDate(addDays(date, -1))}
        aria-label=${t('portal.date.prev')}>‹</button>
      <${Input} label=${t('portal.date.label')} type="date" min=${today} max=${last} value=${date}
        onInput=${(v) => v && onDate(v < today ? today : v)} />
      <button type="button" class="secondary" disabled=${last && date >= last} onClick=${() => onDate(addDays(date, 1))}
        aria-label=${t('portal.date.next')}>›</button>
    </div>
    <fieldset class="times">
      <legend>${t('portal.times.legend', { date: longDate(date, locale()) })}</legend>
      ${avail.loading ? html`<${Loading} label=${t('portal.loading')} />` : null}
      <${ErrorBox} error=${avail.error} />
      ${!avail.loading && !avail.error && !times.length
        ? html`<p>${t('portal.times.none')}</p>
            <button type="button" class="secondary" onClick=${findNext} disabled=${search.busy}>
              ${search.busy ? t('portal.times.searching') : t('portal.times.find_next')}</button>
            ${search.none ? html`<p class="hint">${t('portal.times.none_soon')}</p>` : null}
            <${ErrorBox} error=${search.error} />`
        : null}
      ${!avail.loading && times.length
        ? html`<div class="time-grid">
            ${times.map((s) => {
              const on = slot && slot.start === s.start && (staffId === ANY || slot.staff_id === s.staff_id) && slot.group_event_id === s.group_event_id;
              return html`<button type="button" class="time ${on ? 'selected' : 'secondary'} ${s.group_event_id ? 'seat-slot' : ''}" aria-pressed=${on ? 'true' : 'false'}
                disabled=${isFull(s)} onClick=${() => onSlot(s)}>${slotLabel(s)}</button>`;
            })}
          </div>`
        : null}
    </fieldset>
    ${slot && staffId === ANY && cat.staff
      ? html`<p class="muted">${digits(timeOf(slot.start))} ${t('portal.times.with', { name: staffName(cat, slot.staff_id) })}</p>`
      : null}
  </div>`;
}

function PaymentStep({ cat, total, value, onChoose }) {
  const mode = cat.clientPayment; // "enabled", "optional" or null (unknown)
  return html`<div class="payment-step">
    <p class="pay-amount">${t('portal.pay.intro', { amount: money(cat, total) })}</p>
    <p>${mode === 'enabled' ? t('portal.pay.required') : t('portal.pay.optional')}</p>
    <p class="hint">${t('portal.pay.pending_note')}</p>
    <div class="actions pay-actions">
      <button type="button" aria-pressed=${value === 'now' ? 'true' : 'false'} onClick=${() => onChoose('now')}>${t('portal.pay.now')}</button>
      ${mode !== 'enabled'
        ? html`<button type="button" class="secondary" aria-pressed=${value === 'skip' ? 'true' : 'false'}
            onClick=${() => onChoose('skip')}>${t('portal.pay.skip')}</button>`
        : null}
    </div>
  </div>`;
}

function fieldError(err, ...names) {
  if (!err) return '';
  for (const n of names) {
    const m = err.fieldError(n);
    if (m) return m;
  }
  return '';
}

function DetailsStep({ cat, user, onUser, services, staffId, slot, hold, notes, pay, total, referral, onBooked, onPickTime }) {
  const signup = cat.settings?.allow_self_signup !== false;
  const [mode, setMode] = useState(signup ? 'new' : 'existing');
  const [form, setForm] = useState({ name: '', phone: '', email: '', password: '' });
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const isPatient = user && user.role === 'patient';
  const isStaff = user && user.role !== 'patient';
  const [left, setLeft] = useState({});
  const [reveal, setReveal] = useState(false);
  const local = !user && mode === 'new' ? signupProblems(form) : {};
  const leave = (k) => () => setLeft({ ...left, [k]: true });
  // One message per field: the rule it breaks (once left, or on Complete), else the server's.
  const check = (k, ...names) => ((reveal || left[k]) && local[k]) || fieldError(error, ...names);

  const { submit: complete, busy, error } = useSubmit(async () => {
    if (Object.keys(local).length) return setReveal(true);
    let me = user;
    const body = slot.group_event_id
      ? { group_event_id: slot.group_event_id, notes }
      : { staff_id: slot.staff_id, service_ids: services.map((s) => s.id), start: slot.start, notes };
    if (pay) Object.assign(body, payBody(pay));
    if (referral) body.booking_referral = referral;
    if (hold) body.hold_token = hold.token;
    if (!isPatient && mode === 'existing') {
      me = await login(form.email.trim(), form.password);
      onUser(me);
    } else if (!isPatient) {
      body.patient = { name: form.name.trim(), phone: form.phone.trim(), email: form.email.trim(), password: form.password };
    }
    const booking = await api.post('/bookings', body);
    // A new patient leaves signed in; pick up the session and its CSRF token.
    if (!isPatient && mode === 'new') onUser(await currentUser());
    let invoice = null;
    if (booking.invoice_id) invoice = await api.get(`/invoices/${booking.invoice_id}`).catch(() => null);
    // Card: on to the card provider's page; if that fails the confirmation offers it again.
    const card = pay === 'now:card' && pendingPayment(invoice);
    if (card && (await goToCard(card.id).then(() => true, () => false))) return;
    onBooked({ ...booking, invoice, staffId, total });
  });

  const payText = payChoiceText(cat, pay, total) || (pay === 'now' ? t('portal.pay.chosen_now', { amount: money(cat, total) }) : pay === 'skip' ? t('portal.pay.chosen_skip') : t('portal.pay.chosen_none'));

  return html`<div class="details-step">
    <h2>${t('portal.details.review')}</h2>
    <dl class="details">
      <dt>${t('portal.done.services')}</dt><dd>${services.map((s) => s.name).join(', ')}</dd>
      <dt>${t('portal.done.staff')}</dt><dd>${staffName(cat, slot.staff_id)}</dd>
      <dt>${t('portal.done.date')}</dt><dd>${longDate(dateOf(slot.start), locale())}</dd>
      <dt>${t('portal.done.time')}</dt><dd>${t('portal.time.range', { start: timeOf(slot.start), end: timeOf(slot.end) })}</dd>
      <dt>${t('portal.done.price')}</dt><dd>${money(cat, total)}</dd>
      <dt>${t('portal.payment_label')}</dt><dd>${payText}</dd>
      ${notes ? html`<dt>${t('portal.notes_label')}</dt><dd class="pre">${notes}</dd>` : null}
    </dl>

    ${isPatient ? html`<${PackageCoverage} cat=${cat} services=${services} slot=${slot} />` : null}
    ${isStaff
      ? html`<div class="warn-box">${t('portal.details.staff_session')} <a href="/">${t('portal.details.staff_app')}</a></div>`
      : null}
    ${isPatient ? html`<p class="ok-box">${user.login_as ? t('portal.details.as_patient_staff', { name: user.patient_name || '' }) : t('portal.details.as_patient', { email: user.email })}</p>` : null}

    <form onSubmit=${complete} class="identity" novalidate>
      ${!user
        ? html`<fieldset class="choice-list">
            <legend>${t('portal.details.who')}</legend>
            ${signup
              ? html`<label class="choice ${mode === 'new' ? 'selected' : ''}">
                  <input type="radio" name="who" value="new" checked=${mode === 'new'} onChange=${() => setMode('new')} />
                  <span class="grow">${t('portal.details.new')}</span>
                </label>`
              : null}
            <label class="choice ${mode === 'existing' ? 'selected' : ''}">
              <input type="radio" name="who" value="existing" checked=${mode === 'existing'} onChange=${() => setMode('existing')} />
              <span class="grow">${t('portal.details.existing')}</span>
            </label>
          </fieldset>
          <p class="hint">${t('portal.details.account_hint')}</p>
          ${mode === 'new'
            ? html`<div class="form-grid">
                <${Input} label=${t('portal.field.name')} autocomplete="name" required value=${form.name} onInput=${set('name')}
                  onBlur=${leave('name')} error=${check('name', 'patient.name', 'name', 'patient')} />
                <${Input} label=${t('portal.field.phone')} type="tel" autocomplete="tel" required value=${form.phone} onInput=${set('phone')}
                  onBlur=${leave('phone')} error=${check('phone', 'patient.phone', 'phone')} />
                <${Input} label=${t('portal.field.email')} type="email" autocomplete="email" required value=${form.email} onInput=${set('email')}
                  onBlur=${leave('email')} error=${check('email', 'patient.email', 'email')} />
                <${Input} label=${t('portal.field.password')} type="password" autocomplete="new-password" required value=${form.password}
                  onInput=${set('password')} onBlur=${leave('password')} hint=${t('portal.field.password_hint')}
                  error=${check('password', 'patient.password', 'password')} />
              </div>`
            : html`<div class="form-grid">
                <${Input} label=${t('portal.field.email')} type="email" autocomplete="username" required value=${form.email} onInput=${set('email')} />
                <${Input} label=${t('portal.field.password')} type="password" autocomplete="current-password" required value=${form.password}
                  onInput=${set('password')} />
              </div>`}`
        : null}
      <${Problem} error=${error} shown=${!user && mode === 'new' ? PATIENT_FIELDS : []} />
      ${error && error.status === 409
        ? html`<p><button type="button" class="secondary" onClick=${onPickTime}>${t('portal.choose_other_time')}</button></p>`
        : null}
      <div class="actions">
        <button type="submit" class="primary-big" disabled=${busy || isStaff}>${busy ? t('portal.completing') : t('portal.complete')}</button>
      </div>
    </form>
  </div>`;
}

function Confirmation({ cat, booking, services, headRef, onAgain }) {
  const inv = booking.invoice;
  const price = inv ? money(cat, inv.total, inv.currency) : money(cat, booking.total);
  const status = booking.payment_status || 'unpaid';
  return html`<section class="card confirmation" aria-labelledby="done-title">
    <h1 id="done-title" tabindex="-1" ref=${headRef}>${t('portal.done.title')}</h1>
    <p>${t('portal.done.lead')}</p>
    <dl class="details">
      <dt>${t('portal.done.reference')}</dt><dd>${digits(booking.id)}</dd>
      <dt>${t('portal.done.date')}</dt><dd>${longDate(dateOf(booking.start), locale())}</dd>
      <dt>${t('portal.done.time')}</dt><dd>${t('portal.time.range', { start: timeOf(booking.start), end: timeOf(booking.end) })}</dd>
      <dt>${t('portal.done.staff')}</dt><dd>${staffName(cat, booking.staff_id)}</dd>
      <dt>${t('portal.done.services')}</dt><dd>${services.map((s) => s.name).join(', ')}</dd>
      <dt>${t('portal.done.price')}</dt><dd>${price}</dd>
      <dt>${t('portal.done.payment')}</dt><dd><span class="badge ${status}">${paymentLabel(status)}</span>
        ${status === 'pending' && !notedPending(inv) ? html`<br /><small>${t('portal.payment.pending_explain')}</small>` : null}</dd>
    </dl>
    <${PaymentNote} cat=${cat} invoice=${inv} />
    <div class="actions">
      <a class="button" href="#/appointments">${t('portal.done.my_appointments')}</a>
      <button type="button" class="secondary" onClick=${onAgain}>${t('portal.done.book_another')}</button>
    </div>
  </section>`;
}
