/* The outbox workers: threads that claim due outbox rows, deliver them
 * (SMTP, CalDAV, webhooks) and record the outcome, retrying with
 * exponential backoff; one of them also queues due reminders. */
#ifndef CHAIRSIDE_JOBS_OUTBOX_H
#define CHAIRSIDE_JOBS_OUTBOX_H

#include <stdint.h>

struct store;
struct tzdb;
struct outbox;

struct outbox_config {
    struct store *store;
    struct tzdb *tzdb;
    int threads;              /* 0 = no workers (rows wait in the table) */
    int poll_ms;              /* idle wait between looks at the table */
    int64_t retry_ms;         /* first retry delay, doubled per attempt */
    int64_t retry_max_ms;     /* cap of the delay */
    int max_attempts;         /* e-mail and webhooks fail after this many */
    const char *smtp_ca_file; /* CA certificates for SMTP TLS; NULL = system's */
};

/* Reads CHAIRSIDE_OUTBOX_* from the environment over the defaults. */
void outbox_config_from_env(struct outbox_config *cfg);
/* curl_global_init must have run. *out owned by the caller (outbox_stop). */
int outbox_start(const struct outbox_config *cfg, struct outbox **out);
/* Asks every worker to stop, waits for them (a delivery in progress
 * finishes first) and frees o. NULL is fine. */
void outbox_stop(struct outbox *o);

#endif
