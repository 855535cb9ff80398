/* chairside: parses the command line, opens the database and wires the
 * modules together. Nothing else lives here. */
#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "http/answer_cache.h"
#include "api/auth.h"
#include "cli/demo.h"
#include "http/server.h"
#include "jobs/outbox.h"
#include "jobs/transport.h"
#include "service/users.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/tzdb.h"

#define DEFAULT_DB "var/chairside.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_WEB "build/web"
#define SERVE_ANSWERS_MAX 1024
#define SERVE_ANSWER_BYTES_MAX (64u << 20)

struct options {
    const char *db;
    const char *listen;
    const char *email;
    const char *password;
    const char *role;
    const char *to;
    const char *web;
    int if_empty;
};

static void
usage(void)
{
    fputs("usage: chairside serve [--db PATH|URL] [--listen HOST:PORT] [--web DIR]\n"
          "       chairside migrate [--db PATH|URL]\n"
          "       chairside demo [--db PATH|URL] [--if-empty]\n"
          "       chairside user add --email E --password P --role admin|staff [--db PATH|URL]\n"
          "       chairside backup --db PATH|URL --to FILE\n",
          stderr);
}

static int
parse_options(int argc, char **argv, int first, struct options *o)
{
    int i;

    o->db = getenv("CHAIRSIDE_DB") ? getenv("CHAIRSIDE_DB") : DEFAULT_DB;
    o->listen = getenv("CHAIRSIDE_LISTEN") ? getenv("CHAIRSIDE_LISTEN") : DEFAULT_LISTEN;
    o->web = getenv("CHAIRSIDE_WEB_DIR");
    for (i = first; i < argc; i++) {
        const char **slot = NULL;

        if (strcmp(argv[i], "--if-empty") == 0) {
            o->if_empty = 1;
            continue;
        }
        if (strcmp(argv[i], "--db") == 0)
            slot = &o->db;
        else if (strcmp(argv[i], "--listen") == 0)
            slot = &o->listen;
        else if (strcmp(argv[i], "--email") == 0)
            slot = &o->email;
        else if (strcmp(argv[i], "--password") == 0)
            slot = &o->password;
        else if (strcmp(argv[i], "--role") == 0)
            slot = &o->role;
        else if (strcmp(argv[i], "--to") == 0)
            slot = &o->to;
        else if (strcmp(argv[i], "--web") == 0)
            slot = &o->web;
        if (!slot || i + 1 >= argc) {
            fprintf(stderr, "chairside: unknown or incomplete option %s\n", argv[i]);
            return ERR_INVALID;
        }
        *slot = argv[++i];
    }
    return ERR_OK;
}

/* Creates the database's folder when it is missing (var/ on first run). */
static void
ensure_parent_dir(const char *path)
{
    char dir[4096];
    char *slash;

    if (strlen(path) >= sizeof(dir))
        return;
    memcpy(dir, path, strlen(path) + 1);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        fprintf(stderr, "chairside: cannot create %s: %s\n", dir, strerror(errno));
}

static int
parse_listen(const char *listen, char *host, size_t size, uint16_t *port)
{
    const char *colon = strrchr(listen, ':');
    char *end;
    long p;

    if (!colon || (size_t)(colon - listen) >= size)
        return ERR_INVALID;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    errno = 0;
    p = strtol(colon + 1, &end, 10);
    if (errno || *end || p < 1 || p > 65535)
        return ERR_INVALID;
    *port = (uint16_t)p;
    return ERR_OK;
}

/* Requests mostly wait: for PostgreSQL's answers, or on SQLite for the
 * group commit they joined (the more requests wait on one commit, the
 * more one sync serves). So several HTTP workers per CPU: four (up to
 * 32) on PostgreSQL, eight (8 to 32) on SQLite, unless CHAIRSIDE_THREADS
 * (2 to 64) says otherwise. */
