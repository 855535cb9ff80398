/* Package e-mails through the outbox; see package_notify.h. */
#include "service/package_notify.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/arabic.h"
#include "core/civil.h"
#include "core/mime.h"
#include "core/template.h"
#include "service/notify.h"
#include "service/package_rows.h"
#include "service/packages.h"
#include "service/setup.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/row.h"

#define PKG_MAIL_LIMIT (256 * 1024)

/* Everything one package message says. */
struct pkg_notice {
    json_t *pkg, *patient, *settings, *invoice; /* owned */
    char units[16], url[600], validity[96];
    /* The same for an Arabic template (mail_language "ar"). */
    char units_ar[40], expires_ar[AR_DATE_LEN], validity_ar[192];
};

static void
notice_cleanup(struct pkg_notice *n)
{
    json_decref(n->pkg);
    json_decref(n->patient);
    json_decref(n->settings);
    json_decref(n->invoice);
}

/* units, expires_on and validity written for an Arabic template. */
static void
arabic_texts(struct pkg_notice *n)
{
    const char *expires = row_text(n->pkg, "expires_on");
    int64_t day;

    ar_digits(n->units, n->units_ar, sizeof(n->units_ar));
    if (*expires && civil_parse_date(expires, &day) == ERR_OK)
        ar_format_date(day, n->expires_ar);
    else
        ar_digits(expires, n->expires_ar, sizeof(n->expires_ar));
    if (*expires)
        snprintf(n->validity_ar, sizeof(n->validity_ar), "صالحة حتى %s.", n->expires_ar);
    else
        snprintf(n->validity_ar, sizeof(n->validity_ar), "لا تنتهي صلاحيتها.");
}

/* units: how many items are in `status` (NULL: all). */
static int
notice_load(const struct svc *s, int64_t id, const char *status, struct pkg_notice *n)
{
    struct store_package_item_filter f = {.patient_package_id = id, .status = status};
    json_t *items = NULL;
    const char *base;
    int rc = store_row_get(s->db, &patient_package_table, id, &n->pkg);

    if (rc == ERR_OK)
        rc =
            store_row_get(s->db, &setup_patients.table, row_int(n->pkg, "patient_id"), &n->patient);
    if (rc == ERR_OK)
        rc = store_notice_settings(s->db, &n->settings);
    if (rc == ERR_OK)
        rc = store_invoice_json(s->db, row_int(n->pkg, "invoice_id"), &n->invoice);
    if (rc == ERR_OK)
        rc = store_package_items(s->db, &f, &items);
    if (rc != ERR_OK)
        goto out;
    snprintf(n->units, sizeof(n->units), "%zu", json_array_size(items));
    base = row_text(n->settings, "public_url");
    snprintf(n->url, sizeof(n->url), "%s/book#/appointments",
             *base ? base : "http://127.0.0.1:8080");
    if (*row_text(n->pkg, "expires_on"))
        snprintf(n->validity, sizeof(n->validity), "Valid until %s.",
                 row_text(n->pkg, "expires_on"));
    else
        snprintf(n->validity, sizeof(n->validity), "It does not expire.");
    arabic_texts(n);
out:
    json_decref(items);
    return rc;
}

/* Renders tpl_name, or with arabic its Arabic twin <tpl_name>_ar (with
 * ar_vars) when the clinic has one; without a twin the mail goes out in
 * English rather than not at all. */
static int
render(const struct svc *s, const char *tpl_name, int arabic, const struct tpl_var *vars,
       const struct tpl_var *ar_vars, size_t n_vars, struct buf *subject, struct buf *text,
       struct buf *html)
{
    const struct tpl_var *use = vars;
    json_t *tpl = NULL;
    char ar_name[96];
    size_t i;
    int rc = ERR_NOT_FOUND;

    if (arabic) {
        snprintf(ar_name, sizeof(ar_name), "%s_ar", tpl_name);
        rc = store_template_get(s->db, ar_name, &tpl);
        use = ar_vars;
    }
    if (rc == ERR_NOT_FOUND) {
        use = vars;
        rc = store_template_get(s->db, tpl_name, &tpl);
    }
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "subject"), use, n_vars, 0, subject);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_text"), use, n_vars, 0, text);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_html"), use, n_vars, 1, html);
    json_decref(tpl);
    /* A subject never spans lines, whatever the template says. */
    for (i = 0; rc == ERR_OK && i < subject->len; i++) {
        if (subject->data[i] == '\r' || subject->data[i] == '\n')
            subject->data[i] = ' ';
    }
    return rc;
}

static int
queue(const struct svc *s, const struct pkg_notice *n, const char *kind)
{
    const struct tpl_var vars[] = {
        {"patient", row_text(n->patient, "name")},
        {"package", row_text(n->pkg, "name")},
        {"units", n->units},
        {"invoice", row_text(n->invoice, "number")},
        {"expires_on", row_text(n->pkg, "expires_on")},
        {"validity", n->validity},
        {"manage_url", n->url},
    };
    /* In the same order as vars. */
    const struct tpl_var ar_vars[] = {
        {"patient", row_text(n->patient, "name")},
        {"package", row_text(n->pkg, "name")},
        {"units", n->units_ar},
        {"invoice", row_text(n->invoice, "number")},
        {"expires_on", n->expires_ar},
        {"validity", n->validity_ar},
        {"manage_url", n->url},
    };
    const char *to = row_text(n->patient, "email"), *from = row_text(n->settings, "mail_from");
    struct store_outbox_row row = {0};
    struct mime_message m;
    struct buf subject, text, html, msg;
    unsigned char raw[12];
    char hex[25], message_id[64], boundary[64];
    int rc;

    if (!*to)
        return ERR_OK;
    buf_init(&subject, 4096);
    buf_init(&text, PKG_MAIL_LIMIT);
    buf_init(&html, PKG_MAIL_LIMIT);
    buf_init(&msg, 4 * PKG_MAIL_LIMIT);
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    snprintf(message_id, sizeof(message_id), "%s@chairside", hex);
    snprintf(boundary, sizeof(boundary), "cs-%s", hex);
    rc = render(s, kind, strcmp(row_text(n->settings, "mail_language"), "ar") == 0, vars, ar_vars,
                sizeof(vars) / sizeof(vars[0]), &subject, &text, &html);
    m = (struct mime_message){*from ? from : "chairside@localhost",
                              to,
                              subject.data ? subject.data : "",
                              s->now,
                              message_id,
                              boundary,
                              text.data ? text.data : "",
                              html.data ? html.data : "",
                              NULL,
                              NULL};
    if (rc == ERR_OK)
        rc = mime_build(&m, &msg);
    snprintf(row.channel, sizeof(row.channel), "email");
    snprintf(row.kind, sizeof(row.kind), "%s", kind);
    row.recipient = to;
    row.subject = m.subject;
    row.body = msg.data;
    if (rc == ERR_OK)
        rc = store_outbox_add(s->db, &row, s->now, NULL);
    buf_cleanup(&subject);
    buf_cleanup(&text);
    buf_cleanup(&html);
    buf_cleanup(&msg);
    return rc;
}

static int
notify(const struct svc *s, int64_t id, const char *status, const char *kind)
{
    struct pkg_notice n = {0};
    int rc = notice_load(s, id, status, &n);

    if (rc == ERR_OK)
        rc = queue(s, &n, kind);
    notice_cleanup(&n);
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
