/* Slot generation in three stages per staff member, all on UTC instants:
 *   1. candidates: every grid time of every shift of every local date,
 *      already clipped to the booking window (past, notice, advance);
 *   2. busy filter: one forward pass over the staff member's sorted busy
 *      list, so a week costs O(slots + busy) rather than slots * busy;
 *   3. merge: each staff member's slots come out sorted, so a k-way merge
 *      orders the whole answer without sorting it again.
 * avail_check runs stages 1 and 2 for one staff member with the window
 * narrowed to the one instant asked about, so it cannot disagree with
 * avail_compute. */
#include "core/availability.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"

#define AVAIL_DAY_S INT64_C(86400)
#define AVAIL_MAX_MINUTES 1440
/* The API allows 62 days per request (to inclusive). */
#define AVAIL_MAX_RANGE_DAYS 62
/* Same years civil_parse_date accepts; keeps every day * 86400 and every
 * offset sum far from int64 overflow. */
#define AVAIL_MIN_YEAR 1900
#define AVAIL_MAX_YEAR 9999
/* Hard cap on one answer (62 days of 1-minute slots for ~45 staff). The
 * header promises only ERR_INVALID and ERR_NOMEM, and going past the cap is
 * running out of the memory budget, so it is reported as ERR_NOMEM. */
#define AVAIL_MAX_SLOTS ((size_t)1 << 22)
#define AVAIL_MIN_CAPACITY 16
/* The round merge may scan this many cursors per slot it emits before the
 * rest is handed to the heap (see avail_merge). */
#define AVAIL_ROUND_FACTOR 4

/* tz.c answers every question with a binary search; the shifts of one
 * zone keep asking about the same weeks, so stage 1 remembers a few spans
 * of constant offset. */
#define AVAIL_SPANS 4
/* Two days exceed any difference between two offsets of one zone (the
 * tz database's extremes are about 31 hours apart): a wall time whose
 * instant lies that far inside a span can have no other instant. */
#define AVAIL_SPAN_MARGIN (2 * AVAIL_DAY_S)

/* zone has offset off throughout [from, until). */
struct avail_span {
    const struct tz_zone *zone;
    int64_t from;
    int64_t until;
    int32_t off;
};

/* What stage 1 needs besides the shift: the slot length and grid step in
 * seconds, the inclusive window [lo, hi] a start must lie in, and its
 * caches. */
struct avail_gen {
    const struct avail_query *q;
    int64_t dur;
    int64_t step;
    int64_t lo;
    int64_t hi;
    size_t run_begin; /* the current staff member's first candidate */
    int unsorted;     /* some candidate did not come after the one before */
    struct avail_span spans[AVAIL_SPANS];
    size_t victim;             /* next span to replace, round robin */
    struct avail_units *units; /* the resources' scan, NULL when none are needed */
};

/* A run of one staff member's slots in the merge; the key of its next slot
 * is copied in so comparisons stay in the cursor array. */
struct avail_cursor {
    int64_t start;
    int64_t staff_id;
    size_t idx; /* staff index: ties between equal staff ids stay stable */
    size_t pos;
    size_t end;
};

void
avail_result_init(struct avail_result *r)
{
    r->slots = NULL;
    r->n = 0;
    r->cap = 0;
}

void
avail_result_cleanup(struct avail_result *r)
{
    if (r == NULL)
        return;
    free(r->slots);
    avail_result_init(r);
}

/* Makes room for extra more slots, doubling so appends stay amortised O(1). */
static int
avail_reserve(struct avail_result *r, size_t extra)
{
    struct avail_slot *p;
    size_t need, cap;
    int rc;

    rc = ERR_NOMEM;
    if (extra > AVAIL_MAX_SLOTS || r->n > AVAIL_MAX_SLOTS - extra)
        goto out;
    need = r->n + extra;
    if (need <= r->cap) {
        rc = ERR_OK;
        goto out;
    }
    cap = r->cap > 0 ? r->cap : AVAIL_MIN_CAPACITY;
    while (cap < need)
        cap *= 2; /* cannot overflow: need <= AVAIL_MAX_SLOTS */
    p = realloc(r->slots, cap * sizeof(*p));
    if (p == NULL)
        goto out;
    r->slots = p;
    r->cap = cap;
    rc = ERR_OK;
out:
    return rc;
}

