/* SQLite backend: group commit. SQLite lets one connection write at a
 * time, and with synchronous=FULL each commit costs an fsync. Rather than
 * have every request's connection wait for the write lock (sleeping in the
 * busy handler) and pay its own fsync, store_write queues the work for one
 * writer thread. The writer takes everything queued, runs each piece on its
 * own connection in one transaction, each under a savepoint so that a
 * refusal undoes only its own work, commits once, and only then answers
 * every caller: one fsync makes the whole group durable. Checkpoints,
 * which copy the WAL back into the database, run on a thread of their own
 * so that no write waits for one. */
#include <pthread.h>
#include <stdlib.h>

#include "store/sqlite/internal.h"
#include "util/err.h"
#include "util/log.h"

struct write_job {
    store_write_fn *fn;
    void *arg;
    int rc;
    int ran;  /* fn has run, in the group or alone */
    int done; /* rc is the answer; the caller may go */
    pthread_cond_t answered;
    struct write_job *next;
};

struct sqlite_writer {
    pthread_mutex_t lock;
    pthread_cond_t queued; /* a job was queued, or stop was set */
    struct write_job *head, **tail;
    int stop;
    int started;
    pthread_t thread;
    struct store_conn *conn; /* the writer's own; no one else uses it */
    struct sqlite_writer_stats stats;
    /* The checkpointer: the same lock, its own wake-up and connection. */
    pthread_cond_t wal_long;
    int checkpoint_due;
    int checkpointer_started;
    pthread_t checkpointer;
    struct store_conn *checkpoint_conn;
};

static int
in_transaction(struct store_conn *c)
{
    return !sqlite3_get_autocommit(lite(c)->db);
}

static int
exec_cached(struct store_conn *c, const char *sql)
{
    sqlite3_stmt *st = sql_prepare(c, sql);

    return st ? sql_exec_step(c, st) : ERR_STORE;
}

/* One job inside the group's open transaction. */
static void
run_in_savepoint(struct store_conn *c, struct write_job *j)
{
    j->ran = 1;
    j->rc = exec_cached(c, "SAVEPOINT job");
    if (j->rc != ERR_OK)
        return;
    j->rc = j->fn(c, j->arg);
    if (j->rc != ERR_OK && in_transaction(c))
        exec_cached(c, "ROLLBACK TO job");
    if (in_transaction(c))
        exec_cached(c, "RELEASE job");
}

static void
run_alone(struct store_conn *c, struct write_job *j)
{
    j->ran = 1;
    j->rc = store_write_alone(c, j->fn, j->arg);
}

static void
run_group(struct store_conn *c, struct write_job *jobs)
{
    struct write_job *j;
    int rc;

    if (!jobs->next) {
        run_alone(c, jobs);
        return;
    }
    rc = sqlite_begin(c, 1);
    for (j = jobs; rc == ERR_OK && j; j = j->next) {
        run_in_savepoint(c, j);
        /* An error that ends the whole transaction (a full disk, say)
         * takes the others' work with it. */
        if (!in_transaction(c))
            rc = ERR_STORE;
    }
    if (rc == ERR_OK)
        rc = sqlite_commit(c);
    if (rc == ERR_OK)
        return;
    sqlite_rollback(c);
    /* Nothing of the group is durable and no caller has been answered:
     * each job that had not been refused runs again, alone. A refusal
     * stands: it was judged against what the jobs before it left, and
     * those are committed now in the same order. */
    log_line(LOG_WARN, "msg=\"a group commit failed; its writes run one by one\"");
    for (j = jobs; j; j = j->next) {
        if (!j->ran || j->rc == ERR_OK)
            run_alone(c, j);
    }
}

static void *
writer_main(void *arg)
{
    struct sqlite_writer *w = arg;
    struct write_job *jobs, *j, *next;
    size_t n;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->queued, &w->lock);
        if (!w->head)
            break;
        jobs = w->head;
        w->head = NULL;
        w->tail = &w->head;
        pthread_mutex_unlock(&w->lock);
        run_group(w->conn, jobs);
        pthread_mutex_lock(&w->lock);
        n = 0;
        for (j = jobs; j; j = next) {
            next = j->next; /* j is the caller's: gone once answered */
            j->done = 1;
            pthread_cond_signal(&j->answered);
            n++;
        }
        w->stats.groups++;
        w->stats.jobs += n;
        if (n > w->stats.largest)
            w->stats.largest = n;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int
sqlite_write(struct store_conn *c, store_write_fn *fn, void *arg)
{
    struct sqlite_writer *w = lite(c)->writer;
    struct write_job j = {.fn = fn, .arg = arg};

    /* The writer waiting for itself would never answer. */
    if (in_transaction(c)) {
        log_line(LOG_ERROR, "msg=\"store_write inside a transaction\"");
        return ERR_INVALID;
    }
    pthread_cond_init(&j.answered, NULL);
    pthread_mutex_lock(&w->lock);
    *w->tail = &j;
    w->tail = &j.next;
    pthread_cond_signal(&w->queued);
    while (!j.done)
        pthread_cond_wait(&j.answered, &w->lock);
    pthread_mutex_unlock(&w->lock);
    pthread_cond_destroy(&j.answered);
    return j.rc;
}

/* PASSIVE: copies what no reader still needs, never waiting for anyone;
 * the writer goes on appending meanwhile. */
static void *
checkpointer_main(void *arg)
{
    struct sqlite_writer *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->checkpoint_due && !w->stop)
            pthread_cond_wait(&w->wal_long, &w->lock);
        if (w->stop)
            break;
        w->checkpoint_due = 0;
        pthread_mutex_unlock(&w->lock);
        sqlite3_wal_checkpoint_v2(lite(w->checkpoint_conn)->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                  NULL, NULL);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void
sqlite_writer_checkpoint_soon(struct sqlite_writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->checkpoint_due = 1;
    pthread_cond_signal(&w->wal_long);
    pthread_mutex_unlock(&w->lock);
}

int
sqlite_writer_start(struct store_conn *conn, struct store_conn *checkpoint_conn,
                    struct sqlite_writer **out)
{
    struct sqlite_writer *w = calloc(1, sizeof(*w));

    *out = NULL;
    if (!w)
        return ERR_NOMEM;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->queued, NULL);
    pthread_cond_init(&w->wal_long, NULL);
    w->tail = &w->head;
    w->conn = conn;
    w->checkpoint_conn = checkpoint_conn;
    w->started = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    w->checkpointer_started =
        w->started && pthread_create(&w->checkpointer, NULL, checkpointer_main, w) == 0;
    if (!w->checkpointer_started) {
        sqlite_writer_stop(w);
        return ERR_NOMEM;
    }
    *out = w;
    return ERR_OK;
}

void
sqlite_writer_stop(struct sqlite_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->queued);
    pthread_cond_signal(&w->wal_long);
    pthread_mutex_unlock(&w->lock);
    if (w->started)
        pthread_join(w->thread, NULL);
    if (w->checkpointer_started)
        pthread_join(w->checkpointer, NULL);
    pthread_cond_destroy(&w->wal_long);
    pthread_cond_destroy(&w->queued);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void
sqlite_writer_stats(struct sqlite_writer *w, struct sqlite_writer_stats *out)
{
    pthread_mutex_lock(&w->lock);
    *out = w->stats;
    pthread_mutex_unlock(&w->lock);
}
