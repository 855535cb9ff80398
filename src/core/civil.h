/* Proleptic Gregorian calendar arithmetic on day numbers (days since
 * 1970-01-01). Pure: no I/O, no time zones. */
#ifndef CHAIRSIDE_CORE_CIVIL_H
#define CHAIRSIDE_CORE_CIVIL_H

#include <stdint.h>

#define CIVIL_DATE_LEN 11 /* "YYYY-MM-DD" + NUL */
#define CIVIL_HHMM_LEN 6  /* "HH:MM" + NUL */

int64_t civil_days_from_date(int year, int month, int day);
/* The day number that seconds (since 1970-01-01T00:00, UTC or local wall
 * clock alike) falls on: rounded down, also before 1970. */
int64_t civil_day_of(int64_t seconds);
void civil_date_from_days(int64_t days, int *year, int *month, int *day);
/* 1 = Monday ... 7 = Sunday (ISO 8601). */
int civil_weekday(int64_t days);
int civil_days_in_month(int year, int month);

/* Strict "YYYY-MM-DD" (years 1900..9999, real calendar dates). Returns
 * ERR_OK or ERR_INVALID. */
int civil_parse_date(const char *s, int64_t *days);
/* Strict "HH:MM", 00:00..24:00, to minutes since midnight. */
int civil_parse_hhmm(const char *s, int *minutes);
void civil_format_date(int64_t days, char out[CIVIL_DATE_LEN]);
void civil_format_hhmm(int minutes, char out[CIVIL_HHMM_LEN]);

#endif
