/* Money reports for staff: what came in per day, method and staff member,
 * and what patients still owe by age. */
#ifndef CHAIRSIDE_SERVICE_REPORTS_H
#define CHAIRSIDE_SERVICE_REPORTS_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"

/* Takings decided in [from, to) (UTC): {total, by_method, by_staff, days,
 * currency}, days being local days of the organisation's zone. *out is
 * the caller's. */
int reports_takings(const struct svc *s, int64_t from, int64_t to, json_t **out);
/* Outstanding invoices with their age in days and bucket (0-30, 31-60,
 * 61-90, 90+): {as_of, buckets, total, items}. *out is the caller's. */
int reports_receivables(const struct svc *s, json_t **out);

#endif
