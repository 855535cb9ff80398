// The calendar: a day view with one column per staff member of a location
// (shifts shaded, bookings, appointments and time off as blocks) and a week
// view for one staff member. Click free time to book, drag to reschedule,
// click an event to open its window.
import { useEffect, useRef, useState } from 'preact/hooks';
import { createCalendar, destroyCalendar, ResourceTimeGrid, TimeGrid, Interaction } from '@event-calendar/core';
import '@event-calendar/core/index.css';
import { api, listAll } from '../lib/api.js';
import { html, ErrorBox, Loading, useAsync, useMedia, ZoneNote } from '../lib/ui.js';
import { navigate, href } from '../lib/router.js';
import { addDays, todayIn, wall, wallFromDate, weekStart, longDate, timeOf, nowWall } from '../lib/time.js';
import { t, locale } from '../i18n/index.js';
import { loadRefs, byId, clinicZone } from './data.js';
import { EventWindow } from './event_window.js';
import { QuickBook, FreeTimeList, FreeTimeWeek, isFreeAt } from './quick_book.js';
import { MoveDialog, MovedNotice, dropMove } from './move_dialog.js';
import { seatsText } from './group_events.js';

const KIND_CLASS = { booking: 'ev-booking', appointment: 'ev-appointment', time_off: 'ev-timeoff', group_event: 'ev-group' };

/** Calendar events (and shaded shifts) for one staff member's day. */
function toEvents(member, resourced) {
  const out = [];
  const rid = resourced ? { resourceIds: [member.id] } : {};
  for (const s of member.shifts || []) {
    out.push({ start: wall(s.start), end: wall(s.end), display: 'background', classNames: ['ev-shift'], ...rid });
  }
  for (const e of member.events || []) {
    const cancelled = e.status === 'cancelled';
    const who = e.patient?.name;
    out.push({
      id: `${e.kind}-${e.id}`,
      start: wall(e.start),
      end: wall(e.end),
      title: e.kind === 'time_off'
        ? t('cal.time_off', { reason: e.title || '' })
        : e.kind === 'group_event'
          ? `${e.title || ''} · ${seatsText(e)}`
          : who ? `${who} · ${e.title || ''}` : e.title || '',
      // A group event moves with its participants: it is changed from its own window, not dragged.
      editable: !cancelled && e.kind !== 'time_off' && e.kind !== 'group_event',
      classNames: [KIND_CLASS[e.kind] || 'ev-booking', cancelled ? 'ev-cancelled' : '', !cancelled && e.attendance ? `att-${e.attendance}` : ''].filter(Boolean),
      backgroundColor: e.kind === 'booking' && !cancelled ? readableBackground(member.color) : undefined,
      extendedProps: { kind: e.kind, id: e.id, status: e.status, attendance: e.attendance, staffId: member.id, patient: e.patient },
      ...rid,
    });
  }
  return out;
}

/** The columns of the resource view: one per unit, named "Room 2" when a resource has more than one. */
export function unitColumns(day) {
  const units = {};
  for (const c of day.resources || []) units[c.resource_id] = (units[c.resource_id] || 0) + 1;
  return (day.resources || []).map((c) => ({
    id: `${c.resource_id}-${c.unit}`,
    title: units[c.resource_id] > 1 ? t('cal.resource_unit', { name: c.name, unit: c.unit }) : c.name,
    col: c,
  }));
}

/**
 * The resource view's blocks: each booking holding a unit, with its staff
 * member's name, and its buffers (the occupied interval) shaded behind it.
 */
