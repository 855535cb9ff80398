/* What a kept availability answer depends on besides its query: the
 * store's version of everything availability reads, whose holds the
 * caller may see as free, and the clock (slots that start pass out of the
 * minimum notice; the maximum advance lets new ones in; holds expire).
 * The API keeps rendered answers by these; the engine is not involved. */
#ifndef CHAIRSIDE_SERVICE_AVAILABILITY_CACHE_H
#define CHAIRSIDE_SERVICE_AVAILABILITY_CACHE_H

#include <stdint.h>

#include "service/availability.h"

/* store_avail_version in s->db's read transaction; *own = 1 when holder
 * (may be NULL) has live holds: they are free to that caller alone, so its
 * answer is its own. Otherwise the answer is everyone's with the same
 * visibility (a hold made later changes the version). */
int availability_version(const struct svc *s, const char *holder, uint64_t *version, int *own);

/* The first instant (UTC seconds) at which res, the answer to r computed
 * at s->now, may be wrong although nothing was written: its first slot
 * falls inside the minimum notice (or starts), a hold it reckoned with
 * expires, or (with a maximum advance reaching into r's range) the next
 * minute lets another start in. At most a day after s->now. */
int availability_valid_until(const struct svc *s, const struct availability_request *r,
                             const struct avail_result *res, int64_t *until);

#endif
