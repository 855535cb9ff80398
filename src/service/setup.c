/* What the clinic's setup records are: their fields, ranges and checks,
 * and which rows and columns the public may read. */
#include "service/setup.h"

#include <string.h>

#include "core/money.h"
#include "service/payment_provider.h"
#include "service/payments.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

#define TEXT(n, req, len)                                                                          \
    {                                                                                              \
        {n, STORE_COL_TEXT}, req, 0, len, SETUP_CHECK_NONE, NULL, 0, 0, NULL                       \
    }
#define INT(n, req, lo, hi)                                                                        \
    {                                                                                              \
        {n, STORE_COL_INT}, req, lo, hi, SETUP_CHECK_NONE, NULL, 0, 0, NULL                        \
    }
#define BOOL(n)                                                                                    \
    {                                                                                              \
        {n, STORE_COL_BOOL}, 0, 0, 0, SETUP_CHECK_NONE, NULL, 0, 0, NULL                           \
    }
#define CHECKED(n, req, len, check)                                                                \
    {                                                                                              \
        {n, STORE_COL_TEXT}, req, 0, len, check, NULL, 0, 0, NULL                                  \
    }
#define CHOICE(n, choices)                                                                         \
    {                                                                                              \
        {n, STORE_COL_TEXT}, 1, 0, 32, SETUP_CHECK_CHOICE, choices, 0, 0, NULL                     \
    }
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(name, view, fields)                                                                  \
    {                                                                                              \
        name, view, &(fields)[0].col, N(fields), sizeof(struct setup_field)                        \
    }

static const struct setup_field location_fields[] = {
    TEXT("name", 1, 200),
    CHECKED("timezone", 1, 64, SETUP_CHECK_TIMEZONE),
    TEXT("address", 0, 500),
};
static const char *const location_public_cols[] = {"id", "name", "timezone", "address", NULL};
const struct setup_resource setup_locations = {
    .table = TABLE("locations", NULL, location_fields),
    .fields = location_fields,
    .public_cols = location_public_cols,
};

static const struct setup_field tax_rate_fields[] = {
    TEXT("name", 1, 100),
    INT("rate_bp", 1, 0, MONEY_MAX_RATE_BP),
    BOOL("inclusive"),
};
const struct setup_resource setup_tax_rates = {
    .table = TABLE("tax_rates", NULL, tax_rate_fields),
    .fields = tax_rate_fields,
};

static const struct setup_field service_fields[] = {
    TEXT("name", 1, 200),
    TEXT("category", 0, 100),
    INT("duration_min", 1, 5, 720),
    INT("price", 0, 0, 100000000),
    BOOL("online_booking"),
    INT("capacity", 0, 1, 500),
    INT("buffer_before_min", 0, 0, 240),
    INT("buffer_after_min", 0, 0, 240),
    {{"tax_rate_id", STORE_COL_INT},
     0,
     1,
     INT64_MAX,
     SETUP_CHECK_NONE,
     NULL,
     0,
     0,
     &setup_tax_rates.table},
};
static const char *const service_public_cols[] = {
    "id", "name", "category", "duration_min", "price", "capacity", "online_booking", NULL};
const struct setup_resource setup_services = {
    .table = TABLE("services", NULL, service_fields),
    .fields = service_fields,
    .public_if = "online_booking",
    .public_cols = service_public_cols,
    .search_cols = {"name", "category"},
    .n_search = 2,
};

/* Rooms, chairs and machines; staff see them, patients never do. */
static const struct setup_field resource_fields[] = {
    TEXT("name", 1, 200),
    {{"location_id", STORE_COL_INT},
     1,
     1,
     INT64_MAX,
     SETUP_CHECK_NONE,
     NULL,
     0,
     0,
     &setup_locations.table},
    TEXT("kind", 0, 64),
    INT("quantity", 0, 1, 1000),
};
const struct setup_resource setup_resources = {
    .table = TABLE("resources", NULL, resource_fields),
    .fields = resource_fields,
    .search_cols = {"name", "kind"},
    .n_search = 2,
};

static const struct setup_field action_fields[] = {
    TEXT("name", 1, 200),
};
const struct setup_resource setup_actions = {
    .table = TABLE("actions", NULL, action_fields),
    .fields = action_fields,
};

