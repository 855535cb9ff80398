/* The demo dental clinic that `chairside demo` adds. */
#ifndef CHAIRSIDE_CLI_DEMO_H
#define CHAIRSIDE_CLI_DEMO_H

#include <stdint.h>

struct store;
struct tzdb;

/* Adds the demo clinic with a week of bookings starting today. With
 * only_if_empty, a database that already has locations is left alone
 * (*added = 0). */
int demo_add(struct store *s, struct tzdb *tzdb, int64_t now, int only_if_empty, int *added);

#endif