int
avail_result_add(struct avail_result *r, const struct avail_slot *slot)
{
    int rc = avail_reserve(r, 1);

    if (rc == ERR_OK)
        r->slots[r->n++] = *slot;
    return rc;
}

static int
avail_result_cmp(const void *a, const void *b)
{
    const struct avail_slot *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->staff_id != y->staff_id)
        return x->staff_id < y->staff_id ? -1 : 1;
    if (x->group_event_id != y->group_event_id)
        return x->group_event_id < y->group_event_id ? -1 : 1;
    return 0;
}

void
avail_result_sort(struct avail_result *r)
{
    if (r->n > 1)
        qsort(r->slots, r->n, sizeof(*r->slots), avail_result_cmp);
}

static int64_t
avail_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
avail_floor_mod(int64_t a, int64_t b)
{
    return a - avail_floor_div(a, b) * b;
}

static int64_t
avail_min_day(void)
{
    return civil_days_from_date(AVAIL_MIN_YEAR, 1, 1);
}

static int64_t
avail_max_day(void)
{
    return civil_days_from_date(AVAIL_MAX_YEAR, 12, 31);
}

/* The range check is optional because avail_check ignores the dates. */
static int
avail_query_valid(const struct avail_query *q, int check_range)
{
    int64_t min_s = avail_min_day() * AVAIL_DAY_S;
    int64_t max_s = avail_max_day() * AVAIL_DAY_S;

    if (q == NULL)
        return 0;
    if (q->divider_min < 1 || q->divider_min > AVAIL_MAX_MINUTES)
        return 0;
    if (q->duration_min < 1 || q->duration_min > AVAIL_MAX_MINUTES)
        return 0;
    if (q->buffer_before_min < 0 || q->buffer_before_min > AVAIL_MAX_MINUTES)
        return 0;
    if (q->buffer_after_min < 0 || q->buffer_after_min > AVAIL_MAX_MINUTES)
        return 0;
    if (q->min_notice_min < 0 || q->max_advance_days < 0 || q->capacity < 0)
        return 0;
    if (q->now < min_s || q->now > max_s)
        return 0;
    if (!check_range)
        return 1;
    if (q->from_day > q->to_day || q->from_day < avail_min_day() || q->to_day > avail_max_day())
        return 0;
    return q->to_day - q->from_day < AVAIL_MAX_RANGE_DAYS;
}

/* Shifts and the busy order come from the store; a bad one would make the
 * generator loop on nonsense or the busy filter miss conflicts. */
static int
avail_staff_valid(const struct avail_staff *st)
{
    const struct avail_shift *sh;
    size_t i;

    if ((st->shifts == NULL && st->n_shifts > 0) || (st->busy == NULL && st->n_busy > 0))
        return 0;
    for (i = 0; i < st->n_shifts; i++) {
        sh = &st->shifts[i];
        if (sh->weekday < 1 || sh->weekday > 7 || sh->zone == NULL)
            return 0;
        if (sh->start_min < 0 || sh->start_min >= sh->end_min || sh->end_min > AVAIL_MAX_MINUTES)
            return 0;
    }
    for (i = 1; i < st->n_busy; i++) {
        if (st->busy[i].start < st->busy[i - 1].start)
            return 0;
    }
    return 1;
}

/* The window every offered start must lie in: not in the past, not inside
 * the minimum notice, not beyond the maximum advance. */
static void
avail_window(const struct avail_query *q, int64_t *lo, int64_t *hi)
{
    *lo = q->now;
    if (q->min_notice_min > 0)
        *lo = q->now + (int64_t)q->min_notice_min * 60;
    *hi = INT64_MAX;
    if (q->max_advance_days > 0)
        *hi = q->now + (int64_t)q->max_advance_days * AVAIL_DAY_S;
}

/* The span of zone that holds instant utc, remembered or asked of tz.c. A
 * new span that ends where a remembered one does is the same span seen
 * from earlier, so that one is widened instead (each staff member starts
 * again at the first date). */
