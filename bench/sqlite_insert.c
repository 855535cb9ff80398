/* The write path's baseline for `make bench`: a plain SQLite insert loop,
 * one row per transaction (BEGIN IMMEDIATE, INSERT, COMMIT) with the
 * server's journal and synchronous settings, for as long as asked.
 * Prints INSERT_N and INSERT_PER_S for bench/run.sh.
 *   sqlite_insert DB SECONDS */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
step_once(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        fprintf(stderr, "sqlite_insert: %s\n", sqlite3_errmsg(db));
    return rc == SQLITE_DONE ? 0 : -1;
}

int
main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *begin = NULL, *ins = NULL, *commit = NULL;
    double seconds, t0, t;
    long long n = 0;
    int rc = 1;

    if (argc != 3 || (seconds = strtod(argv[2], NULL)) <= 0) {
        fprintf(stderr, "usage: sqlite_insert DB SECONDS\n");
        return 2;
    }
    if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, "
                     "staff_id INTEGER NOT NULL, start_at INTEGER NOT NULL, "
                     "end_at INTEGER NOT NULL, notes TEXT NOT NULL);"
                     "CREATE INDEX IF NOT EXISTS rows_staff ON rows (staff_id, start_at);",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO rows (staff_id, start_at, end_at, notes) "
                           "VALUES (?, ?, ?, 'bench')",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_insert: %s\n", db ? sqlite3_errmsg(db) : "no memory");
        goto out;
    }
    t0 = now_s();
    do {
        sqlite3_bind_int64(ins, 1, n % 50 + 1);
        sqlite3_bind_int64(ins, 2, 1700000000 + n * 900);
        sqlite3_bind_int64(ins, 3, 1700000000 + n * 900 + 1800);
        if (step_once(db, begin) || step_once(db, ins) || step_once(db, commit))
            goto out;
        n++;
        t = now_s();
    } while (t - t0 < seconds);
    printf("INSERT_N=%lld\nINSERT_PER_S=%.0f\n", n, (double)n / (t - t0));
    rc = 0;
out:
    sqlite3_finalize(begin);
    sqlite3_finalize(ins);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return rc;
}
