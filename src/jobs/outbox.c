#include "jobs/outbox.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/backoff.h"
#include "core/email.h"
#include "jobs/diary.h"
#include "jobs/outbox_render.h"
#include "jobs/transport.h"
#include "service/notify.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/row.h"
#include "util/secret.h"
#include "util/sign.h"
#include "util/tzdb.h"

#define OUTBOX_MAX_THREADS 8
#define OUTBOX_LEASE_S 60
#define OUTBOX_REMINDER_BATCH 50
#define OUTBOX_WEBHOOK_USER_AGENT "Chairside-Webhooks/1"
#define OUTBOX_MAIL_LIMIT (4 * 1024 * 1024)

struct outbox {
    struct outbox_config cfg;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stopping;
    int n_threads;
    pthread_t threads[OUTBOX_MAX_THREADS];
    int64_t ids[OUTBOX_MAX_THREADS];
};

struct worker_arg {
    struct outbox *o;
    int64_t id;
};

/* What a delivery came to. */
struct outcome {
    enum { OUT_SENT, OUT_RETRY, OUT_FAILED } kind;
    char error[TRANSPORT_ERR_LEN];
    const char *issue; /* diary: raise this sync issue ("collision", ...) */
    int clear_issue;
    int etag_changed; /* diary: keep etag as the event's version */
    char etag[STORE_ETAG_LEN];
};

static long
env_long(const char *name, long fallback, long min, long max)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v || !*v)
        return fallback;
    errno = 0;
    n = strtol(v, &end, 10);
    return errno || *end || n < min || n > max ? fallback : n;
}

void
outbox_config_from_env(struct outbox_config *cfg)
{
    cfg->threads = (int)env_long("CHAIRSIDE_OUTBOX_WORKERS", 2, 0, OUTBOX_MAX_THREADS);
    cfg->poll_ms = (int)env_long("CHAIRSIDE_OUTBOX_POLL_MS", 1000, 10, 600000);
    cfg->retry_ms = env_long("CHAIRSIDE_OUTBOX_RETRY_MS", 30000, 10, 86400000);
    cfg->retry_max_ms = env_long("CHAIRSIDE_OUTBOX_RETRY_MAX_MS", 3600000, 10, 86400000);
    cfg->max_attempts = (int)env_long("CHAIRSIDE_OUTBOX_MAX_ATTEMPTS", 10, 1, 1000);
    cfg->smtp_ca_file = getenv("CHAIRSIDE_SMTP_CA_FILE");
    if (cfg->smtp_ca_file && !*cfg->smtp_ca_file)
        cfg->smtp_ca_file = NULL;
}

static int64_t
now_s(void)
{
    return (int64_t)time(NULL);
}

static void
send_email(const struct outbox *ob, const struct store_outbox_row *row, const char *message,
           json_t *settings, struct outcome *o)
{
    const char *from = row_text(settings, "mail_from");
    char envelope_from[EMAIL_MAX_LEN + 1], rcpt[EMAIL_MAX_LEN + 1];

    /* The envelope's sender in ASCII, as the message's From: says it. */
    if (email_ascii(*from ? from : "chairside@localhost", envelope_from, sizeof(envelope_from)) !=
        ERR_OK)
        snprintf(envelope_from, sizeof(envelope_from), "chairside@localhost");
    /* Rows are queued in ASCII; an older one is written in ASCII here,
     * or sent as it is when it cannot be. */
    if (email_ascii(row->recipient, rcpt, sizeof(rcpt)) != ERR_OK)
        snprintf(rcpt, sizeof(rcpt), "%s", row->recipient);
    if (!*row_text(settings, "smtp_url")) {
        o->kind = OUT_RETRY;
        snprintf(o->error, sizeof(o->error), "smtp_url is not set");
        return;
    }
    if (transport_smtp_send(row_text(settings, "smtp_url"), ob->cfg.smtp_ca_file, envelope_from,
                            rcpt, message, o->error) == ERR_OK)
        o->kind = OUT_SENT;
    else
        o->kind = OUT_RETRY;
}

/* The event id the body carries; rows queued before bodies had one are
 * named by their outbox row, which is as stable across retries. */
