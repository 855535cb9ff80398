/* The clinic's setup records (locations, staff, services, actions,
 * patients, tax rates, settings, templates) as the domain knows them:
 * each a table of field descriptions with their ranges and checks. The
 * API's generic handlers validate input against these; the demo and the
 * use cases read and write rows through their tables. */
#ifndef CHAIRSIDE_SERVICE_SETUP_H
#define CHAIRSIDE_SERVICE_SETUP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

enum setup_check {
    SETUP_CHECK_NONE,
    SETUP_CHECK_TIMEZONE, /* an IANA zone name the zone database knows */
    SETUP_CHECK_DATE,     /* YYYY-MM-DD */
    SETUP_CHECK_EMAIL,
    SETUP_CHECK_CHOICE,   /* one of choices */
    SETUP_CHECK_SMTP_URL, /* empty, or smtp:// or smtps:// (util/target.h) */
    SETUP_CHECK_HTTP_URL, /* empty, or http:// or https:// (util/target.h) */
    SETUP_CHECK_CHOICES,  /* comma-separated choices, each at most once; may be empty */
};

struct setup_field {
    struct store_column col; /* first: the store reads this part */
    int required;            /* on create */
    int64_t min, max;        /* integer range; text: max is the length limit */
    enum setup_check check;
    const char *const *choices;    /* NULL-terminated, for SETUP_CHECK_CHOICE(S) */
    int read_only;                 /* computed by the database */
    int write_only;                /* never rendered (secrets) */
    const struct store_table *ref; /* integer fields: the id names a row of this table */
};

struct setup_resource {
    struct store_table table; /* cols point at fields, stride sizeof(setup_field) */
    const struct setup_field *fields;
    const char *search_cols[4]; /* GET ?q= searches these */
    size_t n_search;
    /* What visitors and patients may read, for booking online: only rows
     * whose public_if column is true (NULL: every row), and of those only
     * public_cols (NULL-terminated). */
    const char *public_if;
    const char *const *public_cols;
    /* GET ?<flag_param>=1 (or 0) lists only rows whose 0/1 column
     * flag_col is 1 (or 0); NULL: no such filter. */
    const char *flag_param;
    const char *flag_col;
};

extern const struct setup_resource setup_locations, setup_staff, setup_services, setup_actions,
    setup_patients, setup_settings, setup_tax_rates, setup_templates, setup_resources;

/* After settings were saved, inside that transaction: assigning services
 * to staff forces book_one_service_only on, unless the same change turned
 * it off, which is refused (a field error); a payment method needs what it
 * works with (bank details, the card gateway), else a field error on what
 * is missing. */
int setup_settings_saved(const struct svc *s, int one_only_turned_off);
/* Replaces a staff member's links (which: "locations" or "services");
 * every id must name a row, else a field error on field. */
int setup_staff_links_set(const struct svc *s, int64_t staff_id, const char *field,
                          const char *which, const int64_t *ids, size_t n);
/* Adds location_ids and service_ids to a staff row. */
int setup_staff_links_json(const struct svc *s, json_t *row);

#endif
