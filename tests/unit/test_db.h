/* The database a store test opens: a SQLite file in a fresh temporary
 * directory, or, when CHAIRSIDE_TEST_PG_URL names a PostgreSQL database,
 * that database emptied (its public schema dropped and made again, so the
 * store's migrations run from scratch). Included by the store tests only. */
#ifndef CHAIRSIDE_TESTS_TEST_DB_H
#define CHAIRSIDE_TESTS_TEST_DB_H

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *
test_db_pg_url(void)
{
    const char *url = getenv("CHAIRSIDE_TEST_PG_URL");

    return url && url[0] ? url : NULL;
}

/* Empties the PostgreSQL database at url; 0 on success. */
static inline int
test_db_pg_reset(const char *url)
{
    PGconn *pg = PQconnectdb(url);
    PGresult *r = NULL;
    int ok = PQstatus(pg) == CONNECTION_OK;

    if (ok) {
        r = PQexec(pg, "SET client_min_messages = warning;"
                       "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    }
    if (!ok)
        fprintf(stderr, "test database: %s", PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    return ok ? 0 : -1;
}

/* Fills target with the database to open; dir (at least 64 bytes) becomes
 * a fresh temporary directory either way, for files a test writes. */
static inline int
test_db_fresh(char *dir, size_t dir_size, char *target, size_t size)
{
    const char *url = test_db_pg_url();

    snprintf(dir, dir_size, "/tmp/chairside-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    if (url) {
        snprintf(target, size, "%s", url);
        return test_db_pg_reset(url);
    }
    snprintf(target, size, "%s/test.db", dir);
    return 0;
}

/* Removes every file in dir (a database, its -wal and -shm, backups),
 * then dir itself. */
static inline void
test_db_remove_dir(const char *dir)
{
    struct dirent *e;
    DIR *d = opendir(dir);

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    rmdir(dir);
}

#endif