static void
webhook_event_id(const struct store_outbox_row *row, char *out, size_t size)
{
    json_t *body = json_loads(row->body, 0, NULL);
    const char *id = json_string_value(json_object_get(body, "id"));

    if (id && !strpbrk(id, "\r\n"))
        snprintf(out, size, "%s", id);
    else
        snprintf(out, size, "outbox-%lld", (long long)row->id);
    json_decref(body);
}

static void
send_webhook(const struct store_outbox_row *row, json_t *settings, const char *secret,
             struct outcome *o, long *status)
{
    char sig[SIGN_HEX_LEN], header[SIGN_HEX_LEN + 40], event[64], id[64], event_id[96], attempt[48];
    const char *headers[] = {
        "Content-Type: application/json",         header, event, event_id, attempt,
        "User-Agent: " OUTBOX_WEBHOOK_USER_AGENT, NULL};
    struct transport_http r = {"POST",    row->recipient,    NULL, NULL, headers,
                               row->body, strlen(row->body), 0};
    struct buf resp;

    sign_hmac_sha256_hex(secret, row->body, strlen(row->body), sig);
    snprintf(header, sizeof(header), "X-Chairside-Signature: sha256=%s", sig);
    snprintf(event, sizeof(event), "X-Chairside-Event: %s", row->kind);
    webhook_event_id(row, id, sizeof(id));
    snprintf(event_id, sizeof(event_id), "X-Chairside-Event-Id: %s", id);
    /* row->attempts counts the delivery being made now. */
    snprintf(attempt, sizeof(attempt), "X-Chairside-Delivery-Attempt: %d", row->attempts);
    r.allow_private = row_int(settings, "allow_private_targets") != 0;
    buf_init(&resp, 64 * 1024);
    o->kind = OUT_RETRY;
    if (transport_http_run(&r, status, &resp, o->error) == ERR_OK) {
        if (*status >= 200 && *status < 300)
            o->kind = OUT_SENT;
        else
            snprintf(o->error, sizeof(o->error), "the endpoint answered HTTP %ld", *status);
    }
    buf_cleanup(&resp);
}

static void
sync_diary(struct outbox *ob, json_t *booking, json_t *settings, struct store_diary_state *st,
           struct outcome *o)
{
    const struct tz_zone *local = NULL;
    char before[STORE_ETAG_LEN];

    /* A zone that cannot be loaded leaves floating diary times in UTC. */
    if (!ob->cfg.tzdb || tzdb_get(ob->cfg.tzdb, row_text(booking, "timezone"), &local) != ERR_OK)
        local = NULL;
    if (!*row_text(settings, "diary_url")) {
        o->kind = OUT_FAILED;
        snprintf(o->error, sizeof(o->error), "diary_url is no longer set");
        return;
    }
    snprintf(before, sizeof(before), "%s", st->etag);
    switch (diary_sync(booking, settings, local, st, now_s(), o->error)) {
    case DIARY_DONE:
        o->kind = OUT_SENT;
        o->clear_issue = 1;
        break;
    case DIARY_COLLISION:
        o->kind = OUT_FAILED;
        o->issue = "collision";
        break;
    case DIARY_UNREACHABLE:
        o->kind = OUT_RETRY;
        o->issue = "unreachable";
        break;
    }
    o->etag_changed = strcmp(before, st->etag) != 0;
    snprintf(o->etag, sizeof(o->etag), "%s", st->etag);
}

/* What one delivery needs from the database. */
struct inputs {
    json_t *settings, *booking; /* owned */
    struct store_diary_state diary;
    char secret[128];
    /* An event row's message and subject, and whether it rendered. */
    struct buf subject, message;
    int render_rc;
};

static void
inputs_init(struct inputs *in)
{
    memset(in, 0, sizeof(*in));
    buf_init(&in->subject, 4096);
    buf_init(&in->message, OUTBOX_MAIL_LIMIT);
    in->render_rc = ERR_OK;
}

static void
inputs_cleanup(struct inputs *in)
{
    json_decref(in->settings);
    json_decref(in->booking);
    buf_cleanup(&in->subject);
    buf_cleanup(&in->message);
}

/* Reads what the delivery needs, and renders an event row's e-mail from
 * the templates, while holding a connection; then lets the connection go
 * before any network traffic. */
