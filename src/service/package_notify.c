/* Package e-mails through the outbox, as their events; see
 * package_notify.h. */
#include "service/package_notify.h"

#include <string.h>

#include "service/mail_event.h"
#include "service/notify.h"
#include "service/package_rows.h"
#include "service/packages.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

/* The event of a mail about package id (jobs/outbox_render.h), counting
 * its units in `status` (NULL: all), and its patient; both owned by the
 * caller. */
static int
package_event(const struct svc *s, int64_t id, const char *status, json_t **patient, json_t **event)
{
    struct store_package_item_filter f = {.patient_package_id = id, .status = status};
    json_t *pkg = NULL, *settings = NULL, *invoice = NULL, *items = NULL;
    int rc = store_row_get(s->db, &patient_package_table, id, &pkg);

    if (rc == ERR_OK)
        rc = store_row_get(s->db, &setup_patients.table, row_int(pkg, "patient_id"), patient);
    if (rc == ERR_OK)
        rc = store_notice_settings(s->db, &settings);
    if (rc == ERR_OK)
        rc = store_invoice_json(s->db, row_int(pkg, "invoice_id"), &invoice);
    if (rc == ERR_OK)
        rc = store_package_items(s->db, &f, &items);
    if (rc != ERR_OK)
        goto out;
    *event = json_pack("{s:s, s:b, s:s, s:{s:s, s:s, s:I, s:s, s:s}}", "about", "package", "arabic",
                       strcmp(row_text(settings, "mail_language"), "ar") == 0, "public_url",
                       row_text(settings, "public_url"), "facts", "patient",
                       row_text(*patient, "name"), "package", row_text(pkg, "name"), "units",
                       (json_int_t)json_array_size(items), "invoice", row_text(invoice, "number"),
                       "expires_on", row_text(pkg, "expires_on"));
    rc = *event ? ERR_OK : ERR_NOMEM;
out:
    json_decref(pkg);
    json_decref(settings);
    json_decref(invoice);
    json_decref(items);
    return rc;
}

static int
notify(const struct svc *s, int64_t id, const char *status, const char *kind)
{
    json_t *patient = NULL, *event = NULL;
    int rc = package_event(s, id, status, &patient, &event);

    if (rc == ERR_OK)
        rc = mail_event_queue(s, kind, row_text(patient, "email"), 0, event);
    json_decref(patient);
    json_decref(event);
    return rc;
}

int
package_notify_purchased(const struct svc *s, int64_t patient_package_id)
{
    return notify(s, patient_package_id, NULL, "package_purchased");
}

int
package_notify_expiring(const struct svc *s, int64_t patient_package_id)
{
    return notify(s, patient_package_id, "unassigned", "package_expiring");
}

int
notify_package_jobs(const struct svc *s, int *n)
{
    return packages_run_due(s, n);
}
