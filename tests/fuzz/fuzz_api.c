/* JSON bodies of the write routes through the real handlers: the server
 * runs in this process on a scratch database holding the demo clinic, and
 * each input, sent as an admin over loopback, picks a route (first byte),
 * an id for its path (second byte) and is its body (the rest). Bad input
 * must get a 4xx problem: any 5xx is a finding, as is a crash in a
 * handler thread. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "cli/demo.h"
#include "http/server.h"
#include "store/store.h"
#include "util/err.h"
#include "util/secret.h"
#include "util/tzdb.h"

#define RESP_MAX (1 << 20)

static const struct {
    const char *method;
    const char *path; /* {id}: the id the input picks */
} routes[] = {
    {"POST", "/api/v1/patients"},
    {"PATCH", "/api/v1/patients/{id}"},
    {"POST", "/api/v1/patients/{id}/account"},
    {"POST", "/api/v1/bookings"},
    {"PATCH", "/api/v1/bookings/{id}"},
    {"POST", "/api/v1/bookings/{id}/cancel"},
    {"POST", "/api/v1/appointments"},
    {"PATCH", "/api/v1/appointments/{id}"},
    {"POST", "/api/v1/appointments/{id}/cancel"},
    {"POST", "/api/v1/locations"},
    {"PATCH", "/api/v1/locations/{id}"},
    {"POST", "/api/v1/services"},
    {"PATCH", "/api/v1/services/{id}"},
    {"POST", "/api/v1/staff"},
    {"PATCH", "/api/v1/staff/{id}"},
    {"PUT", "/api/v1/staff/{id}/shifts"},
    {"POST", "/api/v1/staff/{id}/time-off"},
    {"POST", "/api/v1/actions"},
    {"POST", "/api/v1/tax-rates"},
    {"PATCH", "/api/v1/settings"},
    {"POST", "/api/v1/invoices/{id}/payments"},
    {"POST", "/api/v1/invoices/{id}/refunds"},
    {"PATCH", "/api/v1/templates/{id}"},
    {"POST", "/api/v1/webhooks"},
    {"POST", "/api/v1/tokens"},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

struct harness {
    char dir[64];
    char db[96];
    struct store *store;
    struct tzdb *tzdb;
    struct app app;
    struct http_server *server;
    uint16_t port;
    char cookie[256];
    char csrf[96];
};

static struct harness h;

/* libFuzzer's timeout alarm interrupts blocking calls: carry on. */
static int
send_all(int fd, const void *p, size_t len)
{
    const char *c = p;

    while (len) {
        ssize_t n = send(fd, c, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        c += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One request on a fresh connection; returns the status (0: no answer). */
static int
exchange_once(const char *method, const char *path, const char *extra, const uint8_t *body,
              size_t len, char *resp, size_t size)
{
    struct sockaddr_in a = {0};
    char head[1024];
    size_t got = 0;
    ssize_t n;
    int fd, status = 0, hl;

    a.sin_family = AF_INET;
    a.sin_port = htons(h.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        goto out; /* EINTR included: the caller tries again */
    hl = snprintf(head, sizeof(head),
                  "%s %s HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n%s"
                  "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                  method, path, extra, len);
    if (hl < 0 || (size_t)hl >= sizeof(head) || send_all(fd, head, (size_t)hl) != 0)
        goto out;
    if (len && send_all(fd, body, len) != 0)
        goto out;
    while (got + 1 < size) {
        n = recv(fd, resp + got, size - 1 - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    resp[got] = '\0';
    if (got > 12 && strncmp(resp, "HTTP/1.1 ", 9) == 0)
        status = (resp[9] - '0') * 100 + (resp[10] - '0') * 10 + (resp[11] - '0');
out:
    close(fd);
    return status;
}

static int
exchange(const char *method, const char *path, const char *extra, const uint8_t *body, size_t len,
         char *resp, size_t size)
{
    int status = 0;

    for (int tries = 0; tries < 3 && status == 0; tries++)
        status = exchange_once(method, path, extra, body, len, resp, size);
    return status;
}

/* Copies the text after key up to one of the stop characters. */
static int
copy_after(const char *text, const char *key, const char *stop, char *out, size_t size)
{
    const char *p = strstr(text, key);
    size_t n;

    if (!p)
        return ERR_NOT_FOUND;
    p += strlen(key);
    n = strcspn(p, stop);
    if (n >= size)
        return ERR_INVALID;
    memcpy(out, p, n);
    out[n] = '\0';
    return ERR_OK;
}

static void
stop_harness(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[128];

    http_server_stop(h.server);
    store_close(h.store);
    tzdb_free(h.tzdb);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", h.db, suffixes[i]);
        unlink(path);
    }
    rmdir(h.dir);
}

static int
start_server(void)
{
    struct http_server_config cfg = {0};

    cfg.host = "127.0.0.1";
    cfg.threads = 2;
    cfg.app = &h.app;
    cfg.handle = api_handle;
    /* A free port: the first the kernel offers that we can bind again. */
    for (int tries = 0; tries < 20; tries++) {
        struct sockaddr_in a = {0};
        socklen_t alen = sizeof(a);
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
            getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
            if (fd >= 0)
                close(fd);
            continue;
        }
        close(fd);
        cfg.port = ntohs(a.sin_port);
        if (http_server_start(&cfg, &h.server) == ERR_OK) {
            h.port = cfg.port;
            return ERR_OK;
        }
    }
    return ERR_IO;
}

static int
login(void)
{
    static const char body[] = "{\"email\":\"admin@demo.test\",\"password\":\"demo-admin\"}";
    char *resp = malloc(RESP_MAX), session[160];
    int rc = ERR_NOMEM;

    if (!resp)
        return rc;
    rc = ERR_IO;
    if (exchange("POST", "/api/v1/auth/login", "", (const uint8_t *)body, strlen(body), resp,
                 RESP_MAX) != 200)
        goto out;
    rc = copy_after(resp, "Set-Cookie: ", ";\r", session, sizeof(session));
    if (rc == ERR_OK)
        rc = copy_after(resp, "\"csrf_token\":\"", "\"", h.csrf, sizeof(h.csrf));
    if (rc == ERR_OK)
        snprintf(h.cookie, sizeof(h.cookie), "Cookie: %s\r\nX-CSRF-Token: %s\r\n", session, h.csrf);
out:
    free(resp);
    return rc;
}

static int
setup(void)
{
    int added = 0, rc;

    snprintf(h.dir, sizeof(h.dir), "/tmp/chairside-fuzz-XXXXXX");
    if (!mkdtemp(h.dir))
        return ERR_IO;
    snprintf(h.db, sizeof(h.db), "%s/fuzz.db", h.dir);
    rc = secret_init();
    if (rc == ERR_OK)
        rc = tzdb_new(NULL, &h.tzdb);
    if (rc == ERR_OK)
        rc = store_open(h.db, 4, &h.store);
    if (rc == ERR_OK)
        rc = demo_add(h.store, h.tzdb, (int64_t)time(NULL), 0, &added);
    h.app.store = h.store;
    h.app.tzdb = h.tzdb;
    h.app.session_idle_s = 24 * 3600;
    h.app.session_max_s = 24 * 3600;
    if (rc == ERR_OK)
        rc = start_server();
    if (rc == ERR_OK)
        rc = login();
    atexit(stop_harness);
    return rc;
}

static void
route_path(const char *pattern, int id, char *out, size_t size)
{
    const char *at = strstr(pattern, "{id}");

    if (at)
        snprintf(out, size, "%.*s%d%s", (int)(at - pattern), pattern, id, at + 4);
    else
        snprintf(out, size, "%s", pattern);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready = -1;
    static char *resp;
    char path[128];
    int status;

    if (ready < 0) {
        ready = setup() == ERR_OK;
        resp = malloc(RESP_MAX);
        if (!ready || !resp) {
            fprintf(stderr, "fuzz_api: cannot start the server\n");
            abort();
        }
    }
    if (size < 2)
        return 0;
    route_path(routes[data[0] % N_ROUTES].path, data[1] % 8 + 1, path, sizeof(path));
    status = exchange(routes[data[0] % N_ROUTES].method, path, h.cookie, data + 2, size - 2, resp,
                      RESP_MAX);
    if (status == 0 || status >= 500)
        fprintf(stderr, "fuzz_api: %s %s answered %d:\n%s\n", routes[data[0] % N_ROUTES].method,
                path, status, resp);
    FUZZ_CHECK(status >= 200 && status < 500);
    /* A logout or a revoked session would turn every later input into 401. */
    FUZZ_CHECK(status != 401);
    return 0;
}