static const struct avail_span *
avail_span_at(struct avail_gen *g, const struct tz_zone *zone, int64_t utc)
{
    struct avail_span *sp;
    int64_t until;
    int32_t off;
    size_t i;

    for (i = 0; i < AVAIL_SPANS; i++) {
        sp = &g->spans[i];
        if (sp->zone == zone && sp->from <= utc && utc < sp->until)
            return sp;
    }
    off = tz_offset_at(zone, utc);
    until = tz_next_transition(zone, utc);
    if (until <= utc)
        until = INT64_MAX; /* broken tz contract: take it as "no change" */
    for (i = 0; i < AVAIL_SPANS; i++) {
        sp = &g->spans[i];
        if (sp->zone == zone && sp->until == until && sp->off == off && sp->from > utc) {
            sp->from = utc;
            return sp;
        }
    }
    sp = &g->spans[g->victim];
    g->victim = (g->victim + 1) % AVAIL_SPANS;
    sp->zone = zone;
    sp->from = utc;
    sp->until = until;
    sp->off = off;
    return sp;
}

/* tz_local_to_utc with the spans in front: when the instant lies well
 * inside a remembered span the wall time has exactly that one instant, so
 * tz.c would return it too (no fold or gap can be that close). */
static int64_t
avail_local_to_utc(struct avail_gen *g, const struct tz_zone *zone, int64_t local)
{
    const struct avail_span *sp;
    int64_t u;
    size_t i;

    for (i = 0; i < AVAIL_SPANS; i++) {
        sp = &g->spans[i];
        u = local - sp->off;
        if (sp->zone == zone && u >= sp->from + AVAIL_SPAN_MARGIN &&
            (sp->until == INT64_MAX || u < sp->until - AVAIL_SPAN_MARGIN))
            return u;
    }
    /* Remember the span from some days before, where later dates of this
     * zone will land well inside it. */
    (void)avail_span_at(g, zone, local - 3 * AVAIL_DAY_S);
    return tz_local_to_utc(zone, local);
}

/* Real instants of the shift on local date day; on DST days they are 23
 * or 25 hours apart for a whole-day shift, which is the point. */
static void
avail_shift_bounds(struct avail_gen *g, const struct avail_shift *sh, int64_t day, int64_t *s,
                   int64_t *e)
{
    *s = avail_local_to_utc(g, sh->zone, day * AVAIL_DAY_S + (int64_t)sh->start_min * 60);
    *e = avail_local_to_utc(g, sh->zone, day * AVAIL_DAY_S + (int64_t)sh->end_min * 60);
}

/* Grid times in [from, to] (inclusive) while the offset is off. The grid
 * is the wall clock measured from local midnight mid; with a constant
 * offset that is a fixed UTC step, so only the first one needs care. */
static int
avail_gen_piece(struct avail_gen *g, const struct avail_staff *st, const struct avail_shift *sh,
                int64_t mid, int64_t from, int64_t to, int32_t off, struct avail_result *r)
{
    struct avail_slot *sl;
    int64_t rem, t, change;
    size_t n;
    int rc;

    rem = avail_floor_mod(from + off - mid, g->step);
    t = rem == 0 ? from : from + (g->step - rem);
    rc = ERR_OK;
    if (t > to)
        goto out;
    n = (size_t)((to - t) / g->step) + 1;
    rc = avail_reserve(r, n);
    if (rc != ERR_OK)
        goto out;
    if (r->n > g->run_begin && t <= r->slots[r->n - 1].start)
        g->unsorted = 1;
    change = tz_next_transition(sh->zone, t);
    for (; t <= to; t += g->step) {
        sl = &r->slots[r->n++];
        sl->staff_id = st->staff_id;
        sl->location_id = sh->location_id;
        sl->start = t;
        sl->end = t + g->dur;
        sl->utc_offset = off;
        sl->end_utc_offset = sl->end < change ? off : tz_offset_at(sh->zone, sl->end);
        sl->group_event_id = 0;
        sl->seats_left = 0;
    }
out:
    return rc;
}

/* Candidates of one shift on local date day, split where the offset
 * changes: in the repeated hour of a fall-back day the same wall times come
 * round again in the second piece, and both are real slots. */
