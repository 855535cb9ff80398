/* Zone cache over the system zoneinfo directory. Zones are loaded on first
 * request and never evicted, so a pointer handed out stays valid until
 * tzdb_free; a deployment uses a handful of zones, so a list is enough. */
#include "util/tzdb.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"

#define TZDB_DEFAULT_DIR "/usr/share/zoneinfo"
#define TZDB_MAX_NAME 64
/* Real TZif files are a few KiB; the cap bounds what a bad file costs. */
#define TZDB_MAX_FILE (256 * 1024)

struct tzdb_entry {
    struct tzdb_entry *next;
    char *name;
    struct tz_zone *zone;
};

struct tzdb {
    char *dir;
    pthread_mutex_t lock;
    struct tzdb_entry *entries;
};

static char *
dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

int
tzdb_new(const char *dir, struct tzdb **out)
{
    struct tzdb *db = NULL;
    int rc = ERR_INVALID;

    if (out == NULL)
        goto out;
    rc = ERR_NOMEM;
    db = calloc(1, sizeof(*db));
    if (db == NULL)
        goto out;
    db->dir = dup_string(dir != NULL ? dir : TZDB_DEFAULT_DIR);
    if (db->dir == NULL)
        goto out;
    if (pthread_mutex_init(&db->lock, NULL) != 0)
        goto out;
    *out = db;
    db = NULL;
    rc = ERR_OK;
out:
    if (db != NULL) {
        free(db->dir);
        free(db);
    }
    return rc;
}

void
tzdb_free(struct tzdb *db)
{
    struct tzdb_entry *e, *next;

    if (db == NULL)
        return;
    for (e = db->entries; e != NULL; e = next) {
        next = e->next;
        tz_zone_free(e->zone);
        free(e->name);
        free(e);
    }
    pthread_mutex_destroy(&db->lock);
    free(db->dir);
    free(db);
}

/* The name becomes part of a path, so only the characters IANA names use
 * are allowed; with '.' excluded no component can be "." or "..". */
static int
name_valid(const char *name)
{
    size_t n = 0;

    for (; name[n] != '\0'; n++) {
        char c = name[n];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '+' || c == '-' || c == '/';

        if (!ok || n >= TZDB_MAX_NAME)
            return 0;
        if (c == '/' && (n == 0 || name[n - 1] == '/'))
            return 0;
    }
    return n > 0 && name[n - 1] != '/';
}

static int
read_all(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return ERR_IO;
        got += (size_t)r;
    }
    return ERR_OK;
}

/* Reads dir/name into a fresh buffer owned by the caller. */
static int
read_zone_file(const char *dir, const char *name, unsigned char **data, size_t *len)
{
    size_t dlen = strlen(dir), nlen = strlen(name);
    char *path = NULL;
    unsigned char *buf = NULL;
    struct stat st;
    int fd = -1, rc = ERR_NOMEM;

    path = malloc(dlen + 1 + nlen + 1);
    if (path == NULL)
        goto out;
    memcpy(path, dir, dlen);
    path[dlen] = '/';
    memcpy(path + dlen + 1, name, nlen + 1);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = (errno == ENOENT || errno == ENOTDIR) ? ERR_NOT_FOUND : ERR_IO;
        goto out;
    }
    rc = ERR_IO;
    if (fstat(fd, &st) != 0)
        goto out;
    /* Directories such as "Europe" are names without a zone. */
    rc = ERR_NOT_FOUND;
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > TZDB_MAX_FILE)
        goto out;
    rc = ERR_NOMEM;
    buf = malloc((size_t)st.st_size);
    if (buf == NULL)
        goto out;
    rc = read_all(fd, buf, (size_t)st.st_size);
    if (rc != ERR_OK)
        goto out;
    *data = buf;
    *len = (size_t)st.st_size;
    buf = NULL;
out:
    if (fd >= 0)
        close(fd);
    free(buf);
    free(path);
    return rc;
}

/* Loads name and prepends it to the cache; called with db->lock held. */
static int
load_locked(struct tzdb *db, const char *name, struct tzdb_entry **out)
{
    struct tzdb_entry *e = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    rc = read_zone_file(db->dir, name, &data, &len);
    if (rc != ERR_OK)
        goto out;
    rc = ERR_NOMEM;
    e = calloc(1, sizeof(*e));
    if (e == NULL)
        goto out;
    e->name = dup_string(name);
    if (e->name == NULL)
        goto out;
    rc = tz_zone_from_tzif(data, len, &e->zone);
    /* A file that is not TZif (zoneinfo also holds tables and notes) means
     * there is no zone by that name. */
    if (rc == ERR_INVALID)
        rc = ERR_NOT_FOUND;
    if (rc != ERR_OK)
        goto out;
    e->next = db->entries;
    db->entries = e;
    *out = e;
    e = NULL;
out:
    if (e != NULL) {
        free(e->name);
        free(e);
    }
    free(data);
    return rc;
}

int
tzdb_get(struct tzdb *db, const char *name, const struct tz_zone **out)
{
    struct tzdb_entry *e;
    int rc = ERR_INVALID;

    if (db == NULL || name == NULL || out == NULL || !name_valid(name))
        goto out;
    /* Loading under the lock is simple and rare (once per zone); it also
     * keeps two threads from loading the same zone twice. */
    pthread_mutex_lock(&db->lock);
    for (e = db->entries; e != NULL; e = e->next) {
        if (strcmp(e->name, name) == 0)
            break;
    }
    rc = ERR_OK;
    if (e == NULL)
        rc = load_locked(db, name, &e);
    if (rc == ERR_OK)
        *out = e->zone;
    pthread_mutex_unlock(&db->lock);
out:
    return rc;
}
