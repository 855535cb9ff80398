// A drag in the calendar is a question, not yet a change: "Move it there?",
// for a booking with "Tell the patient by e-mail"; once moved, the notice
// has Undo, which puts it back through the API (telling the patient again
// only if they were told of the move).
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { html, Checkbox, ErrorBox, Modal, useSubmit } from '../lib/ui.js';
import { wallFromDate, zoned, longDate, timeOf } from '../lib/time.js';
import { t, locale } from '../i18n/index.js';
import { byId } from './data.js';

const path = (kind, id) => `/${kind === 'appointment' ? 'appointments' : 'bookings'}/${id}`;

/** What a drop in the calendar asks to do: {kind, id, title, to, from} with start/staff_id parts. */
export function dropMove(info, tz) {
  const { kind, id, staffId } = info.event.extendedProps;
  const to = { start: zoned(wallFromDate(info.event.start), tz) };
  const from = { start: zoned(wallFromDate(info.oldEvent.start), tz) };
  if (info.newResource) {
    to.staff_id = Number(info.newResource.id);
    from.staff_id = Number(info.oldResource?.id ?? staffId);
  }
  return { kind, id, title: info.event.title, to, from, revert: info.revert };
}

function body(part, notify, kind) {
  return kind === 'booking' ? { ...part, notify_patient: notify } : { ...part };
}

/** Asks before a dropped block moves; onMoved({move, notify}) after the server took it. */
export function MoveDialog({ move, refs, onMoved, onClose }) {
  const [notify, setNotify] = useState(true);
  const when = `${longDate(move.to.start.slice(0, 10), locale())} ${timeOf(move.to.start)}`;
  const staff = move.to.staff_id ? byId(refs.staff, move.to.staff_id)?.name : '';
  // A refused move goes back at once; the calendar says why.
  const { submit, busy } = useSubmit(async () => {
    try {
      await api.patch(path(move.kind, move.id), body(move.to, notify, move.kind));
    } catch (e) {
      move.revert();
      return onClose(e);
    }
    onMoved({ move, notify });
  });
  const cancel = () => {
    move.revert();
    onClose(null);
  };
  return html`<${Modal} title=${t('move.title')} onClose=${cancel}>
    <form onSubmit=${submit}>
      <p>${staff ? t('move.question_staff', { what: move.title, when, staff }) : t('move.question', { what: move.title, when })}</p>
      ${move.kind === 'booking' ? html`<${Checkbox} label=${t('move.notify')} checked=${notify} onChange=${setNotify} />` : null}
      <div class="actions">
        <button type="submit" disabled=${busy}>${t('move.confirm')}</button>
        <button type="button" class="secondary" onClick=${cancel}>${t('move.keep')}</button>
      </div>
    </form>
  <//>`;
}

/** The notice after a move, with Undo; onUndone(text) once it is back. */
export function MovedNotice({ moved, onUndone }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function undo() {
    setBusy(true);
    setError(null);
    try {
      const { move, notify } = moved;
      await api.patch(path(move.kind, move.id), body(move.from, notify, move.kind));
      onUndone(t('move.undone', { time: timeOf(move.from.start) }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return html`<div class="ok-box moved-notice" role="status">
    <span>${moved.notify && moved.move.kind === 'booking' ? t('move.moved_told') : t('cal.moved')}</span>
    <button type="button" class="secondary" onClick=${undo} disabled=${busy}>${t('move.undo')}</button>
  </div>
  <${ErrorBox} error=${error} />`;
}
