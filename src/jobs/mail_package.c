/* The placeholders of a mail about a package, from the facts its event
 * froze; see mail_vars.h. */
#include "jobs/mail_vars.h"

#include "core/arabic.h"
#include "core/civil.h"
#include "util/err.h"
#include "util/row.h"

int
mail_vars_package(const json_t *event, struct mail_vars *v)
{
    const json_t *f = json_object_get(event, "facts");
    const char *base = row_text(event, "public_url"), *expires = row_text(f, "expires_on");
    const char *units = mail_vars_printf(v, "%lld", (long long)row_int(f, "units"));
    char units_ar[40], expires_ar[AR_DATE_LEN];
    int64_t day;

    ar_digits(units, units_ar, sizeof(units_ar));
    if (*expires && civil_parse_date(expires, &day) == ERR_OK)
        ar_format_date(day, expires_ar);
    else
        ar_digits(expires, expires_ar, sizeof(expires_ar));
    mail_vars_add(v, "patient", row_text(f, "patient"), NULL);
    mail_vars_add(v, "package", row_text(f, "package"), NULL);
    mail_vars_add(v, "units", units, mail_vars_printf(v, "%s", units_ar));
    mail_vars_add(v, "invoice", row_text(f, "invoice"), NULL);
    mail_vars_add(v, "expires_on", expires, mail_vars_printf(v, "%s", expires_ar));
    if (*expires)
        mail_vars_add(v, "validity", mail_vars_printf(v, "Valid until %s.", expires),
                      mail_vars_printf(v, "صالحة حتى %s.", expires_ar));
    else
        mail_vars_add(v, "validity", "It does not expire.", "لا تنتهي صلاحيتها.");
    mail_vars_add(
        v, "manage_url",
        mail_vars_printf(v, "%s/book#/appointments", *base ? base : MAIL_VARS_DEFAULT_URL), NULL);
    return ERR_OK;
}
