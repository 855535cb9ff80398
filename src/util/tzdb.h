/* Loads IANA zones from the system zoneinfo directory on first use and keeps
 * them for the life of the process. Thread-safe. */
#ifndef CHAIRSIDE_UTIL_TZDB_H
#define CHAIRSIDE_UTIL_TZDB_H

#include "core/tz.h"

struct tzdb;

/* dir NULL means /usr/share/zoneinfo. *out is owned by the caller. */
int tzdb_new(const char *dir, struct tzdb **out);
void tzdb_free(struct tzdb *db);
/* *out stays owned by db and valid until tzdb_free. Returns ERR_INVALID for
 * a malformed name ("..", leading "/", odd characters, > 64 bytes),
 * ERR_NOT_FOUND for a name with no zone file. */
int tzdb_get(struct tzdb *db, const char *name, const struct tz_zone **out);

#endif