static int
avail_gen_shift(struct avail_gen *g, const struct avail_staff *st, const struct avail_shift *sh,
                int64_t day, struct avail_result *r)
{
    const struct avail_span *sp;
    int64_t s, e, lo, hi, to;
    int rc;

    avail_shift_bounds(g, sh, day, &s, &e);
    lo = s > g->lo ? s : g->lo;
    hi = e - g->dur; /* the whole slot must fit before the shift ends */
    if (g->hi < hi)
        hi = g->hi;
    rc = ERR_OK;
    while (lo <= hi) {
        sp = avail_span_at(g, sh->zone, lo);
        to = sp->until <= hi ? sp->until - 1 : hi;
        rc = avail_gen_piece(g, st, sh, day * AVAIL_DAY_S, lo, to, sp->off, r);
        if (rc != ERR_OK || to == hi)
            break;
        lo = sp->until;
    }
    return rc;
}

static int
avail_slot_cmp(const void *a, const void *b)
{
    const struct avail_slot *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->location_id != y->location_id)
        return x->location_id < y->location_id ? -1 : 1;
    return 0;
}

/* Puts one staff member's candidates in start order and drops repeats;
 * needed only when generation order was not already strictly increasing
 * (shifts of a day listed out of order, overlapping shifts, zones far
 * apart). Overlapping shifts yield one start twice: the staff member can
 * serve it once, so the lowest location id is kept. */
static size_t
avail_order(struct avail_slot *sl, size_t n)
{
    size_t i, w;

    qsort(sl, n, sizeof(*sl), avail_slot_cmp);
    w = n > 0 ? 1 : 0;
    for (i = 1; i < n; i++) {
        if (sl[i].start != sl[w - 1].start)
            sl[w++] = sl[i];
    }
    return w;
}

static int
avail_is_group(const struct avail_query *q, const struct avail_busy *b)
{
    return q->group_service_id > 0 && q->capacity > 1 && b->group_service_id == q->group_service_id;
}

/* The longest occupied interval among same-service group entries. */
static int64_t
avail_group_longest(const struct avail_query *q, const struct avail_staff *st)
{
    int64_t longest = 0;
    size_t i;

    for (i = 0; i < st->n_busy; i++) {
        if (avail_is_group(q, &st->busy[i]) && st->busy[i].end - st->busy[i].start > longest)
            longest = st->busy[i].end - st->busy[i].start;
    }
    return longest;
}

/* Stage 2 with group seats: keeps the candidates sl[0..n) (sorted,
 * distinct starts) that no busy entry blocks; returns how many. An entry
 * blocks when its occupied interval overlaps the candidate's padded one,
 * except a same-service group booking at exactly the candidate's start,
 * which takes a seat instead; a full slot is blocked too. Same-service
 * entries are looked at only while they can still reach the padding
 * (those starting within the longest of them), so a day of a class stays
 * linear in practice. */
static size_t
avail_filter_group(const struct avail_query *q, const struct avail_staff *st, struct avail_slot *sl,
                   size_t n)
{
    const struct avail_busy *b = st->busy;
    int64_t before = (int64_t)q->buffer_before_min * 60;
    int64_t after = (int64_t)q->buffer_after_min * 60;
    int64_t longest = avail_group_longest(q, st), latest = INT64_MIN, ws, we;
    size_t i, j, k = 0, lo = 0, w = 0, seats;
    int blocked;

    for (i = 0; i < n; i++) {
        ws = sl[i].start - before;
        we = sl[i].end + after;
        for (; k < st->n_busy && b[k].start < we; k++) {
            if (b[k].end > b[k].start && !avail_is_group(q, &b[k]) && b[k].end > latest)
                latest = b[k].end;
        }
        while (lo < k && b[lo].start + longest <= ws)
            lo++;
        blocked = latest > ws;
        seats = 0;
        for (j = lo; !blocked && j < k; j++) {
            if (b[j].end <= b[j].start || b[j].end <= ws || !avail_is_group(q, &b[j]))
                continue;
            if (b[j].at == sl[i].start)
                seats++;
            else
                blocked = 1;
        }
        if (!blocked && seats < (size_t)q->capacity)
            sl[w++] = sl[i];
    }
    return w;
}

/* Stage 2: as avail_filter_group, but when every entry blocks the scan is
 * just the latest end among entries starting before the padded end. This
 * is the common case and the inner loop of the whole computation. */