static int
load_inputs(struct outbox *o, const struct store_outbox_row *row, struct inputs *in)
{
    struct store_conn *c = store_acquire(o->cfg.store);
    int rc = store_begin(c, 0);

    if (rc == ERR_OK)
        rc = store_notice_settings(c, &in->settings);
    if (rc == ERR_OK && strcmp(row->channel, "diary") == 0)
        rc = store_notice_booking(c, row->booking_id, &in->booking);
    if (rc == ERR_OK && strcmp(row->channel, "diary") == 0)
        rc = store_diary_state_get(c, row->booking_id, &in->diary);
    if (rc == ERR_OK && strcmp(row->channel, "webhook") == 0)
        rc = store_webhook_secret(c, row->webhook_id, in->secret, sizeof(in->secret));
    if (rc == ERR_OK && strcmp(row->channel, "email") == 0 && *row->event)
        in->render_rc =
            outbox_render_email(c, o->cfg.tzdb, row, in->settings, &in->subject, &in->message);
    store_rollback(c);
    store_release(o->cfg.store, c);
    return rc;
}

static void
deliver(struct outbox *o, const struct store_outbox_row *row, struct inputs *in,
        struct outcome *out, long *status)
{
    int rc = load_inputs(o, row, in);

    if (rc == ERR_NOT_FOUND) {
        out->kind = OUT_FAILED;
        snprintf(out->error, sizeof(out->error), "its booking or webhook no longer exists");
    } else if (rc != ERR_OK) {
        out->kind = OUT_RETRY;
        snprintf(out->error, sizeof(out->error), "cannot read the database (%s)", err_name(rc));
    } else if (in->render_rc != ERR_OK) {
        /* A template put back or repaired lets a later attempt through. */
        out->kind = OUT_RETRY;
        snprintf(out->error, sizeof(out->error), "cannot render the message (%s)",
                 err_name(in->render_rc));
    } else if (strcmp(row->channel, "email") == 0) {
        /* A row queued before events holds its message as rendered then. */
        send_email(o, row, *row->event ? in->message.data : row->body, in->settings, out);
    } else if (strcmp(row->channel, "webhook") == 0) {
        send_webhook(row, in->settings, in->secret, out, status);
    } else {
        sync_diary(o, in->booking, in->settings, &in->diary, out);
    }
}

/* The sync issue side of a diary outcome, in the recording transaction. */
static int
record_issue(struct outbox *o, struct store_conn *c, const struct store_outbox_row *row,
             const struct outcome *out, int64_t now)
{
    struct svc n = {.db = c, .tzdb = o->cfg.tzdb, .now = now};
    json_t *settings = NULL;
    int raised = 0, rc = ERR_OK;

    if (out->clear_issue)
        return store_sync_issue_clear(c, row->booking_id);
    if (!out->issue)
        return ERR_OK;
    if (strcmp(out->issue, "unreachable") == 0) {
        rc = store_notice_settings(c, &settings);
        if (rc == ERR_OK && now - row->created_at <
                                json_integer_value(json_object_get(settings, "sync_alert_after_s")))
            goto out;
    }
    if (rc == ERR_OK)
        rc = store_sync_issue_raise(c, row->booking_id, out->issue, now, &raised);
    if (rc == ERR_OK && raised) {
        log_line(LOG_WARN, "msg=\"diary sync issue\" booking=%lld reason=%s",
                 (long long)row->booking_id, out->issue);
        rc = notify_diary_alert(&n, row->booking_id,
                                strcmp(out->issue, "collision") == 0 ? "diary_collision"
                                                                     : "diary_unreachable");
    }
out:
    json_decref(settings);
    return rc;
}

/* When a diary row that keeps failing must next be tried: by backoff,
 * but never past the moment its unreachable alert is due, so the alert
 * comes sync_alert_after_s after the row was made. */
static int
diary_next_at(struct store_conn *c, const struct store_outbox_row *row, int64_t now, int64_t *next)
{
    json_t *settings = NULL;
    int rc = store_notice_settings(c, &settings);

    if (rc == ERR_OK)
        *next =
            backoff_next_at(now, *next, row->created_at + row_int(settings, "sync_alert_after_s"));
    json_decref(settings);
    return rc;
}