function unitEvents(column, staff, services) {
  const out = [];
  const rid = { resourceIds: [column.id] };
  for (const e of column.col.events || []) {
    const kind = e.kind || 'booking';
    // A class holds one unit for all its seats, and names no patient.
    const who = kind === 'group_event' ? byId(services, e.service_id)?.name || e.title || t('kind.group_event') : e.patient?.name;
    const by = staff.find((s) => String(s.id) === String(e.staff_id));
    if (e.occupied_start !== e.start || e.occupied_end !== e.end) {
      out.push({ start: wall(e.occupied_start), end: wall(e.occupied_end), display: 'background', classNames: ['ev-occupied'], ...rid });
    }
    out.push({
      id: `unit-${column.id}-${e.id}`,
      start: wall(e.start),
      end: wall(e.end),
      title: [who, by?.name, kind === 'group_event' && e.capacity ? seatsText(e) : ''].filter(Boolean).join(' · '),
      editable: false,
      classNames: [KIND_CLASS[kind] || 'ev-booking', e.attendance ? `att-${e.attendance}` : ''].filter(Boolean),
      backgroundColor: kind === 'booking' ? readableBackground(by?.color) : undefined,
      extendedProps: { kind, id: e.id, status: e.status, attendance: e.attendance, staffId: e.staff_id, patient: e.patient },
      ...rid,
    });
  }
  return out;
}

/** The attendance in words inside the event (colour alone says nothing to a screen reader). */
function attendanceText(p) {
  if (!p?.attendance || p.status === 'cancelled') return '';
  return ` <span class="ev-att">${esc(t('attendance.' + p.attendance))}</span>`;
}

const ATTENDANCES = ['pending', 'confirmed', 'arrived', 'no_show'];