static size_t
avail_filter_busy(const struct avail_query *q, const struct avail_staff *st, struct avail_slot *sl,
                  size_t n)
{
    const struct avail_busy *b = st->busy;
    int64_t before = (int64_t)q->buffer_before_min * 60;
    int64_t after = (int64_t)q->buffer_after_min * 60;
    int64_t latest = INT64_MIN;
    size_t i, k = 0, w = 0;

    if (q->group_service_id > 0 && q->capacity > 1)
        return avail_filter_group(q, st, sl, n);
    for (i = 0; i < n; i++) {
        for (; k < st->n_busy && b[k].start < sl[i].end + after; k++) {
            /* An empty entry occupies nothing. */
            if (b[k].end > b[k].start && b[k].end > latest)
                latest = b[k].end;
        }
        if (latest <= sl[i].start - before)
            sl[w++] = sl[i];
    }
    return w;
}

/* Stage 2 for resources: keeps the candidates sl[0..n) (in start order)
 * with a free unit of everything needed at their location. */
static size_t
avail_filter_units(const struct avail_query *q, struct avail_units *u, struct avail_slot *sl,
                   size_t n)
{
    int64_t before = (int64_t)q->buffer_before_min * 60;
    int64_t after = (int64_t)q->buffer_after_min * 60;
    size_t i, w = 0;

    avail_units_rewind(u);
    for (i = 0; i < n; i++) {
        if (avail_units_free(u, sl[i].location_id, sl[i].start - before, sl[i].end + after))
            sl[w++] = sl[i];
    }
    return w;
}

/* Stage 1 for one staff member over local dates [from, to]: candidates are
 * appended to r in start order, distinct starts. */
static int
avail_staff_candidates(struct avail_gen *g, const struct avail_staff *st, int64_t from, int64_t to,
                       struct avail_result *r)
{
    size_t i;
    int64_t day;
    int wd, rc;

    g->run_begin = r->n;
    g->unsorted = 0;
    rc = ERR_OK;
    for (day = from; day <= to; day++) {
        wd = civil_weekday(day);
        for (i = 0; i < st->n_shifts; i++) {
            if (st->shifts[i].weekday != wd)
                continue;
            rc = avail_gen_shift(g, st, &st->shifts[i], day, r);
            if (rc != ERR_OK)
                goto out;
        }
    }
    if (g->unsorted)
        r->n = g->run_begin + avail_order(r->slots + g->run_begin, r->n - g->run_begin);
out:
    return rc;
}

/* Stages 1 and 2: the staff member's slots, appended to r in start order. */
static int
avail_staff_slots(struct avail_gen *g, const struct avail_staff *st, int64_t from, int64_t to,
                  struct avail_result *r)
{
    size_t begin = r->n;
    int rc;

    rc = avail_staff_candidates(g, st, from, to, r);
    if (rc != ERR_OK)
        goto out;
    r->n = begin + avail_filter_busy(g->q, st, r->slots + begin, r->n - begin);
    if (g->units)
        r->n = begin + avail_filter_units(g->q, g->units, r->slots + begin, r->n - begin);
out:
    return rc;
}

static void
avail_gen_init(struct avail_gen *g, const struct avail_query *q)
{
    memset(g, 0, sizeof(*g));
    g->q = q;
    g->dur = (int64_t)q->duration_min * 60;
    g->step = (int64_t)q->divider_min * 60;
    avail_window(q, &g->lo, &g->hi);
}

static int
avail_cursor_less(const struct avail_cursor *a, const struct avail_cursor *b)
{
    if (a->start != b->start)
        return a->start < b->start;
    if (a->staff_id != b->staff_id)
        return a->staff_id < b->staff_id;
    return a->idx < b->idx;
}

static void
avail_heap_down(struct avail_cursor *h, size_t n, size_t i)
{
    struct avail_cursor tmp;
    size_t c;

    for (;;) {
        c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && avail_cursor_less(&h[c + 1], &h[c]))
            c++;
        if (!avail_cursor_less(&h[c], &h[i]))
            break;
        tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}

/* Merges the cursors h[0..n) into out with a binary heap: log k
 * comparisons per slot whatever the data. */
static void
avail_merge_heap(const struct avail_result *src, struct avail_cursor *h, size_t n,
                 struct avail_result *out)
{
    size_t i;