static unsigned
worker_threads(const char *db)
{
    const char *v = getenv("CHAIRSIDE_THREADS");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    char *end;

    if (v) {
        errno = 0;
        n = strtol(v, &end, 10);
        if (!errno && !*end && n >= 2 && n <= 64)
            return (unsigned)n;
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (store_is_url(db))
        return n < 1 ? 2 : n > 8 ? 32 : (unsigned)n * 4;
    return n < 1 ? 8 : n > 4 ? 32 : (unsigned)n * 8;
}

/* Session lifetimes and the request timeout may be shortened (tests, kiosks)
 * from the environment. */
static int
env_seconds(const char *name, int fallback)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v)
        return fallback;
    errno = 0;
    n = strtol(v, &end, 10);
    return errno || *end || n < 1 || n > fallback ? fallback : (int)n;
}

/* The web app is built into "web" beside the binary (build/web); a
 * sanitizer build elsewhere falls back to build/web below the working
 * directory, which is the repository root for make and the tests. */
static void
pick_web_root(const struct options *o, char *out, size_t size)
{
    char exe[4096];
    struct stat st;
    ssize_t n;
    int len;

    if (o->web) {
        len = snprintf(out, size, "%s", o->web);
        goto out;
    }
    len = snprintf(out, size, "%s", DEFAULT_WEB);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if (strlen(exe) + sizeof("/web") <= size) {
            char beside[4096 + 8];

            snprintf(beside, sizeof(beside), "%s/web", exe);
            if (stat(beside, &st) == 0 && S_ISDIR(st.st_mode))
                len = snprintf(out, size, "%s", beside);
        }
    }
out:
    if (len < 0 || (size_t)len >= size)
        out[0] = '\0';
}

static int
cmd_serve(const struct options *o, struct store *store, struct tzdb *tzdb, unsigned threads)
{
    struct http_server_config cfg = {0};
    struct http_server *server = NULL;
    struct outbox_config ocfg = {store, tzdb, 0, 0, 0, 0, 0, NULL};
    struct outbox *outbox = NULL;
    struct app app = {store,
                      tzdb,
                      0,
                      env_seconds("CHAIRSIDE_SESSION_IDLE_S", AUTH_IDLE_S),
                      env_seconds("CHAIRSIDE_SESSION_MAX_S", AUTH_ABSOLUTE_S),
                      &transport_net_post,
                      NULL};
    char host[64];
    char web[4096];
    sigset_t set;
    int sig = 0, rc;

    rc = parse_listen(o->listen, host, sizeof(host), &cfg.port);
    if (rc != ERR_OK) {
        fprintf(stderr, "chairside: --listen must be HOST:PORT\n");
        return rc;
    }
    /* Worker threads inherit this mask, so only sigwait below sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    cfg.host = host;
    cfg.threads = threads;
    cfg.request_timeout_s =
        (unsigned)env_seconds("CHAIRSIDE_REQUEST_TIMEOUT_S", HTTP_REQUEST_TIMEOUT_S);
    cfg.app = &app;
    cfg.handle = api_handle;
    pick_web_root(o, web, sizeof(web));
    cfg.web_root = web[0] ? web : NULL;
    /* A clinic's busiest queries (each day, week and staff member asked
     * for) fit easily; the bodies of a large clinic's weeks are ~1 MiB. */
    rc = answer_cache_new(SERVE_ANSWERS_MAX, SERVE_ANSWER_BYTES_MAX, &app.answers);
    if (rc != ERR_OK)
        return rc;
    rc = http_server_start(&cfg, &server);
    if (rc != ERR_OK) {
        fprintf(stderr, "chairside: cannot listen on %s\n", o->listen);
        answer_cache_free(app.answers);
        return rc;
    }
    log_line(LOG_INFO, "msg=listening address=%s threads=%u hash_slots=%u", o->listen, threads,
             secret_hash_slots());
    outbox_config_from_env(&ocfg);
    rc = outbox_start(&ocfg, &outbox);
    if (rc == ERR_OK)
        sigwait(&set, &sig);
    log_line(LOG_INFO, "msg=\"shutting down\" signal=%d", sig);
    http_server_stop(server);
    outbox_stop(outbox);
    answer_cache_free(app.answers);
    return rc;
}

