/* The store contract's entry points: store_open picks the backend from
 * the target (a postgresql:// URL or a SQLite file path), the connection
 * pool and the identifier checks serve both backends, and every other
 * store_*() is one line through the backend's table. */
#include <stdio.h>
#include <string.h>

#include "store/store_ops.h"
#include "util/err.h"
#include "util/log.h"

int sqlite_store_open(const char *path, int n_conns, struct store **out);
int pgsql_store_open(const char *url, int n_conns, struct store **out);

int
store_is_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

void
store_target_redacted(const char *target, char *out, size_t size)
{
    const char *scheme = strstr(target, "://"), *at = strrchr(target, '@'), *colon;

    snprintf(out, size, "%s", target);
    if (!store_is_url(target) || !scheme || !at || at < scheme)
        return;
    colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
    if (colon)
        snprintf(out, size, "%.*s:***%s", (int)(colon - target), target, at);
}

int
store_open(const char *target, int n_conns, struct store **out)
{
    *out = NULL;
    if (!target || !target[0] || n_conns < 1)
        return ERR_INVALID;
    return store_is_url(target) ? pgsql_store_open(target, n_conns, out)
                                : sqlite_store_open(target, n_conns, out);
}

void
store_close(struct store *s)
{
    if (s)
        s->ops->close(s);
}

int
store_identifier(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");

    return n > 0 && s[n] == '\0';
}

int
store_table_names_valid(const struct store_table *t)
{
    size_t i;

    if (!store_identifier(t->name) || (t->read_from && !store_identifier(t->read_from)))
        return 0;
    for (i = 0; i < t->n_cols; i++) {
        if (!store_identifier(store_table_col(t, i)->name))
            return 0;
    }
    return 1;
}

int
store_names_refused(const char *name)
{
    log_line(LOG_ERROR, "msg=\"refused a table descriptor\" name=\"%.40s\"", name);
    return ERR_INVALID;
}

int
store_sql_name(struct buf *b, const char *before, const char *name, const char *after)
{
    int rc = store_identifier(name) ? ERR_OK : store_names_refused(name);

    if (rc == ERR_OK && before)
        rc = buf_puts(b, before);
    if (rc == ERR_OK)
        rc = buf_puts(b, name);
    if (rc == ERR_OK && after)
        rc = buf_puts(b, after);
    return rc;
}

int
store_id_list(struct buf *b, const int64_t *ids, size_t n, const char *open, const char *close)
{
    size_t i;
    int rc = buf_puts(b, open);

    for (i = 0; rc == ERR_OK && i < n; i++)
        rc = buf_printf(b, "%s%lld", i ? "," : "", (long long)ids[i]);
    return rc == ERR_OK ? buf_puts(b, close) : rc;
}

int
store_history_changes(json_t *items)
{
    json_t *row;
    size_t i;

    json_array_foreach(items, i, row)
    {
        const char *text = json_string_value(json_object_get(row, "changes"));
        json_t *changes = text ? json_loads(text, 0, NULL) : NULL;

        if (json_object_set_new(row, "changes", changes ? changes : json_object()) != 0)
            return ERR_NOMEM;
    }
    return ERR_OK;
}

int
store_write_alone(struct store_conn *c, store_write_fn *fn, void *arg)
{
    int rc = c->ops->begin(c, 1);

    if (rc != ERR_OK)
        return rc;
    rc = fn(c, arg);
    if (rc == ERR_OK)
        rc = c->ops->commit(c);
    if (rc != ERR_OK)
        c->ops->rollback(c);
    return rc;
}

void
store_pool_init(struct store *s, const struct store_ops *ops)
{
    s->ops = ops;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    s->free_list = NULL;
}

void
store_pool_add(struct store *s, struct store_conn *c)
{
    pthread_mutex_lock(&s->lock);
    c->next_free = s->free_list;
    s->free_list = c;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

void
store_pool_cleanup(struct store *s)
{
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
}

struct store_conn *
store_acquire(struct store *s)
{
    struct store_conn *c;

    pthread_mutex_lock(&s->lock);
    while (!s->free_list)
        pthread_cond_wait(&s->freed, &s->lock);
    c = s->free_list;
    s->free_list = c->next_free;
    pthread_mutex_unlock(&s->lock);
    if (s->ops->on_acquire)
        s->ops->on_acquire(c);
    return c;
}

void
store_release(struct store *s, struct store_conn *c)
{
    if (!c)
        return;
    c->ops->rollback(c); /* a caller that failed mid-transaction */
    store_pool_add(s, c);
}

const char *
store_kind(const struct store *s)
{
    return s->ops->kind;
}

#define STORE_OP(ret, name, params, args)                                                          \
    ret store_##name params                                                                        \
    {                                                                                              \
        return c->ops->name args;                                                                  \
    }
#define STORE_VOID_OP(name, params, args)                                                          \
    void store_##name params                                                                       \
    {                                                                                              \
        c->ops->name args;                                                                         \
    }
#include "store/ops.def"