    for (i = n / 2; i-- > 0;)
        avail_heap_down(h, n, i);
    while (n > 0) {
        out->slots[out->n++] = src->slots[h[0].pos++];
        if (h[0].pos < h[0].end)
            h[0].start = src->slots[h[0].pos].start;
        else
            h[0] = h[--n];
        avail_heap_down(h, n, 0);
    }
}

static int
avail_cursor_cmp_staff(const void *a, const void *b)
{
    const struct avail_cursor *x = a, *y = b;

    if (x->staff_id != y->staff_id)
        return x->staff_id < y->staff_id ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* One cursor per non-empty run src[offs[i]..offs[i+1]), in staff order;
 * returns how many. Sorting k cursors, not the slots, is cheap. */
static size_t
avail_cursors_init(const struct avail_result *src, const size_t *offs, size_t n_runs,
                   struct avail_cursor *c)
{
    size_t i, n = 0;

    for (i = 0; i < n_runs; i++) {
        if (offs[i] == offs[i + 1])
            continue;
        c[n].start = src->slots[offs[i]].start;
        c[n].staff_id = src->slots[offs[i]].staff_id;
        c[n].idx = i;
        c[n].pos = offs[i];
        c[n].end = offs[i + 1];
        n++;
    }
    qsort(c, n, sizeof(*c), avail_cursor_cmp_staff);
    return n;
}

/* Stage 3: merges the sorted runs src[offs[i]..offs[i+1]) into out, which
 * already has room for all of them; c has room for n_runs cursors.
 * Staff of one clinic mostly share the grid, so many runs offer the same
 * start. The merge therefore goes in rounds: each round scans the runs in
 * staff order and emits every run's slot at the round's start, which is
 * the required order at one well-predicted comparison per run. A binary
 * heap costs about 2 log k mispredicted comparisons per slot, several
 * times more here. When starts rarely coincide (zones whose offsets are
 * off the grid) rounds would cost k per slot, so the rest goes to the
 * heap once they have scanned AVAIL_ROUND_FACTOR cursors per slot. */
static void
avail_merge(const struct avail_result *src, const size_t *offs, size_t n_runs,
            struct avail_cursor *c, struct avail_result *out)
{
    size_t i, w, n, first = out->n, scanned = 0;
    int64_t cur = INT64_MAX, next;

    n = avail_cursors_init(src, offs, n_runs, c);
    for (i = 0; i < n; i++)
        cur = c[i].start < cur ? c[i].start : cur;
    while (n > 0) {
        if (scanned > AVAIL_ROUND_FACTOR * (out->n - first) + n_runs) {
            avail_merge_heap(src, c, n, out);
            break;
        }
        scanned += n;
        next = INT64_MAX;
        for (i = w = 0; i < n; i++) {
            if (c[i].start == cur) {
                out->slots[out->n++] = src->slots[c[i].pos++];
                if (c[i].pos == c[i].end)
                    continue;
                c[i].start = src->slots[c[i].pos].start;
            }
            next = c[i].start < next ? c[i].start : next;
            if (w != i)
                c[w] = c[i];
            w++;
        }
        n = w;
        cur = next;
    }
}

int
avail_compute(const struct avail_query *q, const struct avail_staff *staff, size_t n_staff,
              struct avail_result *out)
{
    struct avail_result tmp;
    struct avail_cursor *cursors = NULL;
    struct avail_units units = {0};
    size_t *offs = NULL;
    struct avail_gen g;
    size_t i;
    int rc;

    avail_result_init(&tmp);
    rc = ERR_INVALID;
    if (out == NULL || !avail_query_valid(q, 1) || (staff == NULL && n_staff > 0))
        goto out;
    for (i = 0; i < n_staff; i++) {
        if (!avail_staff_valid(&staff[i]))
            goto out;
    }
    rc = ERR_NOMEM;
    offs = calloc(n_staff + 1, sizeof(*offs));
    cursors = calloc(n_staff + 1, sizeof(*cursors));
    if (offs == NULL || cursors == NULL)
        goto out;
    avail_gen_init(&g, q);
    rc = avail_units_init(&units, q->needs);
    if (rc != ERR_OK)
        goto out;
    g.units = q->needs && q->needs->n ? &units : NULL;
    for (i = 0; i < n_staff; i++) {
        offs[i] = tmp.n;
        rc = avail_staff_slots(&g, &staff[i], q->from_day, q->to_day, &tmp);
        if (rc != ERR_OK)
            goto out;
    }
    offs[n_staff] = tmp.n;
    /* Reserve before merging so a failure leaves out as it was. */
    rc = avail_reserve(out, tmp.n);
    if (rc != ERR_OK)
        goto out;
    avail_merge(&tmp, offs, n_staff, cursors, out);
    rc = ERR_OK;
out:
    avail_units_cleanup(&units);
    free(cursors);
    free(offs);
    avail_result_cleanup(&tmp);
    return rc;
}

/* Local dates that can hold a shift containing start: in each shift's zone
 * the date of start, one either side (a fold at midnight, a long shift). */
static void
avail_check_days(const struct avail_staff *st, int64_t start, int64_t *from, int64_t *to)
{
    int64_t day;
    size_t i;

    *from = avail_floor_div(start, AVAIL_DAY_S);
    *to = *from;
    for (i = 0; i < st->n_shifts; i++) {
        day = avail_floor_div(tz_utc_to_local(st->shifts[i].zone, start), AVAIL_DAY_S);
        if (day < *from)
            *from = day;
        if (day > *to)
            *to = day;
    }
    *from -= 1;
    *to += 1;
}

/* Whether some shift on a local date in [from, to] holds [start, start+D). */
static int
avail_in_shift(struct avail_gen *g, const struct avail_staff *st, int64_t start, int64_t from,
               int64_t to)
{
    int64_t day, s, e;
    size_t i;

    for (day = from; day <= to; day++) {
        for (i = 0; i < st->n_shifts; i++) {
            if (st->shifts[i].weekday != civil_weekday(day))
                continue;
            avail_shift_bounds(g, &st->shifts[i], day, &s, &e);
            if (s <= start && start + g->dur <= e)
                return 1;
        }
    }
    return 0;
}

/* Why start produced no candidate, most useful reason first: the window
 * rules are what the caller can least change, the grid the easiest. */
static const char *
avail_check_reason(struct avail_gen *g, const struct avail_staff *st, int64_t start, int64_t from,
                   int64_t to)
{
    const struct avail_query *q = g->q;

    if (start < q->now)
        return "in the past";
    if (start < g->lo)
        return "less than the minimum notice";
    if (start > g->hi)
        return "beyond the maximum advance booking period";
    if (!avail_in_shift(g, st, start, from, to))
        return "outside the staff member's shifts";
    return "not on the booking time grid";
}

int
avail_check(const struct avail_query *q, const struct avail_staff *staff, int64_t start,
            const char **why)
{
    struct avail_result cand;
    struct avail_units units = {0};
    struct avail_gen g, one;
    int64_t from, to;
    int rc;

    avail_result_init(&cand);
    rc = ERR_INVALID;
    if (why != NULL)
        *why = NULL;
    if (why == NULL || staff == NULL || !avail_query_valid(q, 0) || !avail_staff_valid(staff))
        goto out;
    if (start < (avail_min_day() + 2) * AVAIL_DAY_S || start > (avail_max_day() - 2) * AVAIL_DAY_S)
        goto out;
    avail_gen_init(&g, q);
    avail_check_days(staff, start, &from, &to);
    /* avail_compute's generator with the window narrowed to start: the
     * only candidate it can yield is start itself. */
    one = g;
    one.lo = g.lo > start ? g.lo : start;
    one.hi = g.hi < start ? g.hi : start;
    rc = avail_staff_candidates(&one, staff, from, to, &cand);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_CONFLICT;
    if (cand.n == 0) {
        *why = avail_check_reason(&g, staff, start, from, to);
        goto out;
    }
    assert(cand.n == 1 && cand.slots[0].start == start);
    if (avail_filter_busy(q, staff, cand.slots, cand.n) == 0) {
        *why = "the time is already taken";
        goto out;
    }
    rc = avail_units_init(&units, q->needs);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_CONFLICT;
    if (avail_filter_units(q, &units, cand.slots, cand.n) == 0) {
        *why = "a resource it needs is taken";
        goto out;
    }
    rc = ERR_OK;
out:
    avail_units_cleanup(&units);
    avail_result_cleanup(&cand);
    return rc;
}