const esc = (x) => String(x ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Relative luminance of "#rrggbb" (WCAG 2). */
function luminance([r, g, b]) {
  const f = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * f(r / 255) + 0.7152 * f(g / 255) + 0.0722 * f(b / 255);
}

/**
 * A staff member's colour made dark enough for white text (4.5:1): staff
 * pick any colour, and the demo's green gave only 3.45:1.
 */
export function readableBackground(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
  if (!m) return undefined;
  let rgb = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  for (let i = 0; i < 20 && 1.05 / (luminance(rgb) + 0.05) < 4.6; i++) rgb = rgb.map((c) => Math.round(c * 0.92));
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}

/**
 * The calendar grid's ARIA: the library marks its frame a table whose
 * children are not rows, and each event an <article role="button">. The
 * frame becomes a named region without table roles; each event's content
 * is a real <button> (see eventContent), so the article loses its role.
 */
function mendAria(root, label) {
  const cal = root.querySelector('.ec');
  if (cal && cal.getAttribute('role') !== 'region') {
    cal.setAttribute('role', 'region');
    cal.setAttribute('aria-label', label);
  }
  for (const el of root.querySelectorAll('[role="row"], [role="rowgroup"], [role="columnheader"], [role="cell"]')) el.removeAttribute('role');
  for (const el of root.querySelectorAll('[aria-colindex], [aria-colspan]')) {
    el.removeAttribute('aria-colindex');
    el.removeAttribute('aria-colspan');
  }
  for (const el of root.querySelectorAll('article[role="button"]')) {
    el.removeAttribute('role');
    el.removeAttribute('tabindex');
  }
}

function hoursFor(days) {
  let min = 8 * 60;
  let max = 18 * 60;
  const mins = (iso) => +iso.slice(11, 13) * 60 + +iso.slice(14, 16);
  for (const day of days) {
    for (const m of [...(day.staff || []), ...(day.resources || [])]) {
      for (const s of [...(m.shifts || []), ...(m.events || []).map((e) => ({ start: e.occupied_start || e.start, end: e.occupied_end || e.end }))]) {
        min = Math.min(min, mins(s.start));
        const end = s.end.slice(0, 10) > s.start.slice(0, 10) ? 24 * 60 : mins(s.end);
        max = Math.max(max, end);
      }
    }
  }
  const hh = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:00:00`;
  return { slotMinTime: hh(Math.max(0, min - 60)), slotMaxTime: hh(Math.min(24 * 60, Math.ceil(max / 60) * 60 + 60)) };
}

// A staff day's group events (`kind: "group_event"`, with `seats_taken` and
// `capacity`) stand for their participants, whose bookings are not beside them.
async function loadDays(dates, locationId, view) {
  if (view === 'resources') return [await loadUnits(dates[0], locationId)];
  return Promise.all(dates.map((date) => api.get('/calendar', { date, location_id: locationId })));
}

/**
 * The resource view's day. A unit a class holds names only the event: its
 * service and seats come from the day's group events.
 */
async function loadUnits(date, locationId) {
  const day = await api.get('/calendar', { date, location_id: locationId, view: 'resources' });
  const held = (day.resources || []).flatMap((c) => c.events || []).filter((e) => e.kind === 'group_event');
  if (!held.length) return day;
  const groups = await listAll('/group-events', { from: date, to: date });
  for (const e of held) {
    const g = groups.find((x) => String(x.id) === String(e.id));
    if (g) Object.assign(e, { service_id: g.service_id, seats_taken: g.seats_taken, capacity: g.capacity, seats_left: g.seats_left });
  }
  return day;
}

const VIEWS = ['day', 'week', 'resources'];

export function CalendarPage({ params }) {
  const refs = useAsync(() => loadRefs(), []);
  if (refs.error) return html`<${ErrorBox} error=${refs.error} />`;
  if (!refs.data) return html`<${Loading} />`;
  return html`<${Calendar} refs=${refs.data} params=${params} />`;
}

function Calendar({ refs, params }) {
  const locationId = params.location_id || refs.locations[0]?.id;
  const tz = clinicZone(refs, locationId);
  const date = params.date || todayIn(tz);
  const view = VIEWS.includes(params.view) ? params.view : 'day';
  const staffId = params.staff_id || refs.staff[0]?.id;
  // On a phone the day view shows one staff member at a time, with a picker.
  const narrow = useMedia('(max-width: 640px)');
  const oneStaff = view === 'week' || (narrow && view === 'day');
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState(null);
  const [moveError, setMoveError] = useState(null);
  const [notice, setNotice] = useState('');
  const [quick, setQuick] = useState(null);
  const [move, setMove] = useState(null);
  const [moved, setMoved] = useState(null);
  const dates = view === 'week' ? [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(weekStart(date), i)) : [date];
  // Staff days and resource days have different shapes: while one loads, the other's data is not shown.
  const byUnit = view === 'resources';
  const loaded = useAsync(async () => ({ byUnit, list: await loadDays(dates, locationId, view) }), [dates.join(), locationId, view, reload]);
  const days = { ...loaded, data: loaded.data?.byUnit === byUnit ? loaded.data.list : null };
  // The resource view of a phone shows one unit at a time, with a picker.
  const units = view === 'resources' && days.data?.[0]?.resources ? unitColumns(days.data[0]) : [];
  const unitId = units.some((u) => u.id === params.unit) ? params.unit : units[0]?.id;

  const go = (changes) => navigate('/calendar', {
    location_id: locationId, date, view, staff_id: oneStaff ? staffId : undefined, unit: view === 'resources' && narrow ? unitId : undefined, ...changes,
  });
  const step = view === 'week' ? 7 : 1;

  // A drop asks first (move_dialog.js); a move can be undone from its notice.
  function onDrop(info) {
    setMoveError(null);
    setNotice('');
    setMoved(null);
    setMove(dropMove(info, tz));
  }

  // A click on free time (or a free-time button) opens the "New booking" pop-over.
  function onFreeClick(info) {
    const w = wallFromDate(info.date);
    setQuick({ staffId: info.resource ? info.resource.id : staffId, date: w.slice(0, 10), time: w.slice(11, 16) });
  }

  function onBooked(b, name) {
    setQuick(null);
    setMoveError(null);
    setMoved(null);
    setNotice(t('quick.booked', { name: name || '', time: timeOf(b.start), staff: byId(refs.staff, b.staff_id)?.name || '' }));
    setReload((n) => n + 1);
  }

  function onGroupCreated(r, n) {
    setQuick(null);
    setMoveError(null);
    setMoved(null);
    setNotice(t('group.saved', { n }));
    setReload((k) => k + 1);
  }

  return html`<section class="calendar-page">
    <div class="page-head">
      <h1>${t('nav.calendar')}</h1>
      <a class="button" href=${href('/booking/new', { date, location_id: locationId })}>${t('nav.create_booking')}</a>
      <a class="button secondary" href=${href('/appointments/new', { date })}>${t('nav.new_appointment')}</a>
    </div>
    <${ZoneNote} tz=${tz} />
    <div class="cal-toolbar" role="toolbar" aria-label=${t('cal.toolbar')}>
      ${refs.locations.length > 1
        ? html`<label class="inline">${t('cal.location')}
            <select value=${locationId} onChange=${(e) => go({ location_id: e.currentTarget.value })}>
              ${refs.locations.map((l) => html`<option value=${l.id}>${l.name}</option>`)}
            </select></label>`
        : html`<span class="muted">${refs.locations[0]?.name}</span>`}
      <div class="cal-nav">
        <button type="button" class="secondary" aria-label=${t('cal.prev')} onClick=${() => go({ date: addDays(date, -step) })}>‹</button>
        <button type="button" class="secondary" onClick=${() => go({ date: todayIn(tz) })}>${t('cal.today')}</button>
        <button type="button" class="secondary" aria-label=${t('cal.next')} onClick=${() => go({ date: addDays(date, step) })}>›</button>
      </div>
      <label class="inline">${t('cal.date')}
        <input type="date" value=${date} onChange=${(e) => e.currentTarget.value && go({ date: e.currentTarget.value })} /></label>
      <div class="seg" role="group" aria-label=${t('cal.view')}>
        <button type="button" class=${view === 'day' ? '' : 'secondary'} aria-pressed=${view === 'day'} onClick=${() => go({ view: 'day', staff_id: undefined })}>${t('cal.day')}</button>
        <button type="button" class=${view === 'week' ? '' : 'secondary'} aria-pressed=${view === 'week'} onClick=${() => go({ view: 'week', staff_id: staffId })}>${t('cal.week')}</button>
        <button type="button" class=${view === 'resources' ? '' : 'secondary'} aria-pressed=${view === 'resources'} onClick=${() => go({ view: 'resources', staff_id: undefined })}>${t('cal.resources')}</button>
      </div>
      ${oneStaff
        ? html`<label class="inline staff-picker">${t('cal.staff_member')}
            <select value=${staffId} onChange=${(e) => go({ staff_id: e.currentTarget.value })}>
              ${refs.staff.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
            </select></label>`
        : null}
      ${view === 'resources' && narrow && units.length
        ? html`<label class="inline staff-picker">${t('cal.resource_picker')}
            <select value=${unitId} onChange=${(e) => go({ unit: e.currentTarget.value })}>
              ${units.map((u) => html`<option value=${u.id}>${u.title}</option>`)}
            </select></label>`
        : null}
    </div>
    <h2 class="cal-title">${view === 'resources'
      ? t('cal.resources_of', { date: longDate(date, locale()) })
      : view === 'week'
      ? t('cal.week_of', { date: longDate(dates[0], locale()), name: byId(refs.staff, staffId)?.name || '' })
      : narrow
        ? t('cal.day_of', { date: longDate(date, locale()), name: byId(refs.staff, staffId)?.name || '' })
        : longDate(date, locale())}</h2>
    ${notice ? html`<div class="ok-box" role="status">${notice}</div>` : null}
    ${moved ? html`<${MovedNotice} moved=${moved} onUndone=${(text) => { setMoved(null); setNotice(text); setReload((n) => n + 1); }} />` : null}
    <${ErrorBox} error=${moveError} />
    ${days.error ? html`<${ErrorBox} error=${days.error} />` : null}
    ${days.loading && !days.data ? html`<${Loading} />` : null}
    ${days.data && view === 'resources' && !units.length
      ? html`<p class="card muted no-resources">${t('cal.no_resources')} <a href=${href('/resources')}>${t('nav.resources')}</a></p>`
      : null}
    ${days.data && view === 'resources' && units.length
      ? html`<${CalendarView} key="resources" days=${days.data} view=${view} date=${date} staff=${refs.staff} services=${refs.services}
          units=${narrow ? units.filter((u) => u.id === unitId) : units} oneStaff=${narrow} now=${nowWall(tz)}
          onEventClick=${(p) => setOpen(p)} />`
      : null}
    ${days.data && view !== 'resources'
      ? html`<${CalendarView} key="staff" days=${days.data} view=${view} staffId=${staffId} date=${date} oneStaff=${narrow && view === 'day'} now=${nowWall(tz)}
          onDrop=${onDrop} onFreeClick=${onFreeClick} onEventClick=${(p) => setOpen(p)} />`
      : null}
    ${days.data && view === 'week'
      ? html`<${FreeTimeWeek} days=${days.data} staffId=${staffId} now=${nowWall(tz)} onPick=${({ staffId: sid, date: d, time }) => setQuick({ staffId: sid, date: d, time })} />`
      : null}
    ${days.data && view === 'day'
      ? html`<${FreeTimeList} now=${nowWall(tz)} day=${narrow ? { ...days.data[0], staff: days.data[0].staff.filter((m) => String(m.id) === String(staffId)) } : days.data[0]} onPick=${({ staffId: sid, time }) => setQuick({ staffId: sid, date, time })} />`
      : null}
    ${view === 'resources'
      ? html`<p class="muted legend">
          <span class="swatch ev-booking"></span>${t('cal.legend_booking')}
          <span class="swatch ev-occupied"></span>${t('cal.legend_buffer')}
        </p>`
      : html`<p class="muted legend">
          <span class="swatch ev-shift"></span>${t('cal.legend_shift')}
          <span class="swatch ev-booking"></span>${t('cal.legend_booking')}
          <span class="swatch ev-appointment"></span>${t('cal.legend_appointment')}
          <span class="swatch ev-group"></span>${t('cal.legend_group')}
          <span class="swatch ev-timeoff"></span>${t('cal.legend_time_off')}
        </p>`}
    <p class="muted legend attendance-legend">
      ${t('cal.legend_attendance')}
      ${ATTENDANCES.map((a) => html`<span class="swatch att-${a}"></span>${t('attendance.' + a)}`)}
    </p>
    ${quick
      ? html`<${QuickBook} refs=${refs} date=${quick.date} time=${quick.time} staffId=${quick.staffId} locationId=${locationId}
          onClose=${() => setQuick(null)} onBooked=${onBooked} onGroupCreated=${onGroupCreated} />`
      : null}
    ${move
      ? html`<${MoveDialog} move=${move} refs=${refs} onMoved=${(m) => { setMove(null); setMoved(m); setReload((n) => n + 1); }}
          onClose=${(err) => { setMove(null); setMoveError(err); }} />`
      : null}
    ${open
      ? html`<${EventWindow} event=${open} refs=${refs} tz=${tz} onClose=${() => setOpen(null)}
          onChanged=${() => setReload((n) => n + 1)} />`
      : null}
  </section>`;
}

function CalendarView({ days, view, staffId, date, oneStaff, now, onDrop, onFreeClick, onEventClick, units, staff, services }) {
  const el = useRef(null);
  const ec = useRef(null);
  const handlers = useRef({});
  handlers.current = { onDrop, onFreeClick, onEventClick };

  let resources = [];
  let events = [];
  const byUnit = view === 'resources';
  if (byUnit) {
    resources = units.map((u) => ({ id: u.id, title: u.title }));
    for (const u of units) events.push(...unitEvents(u, staff, services));
  } else if (view === 'day') {
    const day = days[0];
    const shown = oneStaff ? day.staff.filter((m) => String(m.id) === String(staffId)) : day.staff;
    resources = shown.map((m) => ({ id: m.id, title: m.name }));
    for (const m of shown) events.push(...toEvents(m, true));
  } else {
    for (const day of days) {
      const m = day.staff.find((s) => String(s.id) === String(staffId));
      if (m) events.push(...toEvents(m, false));
    }
  }
  const hours = hoursFor(days);
  function memberAt(ev) {
    const w = wallFromDate(ev.start);
    const day = days.find((d) => d.date === w.slice(0, 10)) || (view === 'day' ? days[0] : null);
    const id = view === 'day' ? ev.resourceIds?.[0] : staffId;
    return day?.staff.find((m) => String(m.id) === String(id));
  }
  function freeUnder(ev) {
    if (byUnit) return false;
    const m = memberAt(ev);
    const w = wallFromDate(ev.start);
    return !!m && isFreeAt(m, w.slice(11, 16), w.slice(0, 10), now);
  }
  function pointerHtml(info) {
    if (!freeUnder(info.event)) return '';
    const time = wallFromDate(info.event.start).slice(11, 16);
    return `<span class="pointer-label"><span aria-hidden="true">+</span> ${esc(t('cal.new_booking'))} <time>${esc(time)}</time></span>`;
  }
  handlers.current.pointerHtml = pointerHtml;
  handlers.current.freeUnder = freeUnder;
  const options = {
    view: view === 'week' ? 'timeGridWeek' : 'resourceTimeGridDay',
    date: view === 'week' ? weekStart(date) : date,
    resources,
    events,
    headerToolbar: { start: '', center: '', end: '' },
    locale: locale(),
    firstDay: 1,
    allDaySlot: false,
    slotDuration: '00:15:00',
    slotLabelInterval: '01:00',
    scrollTime: hours.slotMinTime,
    slotMinTime: hours.slotMinTime,
    slotMaxTime: hours.slotMaxTime,
    height: 'auto',
    // The resource view shows who holds each unit; moving is done in the staff views.
    editable: !byUnit,
    eventDurationEditable: false,
    eventStartEditable: true,
    selectable: false,
    slotEventOverlap: false,
    dayHeaderFormat: { weekday: 'short', day: 'numeric', month: 'short' },
    eventTimeFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    slotLabelFormat: { hour: '2-digit', minute: '2-digit', hour12: false },
    // Hovering free time shows "New booking" (the pointer follows the mouse).
    pointer: !byUnit,
    eventContent: (info) =>
      info.event.display === 'pointer'
        ? { html: handlers.current.pointerHtml(info) }
        : info.event.display === 'background'
          ? undefined
          : { html: `<button type="button" class="ev-btn"><time>${esc(info.timeText)}</time> <span class="ev-title">${esc(info.event.title)}</span>${attendanceText(info.event.extendedProps)}</button>` },
    eventClassNames: (info) => (info.event.display === 'pointer' && !handlers.current.freeUnder(info.event) ? ['ec-pointer-busy'] : []),
    dateClick: (info) => handlers.current.onFreeClick?.(info),
    eventClick: (info) => info.event.extendedProps?.kind && handlers.current.onEventClick(info.event.extendedProps),
    eventDrop: (info) => handlers.current.onDrop?.(info),
  };

  useEffect(() => {
    const root = el.current;
    ec.current = createCalendar(root, [ResourceTimeGrid, TimeGrid, Interaction], options);
    const mo = new MutationObserver(() => mendAria(root, t('cal.grid_label')));
    mo.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'aria-colindex'] });
    mendAria(root, t('cal.grid_label'));
    // Enter or Space on an event's button is its click (which opens it); keep
    // the library's own key handler from opening it a second time.
    const keys = (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target.closest?.('.ev-btn')) e.stopPropagation();
    };
    root.parentNode.addEventListener('keydown', keys, true);
    return () => {
      mo.disconnect();
      root.parentNode?.removeEventListener('keydown', keys, true);
      destroyCalendar(ec.current);
    };
  }, []);
  // Only what changed goes to the calendar: setting the same events again
  // redraws them, and the event that opened a window would lose its focus.
  const sent = useRef({});
  useEffect(() => {
    if (!ec.current) return;
    for (const k of ['view', 'date', 'resources', 'events', 'slotMinTime', 'slotMaxTime', 'scrollTime']) {
      const key = JSON.stringify(options[k]);
      if (sent.current[k] === key) continue;
      sent.current[k] = key;
      ec.current.setOption(k, options[k]);
    }
  });
  return html`<div class="cal-wrap"><div ref=${el} class="cal ${oneStaff ? 'one-staff' : ''}" data-view=${view}></div></div>`;
}