static const struct setup_field patient_fields[] = {
    TEXT("name", 1, 200),
    TEXT("phone", 0, 40),
    CHECKED("email", 0, 254, SETUP_CHECK_EMAIL),
    CHECKED("date_of_birth", 0, 10, SETUP_CHECK_DATE),
    TEXT("notes", 0, 10000),
    BOOL("can_book_online"),
    BOOL("can_view_invoices"),
    {{"has_account", STORE_COL_BOOL}, 0, 0, 0, SETUP_CHECK_NONE, NULL, 1, 0, NULL},
    /* Set by a sign-up with the e-mail of this patient without a login;
     * cleared by merging (POST /patients/{id}/merge). */
    {{"possible_duplicate_of", STORE_COL_INT}, 0, 0, 0, SETUP_CHECK_NONE, NULL, 1, 0, NULL},
};

const struct setup_resource setup_patients = {
    .table = TABLE("patients", "patients_view", patient_fields),
    .fields = patient_fields,
    .search_cols = {"name", "phone", "email"},
    .n_search = 3,
    .flag_param = "possible_duplicates",
    .flag_col = "possible_duplicate",
};

static const char *const payment_choices[] = {"disabled", "enabled", "optional", NULL};
static const char *const mode_choices[] = {"individual", "group", "mixed", NULL};
/* The language of the patient's e-mails (service/notify.c). */
static const char *const mail_language_choices[] = {"en", "ar", NULL};

static const struct setup_field settings_fields[] = {
    INT("booking_time_divider_min", 0, 1, 720),
    BOOL("book_one_service_only"),
    CHOICE("client_payment", payment_choices),
    BOOL("assign_services_to_staff"),
    INT("visit_interval_min", 0, 0, 1440),
    INT("no_show_fee", 0, 0, 100000000),
    INT("package_expiry_reminder_days", 0, 0, 365),
    CHOICE("appointment_mode", mode_choices),
    INT("min_notice_min", 0, 0, 525600),
    INT("max_advance_days", 0, 0, 3650),
    CHECKED("notification_email", 0, 254, SETUP_CHECK_EMAIL),
    TEXT("currency", 0, 3),
    CHECKED("timezone", 0, 64, SETUP_CHECK_TIMEZONE),
    CHECKED("smtp_url", 0, 500, SETUP_CHECK_SMTP_URL),
    CHECKED("mail_from", 0, 254, SETUP_CHECK_EMAIL),
    CHECKED("diary_url", 0, 500, SETUP_CHECK_HTTP_URL),
    TEXT("diary_user", 0, 200),
    {{"diary_password", STORE_COL_TEXT}, 0, 0, 200, SETUP_CHECK_NONE, NULL, 0, 1, NULL},
    INT("sync_alert_after_s", 0, 1, 86400),
    BOOL("allow_self_signup"),
    INT("client_cancel_notice_min", 0, 0, 525600),
    CHOICE("payment_provider", pay_provider_names),
    INT("reminder_before_min", 0, 0, 43200),
    TEXT("public_url", 0, 500),
    BOOL("allow_private_targets"),
    {{"payment_methods", STORE_COL_TEXT},
     0,
     0,
     64,
     SETUP_CHECK_CHOICES,
     pay_method_names,
     0,
     0,
     NULL},
    TEXT("bank_details", 0, 1000),
    CHECKED("card_gateway_url", 0, 500, SETUP_CHECK_HTTP_URL),
    {{"card_gateway_key", STORE_COL_TEXT}, 0, 0, 200, SETUP_CHECK_NONE, NULL, 0, 1, NULL},
    {{"card_webhook_secret", STORE_COL_TEXT}, 0, 0, 200, SETUP_CHECK_NONE, NULL, 0, 1, NULL},
    BOOL("show_hijri_dates"),
    /* How long POST /holds keeps a time for its session. */
    INT("hold_minutes", 0, 1, 120),
    CHOICE("mail_language", mail_language_choices),
    /* Seats of one group event one patient may book at once. */
    INT("max_seats_per_client", 0, 1, 100),
};

/* What a patient booking online needs to know of the clinic's rules. */
static const char *const settings_public_cols[] = {"booking_time_divider_min",
                                                   "book_one_service_only",
                                                   "client_payment",
                                                   "assign_services_to_staff",
                                                   "min_notice_min",
                                                   "max_advance_days",
                                                   "currency",
                                                   "timezone",
                                                   "allow_self_signup",
                                                   "client_cancel_notice_min",
                                                   "payment_methods",
                                                   "bank_details",
                                                   "show_hijri_dates",
                                                   "hold_minutes",
                                                   "appointment_mode",
                                                   "max_seats_per_client",
                                                   NULL};
const struct setup_resource setup_settings = {
    .table = TABLE("settings", NULL, settings_fields),
    .fields = settings_fields,
    .public_cols = settings_public_cols,
};