static int
cmd_user(const struct options *o, struct store *store)
{
    struct svc s = {.now = (int64_t)time(NULL)};
    int64_t id = 0;
    int rc;

    if (!o->email || !o->password || !o->role || strcmp(o->role, "patient") == 0) {
        usage();
        return ERR_INVALID;
    }
    s.db = store_acquire(store);
    rc = users_add(&s, o->email, o->password, o->role, 0, &id);
    store_release(store, s.db);
    if (rc == ERR_OK)
        printf("added %s user %s (id %lld)\n", o->role, o->email, (long long)id);
    else if (rc == ERR_CONFLICT)
        fprintf(stderr, "chairside: %s already has an account\n", o->email);
    else if (rc == ERR_INVALID)
        fprintf(stderr, "chairside: need a valid e-mail and a password of 8 to 256 bytes\n");
    return rc;
}

static int
cmd_demo(const struct options *o, struct store *store, struct tzdb *tzdb)
{
    int added = 0;
    int rc = demo_add(store, tzdb, (int64_t)time(NULL), o->if_empty, &added);

    if (rc != ERR_OK) {
        fprintf(stderr, "chairside: adding demo data failed (%s)\n", err_name(rc));
        return rc;
    }
    if (!added) {
        printf("database already has data; demo not added\n");
        return ERR_OK;
    }
    printf("demo clinic added. Log in at http://%s with:\n"
           "  admin      admin@demo.test / demo-admin\n"
           "  reception  reception@demo.test / demo-staff\n"
           "  patient    patient1@demo.test / demo-patient\n",
           o->listen);
    return ERR_OK;
}

static int
cmd_backup(const struct options *o, struct store *store, const char *shown)
{
    struct store_conn *c;
    int rc;

    if (!o->to) {
        usage();
        return ERR_INVALID;
    }
    c = store_acquire(store);
    rc = store_backup(c, o->to);
    store_release(store, c);
    if (rc == ERR_OK)
        printf("backed up %s to %s\n", shown, o->to);
    return rc;
}

static int
run(const char *cmd, const struct options *o)
{
    struct store *store = NULL;
    struct tzdb *tzdb = NULL;
    unsigned threads = worker_threads(o->db);
    char shown[512];
    int rc;

    rc = secret_init();
    if (rc == ERR_OK && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        rc = ERR_IO;
    if (rc == ERR_OK)
        rc = tzdb_new(NULL, &tzdb);
    if (rc != ERR_OK)
        goto out;
    store_target_redacted(o->db, shown, sizeof(shown));
    if (!store_is_url(o->db))
        ensure_parent_dir(o->db);
    /* A backend that cannot open its database says why in one line. */
    rc = store_open(o->db, (int)threads + 2, &store);
    if (rc != ERR_OK)
        goto out;
    if (strcmp(cmd, "serve") == 0)
        rc = cmd_serve(o, store, tzdb, threads);
    else if (strcmp(cmd, "demo") == 0)
        rc = cmd_demo(o, store, tzdb);
    else if (strcmp(cmd, "user") == 0)
        rc = cmd_user(o, store);
    else if (strcmp(cmd, "backup") == 0)
        rc = cmd_backup(o, store, shown);
    else if (strcmp(cmd, "migrate") == 0)
        printf("database %s is up to date\n", shown);
out:
    store_close(store);
    tzdb_free(tzdb);
    curl_global_cleanup();
    return rc;
}

int
main(int argc, char **argv)
{
    static const char *const commands[] = {"serve", "migrate", "demo", "user", "backup"};
    struct options o = {0};
    int first = 2;
    size_t i;

    /* Response buffers of a few hundred kB come and go per request; keep
     * glibc from returning that memory to the kernel after each one, but
     * hold at most 8 MiB free per arena and use a few arenas, not glibc's
     * eight per CPU, each keeping its own: the server's memory budget is
     * 64 MiB with a burst of logins hashing (util/secret.c). */
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_ARENA_MAX, 4);
    if (argc < 2)
        goto bad;
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i]) == 0)
            break;
    }
    if (i == sizeof(commands) / sizeof(commands[0]))
        goto bad;
    if (strcmp(argv[1], "user") == 0) {
        if (argc < 3 || strcmp(argv[2], "add") != 0)
            goto bad;
        first = 3;
    }
    if (parse_options(argc, argv, first, &o) != ERR_OK)
        goto bad;
    return run(argv[1], &o) == ERR_OK ? 0 : 1;
bad:
    usage();
    return 2;
}
