/* IANA time zones as pure data: a zone is built from the bytes of a TZif
 * file (RFC 8536, versions 1-4) and then answers UTC offset questions.
 * Reading the file is util/tzdb.c's job; nothing here does I/O.
 *
 * "Local seconds" are wall-clock seconds since 1970-01-01T00:00 as if the
 * wall clock were UTC, so local date = floor(local / 86400). */
#ifndef CHAIRSIDE_CORE_TZ_H
#define CHAIRSIDE_CORE_TZ_H

#include <stddef.h>
#include <stdint.h>

#define TZ_RFC3339_LEN 26 /* "2026-12-01T09:00:00+02:00" + NUL */

struct tz_zone;

/* Parses TZif bytes, including the POSIX TZ footer used past the last
 * transition. *out is owned by the caller (tz_zone_free). Returns ERR_OK,
 * ERR_INVALID or ERR_NOMEM. */
int tz_zone_from_tzif(const unsigned char *data, size_t len, struct tz_zone **out);
/* A fixed-offset zone (used for "UTC" and in tests). */
int tz_zone_fixed(int32_t offset_s, struct tz_zone **out);
void tz_zone_free(struct tz_zone *zone);

/* Seconds east of UTC in effect at instant utc. */
int32_t tz_offset_at(const struct tz_zone *zone, int64_t utc);
/* The first instant > utc at which the offset changes, or INT64_MAX. */
int64_t tz_next_transition(const struct tz_zone *zone, int64_t utc);
/* Wall time -> instant. In a fold (the hour repeated when clocks go back)
 * the earlier instant is returned; in a gap (clocks go forward) the wall
 * time is read with the offset before the gap, which lands after it
 * (02:30 on a spring-forward day at 02:00 becomes 03:30). */
int64_t tz_local_to_utc(const struct tz_zone *zone, int64_t local_seconds);
/* Instant -> wall time. */
int64_t tz_utc_to_local(const struct tz_zone *zone, int64_t utc);

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" (or "Z" when offset is 0 is NOT used: always
 * numeric offset). */
void tz_format_rfc3339(int64_t utc, int32_t offset_s, char out[TZ_RFC3339_LEN]);
/* Accepts RFC 3339 date-time with "Z" or a numeric offset; seconds
 * required; optional fractional seconds are truncated. ERR_OK/ERR_INVALID. */
int tz_parse_rfc3339(const char *s, int64_t *utc);

#endif