static const struct setup_field staff_fields[] = {
    TEXT("name", 1, 200),
    CHECKED("email", 0, 254, SETUP_CHECK_EMAIL),
    BOOL("bookable"),
    TEXT("color", 0, 32),
};

static const char *const staff_public_cols[] = {"id",           "name",        "color",
                                                "location_ids", "service_ids", NULL};
const struct setup_resource setup_staff = {
    .table = TABLE("staff", NULL, staff_fields),
    .fields = staff_fields,
    .public_if = "bookable",
    .public_cols = staff_public_cols,
    .search_cols = {"name"},
    .n_search = 1,
};

static const struct setup_field template_fields[] = {
    {{"name", STORE_COL_TEXT}, 0, 0, 64, SETUP_CHECK_NONE, NULL, 1, 0, NULL},
    TEXT("subject", 0, 500),
    TEXT("body_text", 0, 100000),
    TEXT("body_html", 0, 100000),
};
const struct setup_resource setup_templates = {
    .table = TABLE("templates", NULL, template_fields),
    .fields = template_fields,
    .search_cols = {"name"},
    .n_search = 1,
};

/* What each payment method works with: without it a patient would be
 * offered a way to pay that cannot work. */
static int
payment_methods_check(const struct svc *s, const json_t *row)
{
    static const char *const card_needs[] = {"card_gateway_url", "card_gateway_key",
                                             "card_webhook_secret", "public_url", NULL};
    const char *methods = json_string_value(json_object_get(row, "payment_methods"));
    const char *const *need;

    if (!methods || !*methods)
        return ERR_OK;
    if (payments_method_listed(methods, "bank_transfer") && !*row_text(row, "bank_details"))
        return svc_field_error(s, "bank_details",
                               "is needed to take bank transfers: the account patients pay into");
    for (need = card_needs; payments_method_listed(methods, "card") && *need; need++) {
        if (!*row_text(row, *need))
            return svc_field_error(s, *need, "is needed to take card payments");
    }
    if (strcmp(row_text(row, "client_payment"), "enabled") == 0 &&
        !payments_method_listed(methods, "bank_transfer") &&
        !payments_method_listed(methods, "card"))
        return svc_field_error(s, "payment_methods",
                               "needs bank transfer or card while payment is required online");
    return ERR_OK;
}

/* Assigning services to staff only works one service at a time (seed 000),
 * so turning it on turns book_one_service_only on too. */
int
setup_settings_saved(const struct svc *s, int one_only_turned_off)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_settings.table, 1, &row);

    if (rc == ERR_OK)
        rc = payment_methods_check(s, row);
    if (rc == ERR_OK && json_is_true(json_object_get(row, "assign_services_to_staff")) &&
        !json_is_true(json_object_get(row, "book_one_service_only"))) {
        if (one_only_turned_off)
            rc = svc_field_error(s, "book_one_service_only",
                                 "must stay on while services are assigned to staff");
        else
            rc = json_object_set_new(row, "book_one_service_only", json_true()) == 0
                     ? store_row_update(s->db, &setup_settings.table, 1, row)
                     : ERR_NOMEM;
    }
    json_decref(row);
    return rc;
}

int
setup_staff_links_set(const struct svc *s, int64_t staff_id, const char *field, const char *which,
                      const int64_t *ids, size_t n)
{
    const struct store_table *target =
        strcmp(which, "locations") == 0 ? &setup_locations.table : &setup_services.table;
    json_t *row = NULL;
    size_t i;
    int rc = ERR_OK;

    for (i = 0; rc == ERR_OK && i < n; i++) {
        rc = store_row_get(s->db, target, ids[i], &row);
        json_decref(row);
        row = NULL;
        if (rc == ERR_NOT_FOUND)
            rc = svc_field_error(s, field, "names a record that does not exist");
    }
    if (rc == ERR_OK)
        rc = store_staff_links_set(s->db, staff_id, which, ids, n);
    return rc;
}

int
setup_staff_links_json(const struct svc *s, json_t *row)
{
    int64_t id = json_integer_value(json_object_get(row, "id"));
    json_t *locs = NULL, *svcs = NULL;
    int rc = store_staff_links_get(s->db, id, "locations", &locs);

    if (rc == ERR_OK)
        rc = store_staff_links_get(s->db, id, "services", &svcs);
    if (rc == ERR_OK) {
        json_object_set_new(row, "location_ids", locs);
        json_object_set_new(row, "service_ids", svcs);
        return ERR_OK;
    }
    json_decref(locs);
    json_decref(svcs);
    return rc;
}