/* What a delivery attempt leaves in the outbox row and beside it. */
struct attempt {
    struct outbox *o;
    int64_t worker, now, next;
    const struct store_outbox_row *row;
    const struct outcome *out;
    const char *status;
    const char *subject; /* the rendered subject of an event row, NULL for any other */
    long http_status;
    int diary;
};

static int
record_attempt(struct store_conn *c, void *arg)
{
    struct attempt *t = arg;
    int rc = ERR_OK;

    if (t->diary && strcmp(t->status, "queued") == 0)
        rc = diary_next_at(c, t->row, t->now, &t->next);
    if (rc == ERR_OK)
        rc = store_outbox_finish(c, t->row->id, t->worker, t->status, t->out->error, t->subject,
                                 t->next, t->now);
    if (rc == ERR_OK && t->diary && t->out->etag_changed)
        rc = store_diary_etag_set(c, t->row->booking_id, t->out->etag, t->now);
    if (rc == ERR_OK && t->diary)
        rc = record_issue(t->o, c, t->row, t->out, t->now);
    if (rc == ERR_OK && strcmp(t->row->channel, "webhook") == 0)
        rc = store_webhook_result(c, t->row->webhook_id, (int)t->http_status, t->now);
    return rc;
}

static int
record(struct outbox *o, int64_t worker, const struct store_outbox_row *row,
       const struct outcome *out, const char *subject, long http_status)
{
    struct store_conn *c = store_acquire(o->cfg.store);
    struct attempt t = {o,   worker, now_s(), 0,           row,
                        out, NULL,   subject, http_status, strcmp(row->channel, "diary") == 0};
    int rc;

    t.next = t.now;
    t.status = out->kind == OUT_SENT ? "sent" : out->kind == OUT_FAILED ? "failed" : "queued";
    if (out->kind == OUT_RETRY && !t.diary && row->attempts >= o->cfg.max_attempts)
        t.status = "failed";
    if (strcmp(t.status, "queued") == 0)
        t.next =
            t.now +
            (backoff_delay_ms(row->attempts, o->cfg.retry_ms, o->cfg.retry_max_ms) + 999) / 1000;
    rc = store_write(c, record_attempt, &t);
    store_release(o->cfg.store, c);
    log_line(out->kind == OUT_SENT ? LOG_INFO : LOG_WARN,
             "msg=outbox id=%lld channel=%s kind=%s status=%s attempts=%d", (long long)row->id,
             row->channel, row->kind, t.status, row->attempts);
    return rc;
}

/* Claims and delivers one row; 1 when there was one. */
static int
run_once(struct outbox *o, int64_t worker)
{
    struct store_outbox_row row;
    struct outcome out = {0};
    struct inputs in;
    struct arena a;
    struct store_conn *c;
    int64_t now = now_s();
    long http_status = 0;
    int rc;

    arena_init(&a);
    c = store_acquire(o->cfg.store);
    rc = store_outbox_claim(c, worker, now, now + OUTBOX_LEASE_S, &a, &row);
    store_release(o->cfg.store, c);
    if (rc == ERR_OK) {
        inputs_init(&in);
        deliver(o, &row, &in, &out, &http_status);
        record(o, worker, &row, &out, *row.event && in.subject.data ? in.subject.data : NULL,
               http_status);
        inputs_cleanup(&in);
    }
    arena_cleanup(&a);
    return rc == ERR_OK;
}

