/* The context every use case runs in: which connection, who acts, when,
 * and where a refusal is explained. The API builds one from a request,
 * the CLI and the jobs from their own state; services never see HTTP. */
#ifndef CHAIRSIDE_SERVICE_SVC_H
#define CHAIRSIDE_SERVICE_SVC_H

#include <stdint.h>

#include "util/arena.h"
#include "util/problem.h"

struct store_conn;
struct tzdb;

struct svc {
    struct store_conn *db; /* borrowed; the caller owns the transaction when it says so */
    struct tzdb *tzdb;
    struct arena *arena;     /* per-call allocations (availability inputs, series);
                              * NULL for callers of use cases that allocate none */
    int64_t now;             /* UTC seconds: the time the use case happens at */
    int64_t user_id;         /* the acting login; 0 for nobody (sign-up, CLI, jobs) */
    char actor[48];          /* who, as the change history names them: "staff:12" */
    struct problem *problem; /* where refusals are explained; may be NULL */
};

/* Records why the use case refused (see problem_fail); returns err. */
int svc_fail(const struct svc *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A field at fault; returns ERR_INVALID. */
int svc_field_error(const struct svc *s, const char *field, const char *message);

/* Runs fn in a write transaction (store_write): commits when fn returns
 * ERR_OK, else undoes its work and returns fn's error. fn gets a copy of
 * s whose db may be another connection (the store's writer): it must
 * read and write through that one only. Returns once the commit is
 * durable. */
int svc_write(const struct svc *s, int (*fn)(const struct svc *s, void *arg), void *arg);

#endif