/* Queues the reminders that are due, each once per booking and start. */
static void
queue_reminders(struct outbox *o)
{
    struct store_conn *c = store_acquire(o->cfg.store);
    struct svc n = {.db = c, .tzdb = o->cfg.tzdb, .now = now_s()};
    json_t *due = NULL, *item;
    size_t i;
    int marked = 0, rc = store_reminders_due(c, n.now, OUTBOX_REMINDER_BATCH, &due);

    /* Most looks find nothing: open a write transaction only when needed. */
    if (rc != ERR_OK || json_array_size(due) == 0)
        goto out;
    /* Read again inside it: a booking may have moved or gone. Marking is
     * atomic, so of several processes only one queues each reminder. */
    json_decref(due);
    due = NULL;
    rc = store_begin(c, 1);
    if (rc == ERR_OK)
        rc = store_reminders_due(c, n.now, OUTBOX_REMINDER_BATCH, &due);
    json_array_foreach(due, i, item)
    {
        int64_t id = json_integer_value(json_object_get(item, "id"));

        if (rc == ERR_OK)
            rc = store_reminder_mark(c, id, json_integer_value(json_object_get(item, "start_at")),
                                     &marked);
        if (rc == ERR_OK && marked)
            rc = notify_booking(&n, id, NOTIFY_REMINDER);
    }
    if (rc == ERR_OK)
        rc = store_commit(c);
    if (rc != ERR_OK) {
        store_rollback(c);
        log_line(LOG_ERROR, "msg=\"queueing reminders failed\" err=%s", err_name(rc));
    }
out:
    json_decref(due);
    store_release(o->cfg.store, c);
}

/* The packages' daily work (expiry reminders, expiries), checked on every
 * round: most rounds find nothing due, and what is due is done once
 * however many processes look (notify_package_jobs). */
static void
run_package_jobs(struct outbox *o)
{
    struct store_conn *c = store_acquire(o->cfg.store);
    struct svc n = {.db = c, .tzdb = o->cfg.tzdb, .now = now_s()};
    int done = 0, rc = notify_package_jobs(&n, &done);

    if (rc != ERR_OK)
        log_line(LOG_ERROR, "msg=\"package expiry failed\" err=%s", err_name(rc));
    else if (done)
        log_line(LOG_INFO, "msg=\"package jobs done\" count=%d", done);
    store_release(o->cfg.store, c);
}

static void
wait_poll(struct outbox *o)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += o->cfg.poll_ms / 1000;
    ts.tv_nsec += (long)(o->cfg.poll_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&o->lock);
    if (!o->stopping)
        pthread_cond_timedwait(&o->wake, &o->lock, &ts);
    pthread_mutex_unlock(&o->lock);
}

static int
is_stopping(struct outbox *o)
{
    int s;

    pthread_mutex_lock(&o->lock);
    s = o->stopping;
    pthread_mutex_unlock(&o->lock);
    return s;
}

static void *
worker_main(void *arg)
{
    struct outbox *o = ((struct worker_arg *)arg)->o;
    int64_t id = ((struct worker_arg *)arg)->id;

    free(arg);
    while (!is_stopping(o)) {
        if (id == o->ids[0]) {
            queue_reminders(o);
            run_package_jobs(o);
        }
        while (!is_stopping(o) && run_once(o, id))
            ;
        wait_poll(o);
    }
    return NULL;
}

int
outbox_start(const struct outbox_config *cfg, struct outbox **out)
{
    struct outbox *o = calloc(1, sizeof(*o));
    struct worker_arg *arg;
    int64_t base;
    int i;

    *out = NULL;
    if (!o)
        return ERR_NOMEM;
    o->cfg = *cfg;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->wake, NULL);
    /* Ids tell this process's workers from any other's on the same
     * database, whichever machine those run on. */
    base = secret_random_id() * 100;
    for (i = 0; i < cfg->threads && i < OUTBOX_MAX_THREADS; i++)
        o->ids[i] = base + i + 1;
    for (i = 0; i < cfg->threads && i < OUTBOX_MAX_THREADS; i++) {
        arg = malloc(sizeof(*arg));
        if (!arg)
            break;
        *arg = (struct worker_arg){o, o->ids[i]};
        if (pthread_create(&o->threads[i], NULL, worker_main, arg) != 0) {
            free(arg);
            break;
        }
        o->n_threads++;
    }
    *out = o;
    log_line(LOG_INFO, "msg=\"outbox started\" workers=%d poll_ms=%d", o->n_threads, cfg->poll_ms);
    return ERR_OK;
}

void
outbox_stop(struct outbox *o)
{
    int i;

    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->stopping = 1;
    pthread_cond_broadcast(&o->wake);
    pthread_mutex_unlock(&o->lock);
    for (i = 0; i < o->n_threads; i++)
        pthread_join(o->threads[i], NULL);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->wake);
    free(o);
}
