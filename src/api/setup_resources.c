/* The setup resources served by the generic handlers in resource.c. */
#include <string.h>

#include "api/app.h"
#include "api/payment_provider.h"
#include "core/money.h"
#include "api/input.h"
#include "api/resource.h"
#include "api/targets.h"
#include "util/err.h"

#define TEXT(n, req, len)                                                                          \
    {                                                                                              \
        {n, STORE_COL_TEXT}, req, 0, len, CHECK_NONE, NULL, 0, 0, NULL                             \
    }
#define INT(n, req, lo, hi)                                                                        \
    {                                                                                              \
        {n, STORE_COL_INT}, req, lo, hi, CHECK_NONE, NULL, 0, 0, NULL                              \
    }
#define BOOL(n)                                                                                    \
    {                                                                                              \
        {n, STORE_COL_BOOL}, 0, 0, 0, CHECK_NONE, NULL, 0, 0, NULL                                 \
    }
#define CHECKED(n, req, len, check)                                                                \
    {                                                                                              \
        {n, STORE_COL_TEXT}, req, 0, len, check, NULL, 0, 0, NULL                                  \
    }
#define CHOICE(n, choices)                                                                         \
    {                                                                                              \
        {n, STORE_COL_TEXT}, 1, 0, 32, CHECK_CHOICE, choices, 0, 0, NULL                           \
    }
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TABLE(name, view, fields)                                                                  \
    {                                                                                              \
        name, view, &(fields)[0].col, N(fields), sizeof(struct api_field)                          \
    }

static const struct api_field location_fields[] = {
    TEXT("name", 1, 200),
    CHECKED("timezone", 1, 64, CHECK_TIMEZONE),
    TEXT("address", 0, 500),
};
static const char *const location_public_cols[] = {"id", "name", "timezone", "address", NULL};
const struct api_resource api_locations = {
    .table = TABLE("locations", NULL, location_fields),
    .fields = location_fields,
    .public_cols = location_public_cols,
};

static const struct api_field tax_rate_fields[] = {
    TEXT("name", 1, 100),
    INT("rate_bp", 1, 0, MONEY_MAX_RATE_BP),
    BOOL("inclusive"),
};
const struct api_resource api_tax_rates = {
    .table = TABLE("tax_rates", NULL, tax_rate_fields),
    .fields = tax_rate_fields,
};

static const struct api_field service_fields[] = {
    TEXT("name", 1, 200),
    TEXT("category", 0, 100),
    INT("duration_min", 1, 5, 720),
    INT("price", 0, 0, 100000000),
    BOOL("online_booking"),
    INT("capacity", 0, 1, 500),
    INT("buffer_before_min", 0, 0, 240),
    INT("buffer_after_min", 0, 0, 240),
    {{"tax_rate_id", STORE_COL_INT}, 0, 1, INT64_MAX, CHECK_NONE, NULL, 0, 0, &api_tax_rates.table},
};
static const char *const service_public_cols[] = {
    "id", "name", "category", "duration_min", "price", "capacity", "online_booking", NULL};
const struct api_resource api_services = {
    .table = TABLE("services", NULL, service_fields),
    .fields = service_fields,
    .public_if = "online_booking",
    .public_cols = service_public_cols,
    .search_cols = {"name", "category"},
    .n_search = 2,
};

static const struct api_field action_fields[] = {
    TEXT("name", 1, 200),
};
const struct api_resource api_actions = {
    .table = TABLE("actions", NULL, action_fields),
    .fields = action_fields,
};

static const struct api_field patient_fields[] = {
    TEXT("name", 1, 200),
    TEXT("phone", 0, 40),
    CHECKED("email", 0, 254, CHECK_EMAIL),
    CHECKED("date_of_birth", 0, 10, CHECK_DATE),
    TEXT("notes", 0, 10000),
    BOOL("can_book_online"),
    BOOL("can_view_invoices"),
    {{"has_account", STORE_COL_BOOL}, 0, 0, 0, CHECK_NONE, NULL, 1, 0, NULL},
};

const struct api_resource api_patients = {
    .table = TABLE("patients", "patients_view", patient_fields),
    .fields = patient_fields,
    .search_cols = {"name", "phone", "email"},
    .n_search = 3,
};

static const char *const payment_choices[] = {"disabled", "enabled", "optional", NULL};
static const char *const mode_choices[] = {"individual", "group", "mixed", NULL};

static const struct api_field settings_fields[] = {
    INT("booking_time_divider_min", 0, 1, 720),
    BOOL("book_one_service_only"),
    CHOICE("client_payment", payment_choices),
    BOOL("assign_services_to_staff"),
    INT("visit_interval_min", 0, 0, 1440),
    CHOICE("appointment_mode", mode_choices),
    INT("min_notice_min", 0, 0, 525600),
    INT("max_advance_days", 0, 0, 3650),
    CHECKED("notification_email", 0, 254, CHECK_EMAIL),
    TEXT("currency", 0, 3),
    CHECKED("timezone", 0, 64, CHECK_TIMEZONE),
    CHECKED("smtp_url", 0, 500, CHECK_SMTP_URL),
    CHECKED("mail_from", 0, 254, CHECK_EMAIL),
    CHECKED("diary_url", 0, 500, CHECK_HTTP_URL),
    TEXT("diary_user", 0, 200),
    {{"diary_password", STORE_COL_TEXT}, 0, 0, 200, CHECK_NONE, NULL, 0, 1, NULL},
    INT("sync_alert_after_s", 0, 1, 86400),
    BOOL("allow_self_signup"),
    INT("client_cancel_notice_min", 0, 0, 525600),
    CHOICE("payment_provider", pay_provider_names),
    INT("reminder_before_min", 0, 0, 43200),
    TEXT("public_url", 0, 500),
    BOOL("allow_private_targets"),
};

/* The diary may not sit on a private address unless that is allowed, in
 * the settings as they will be after this change. */
static int
settings_check(struct http_req *req, json_t *row)
{
    int new_url = json_object_get(row, "diary_url") != NULL;
    json_t *stored = NULL;
    const char *url;
    int rc, allow;

    if (!new_url && !json_object_get(row, "allow_private_targets"))
        return ERR_OK;
    rc = store_row_get(req->db, &api_settings.table, 1, &stored);
    if (rc != ERR_OK)
        goto out;
    allow = json_is_true(json_object_get(
        json_object_get(row, "allow_private_targets") ? row : stored, "allow_private_targets"));
    url = json_string_value(json_object_get(new_url ? row : stored, "diary_url"));
    if (allow || !url || !*url)
        goto out;
    rc = api_target_check(req, "diary_url", url);
    if (rc != ERR_OK && !new_url)
        rc = http_field_error(req, "allow_private_targets",
                              "must stay on while diary_url resolves to a private address");
out:
    json_decref(stored);
    return rc;
}

/* Assigning services to staff only works one service at a time (seed 000),
 * so turning it on turns book_one_service_only on too. */
static int
settings_saved(struct http_req *req, int64_t id)
{
    json_t *row = NULL;
    int rc = store_row_get(req->db, &api_settings.table, id, &row);

    if (rc == ERR_OK && json_is_true(json_object_get(row, "assign_services_to_staff")) &&
        !json_is_true(json_object_get(row, "book_one_service_only"))) {
        if (in_present(req, "book_one_service_only") &&
            !json_is_true(json_object_get(req->json, "book_one_service_only")))
            rc = http_field_error(req, "book_one_service_only",
                                  "must stay on while services are assigned to staff");
        else
            rc = json_object_set_new(row, "book_one_service_only", json_true()) == 0
                     ? store_row_update(req->db, &api_settings.table, id, row)
                     : ERR_NOMEM;
    }
    json_decref(row);
    return rc;
}

/* What a patient booking online needs to know of the clinic's rules. */
static const char *const settings_public_cols[] = {"booking_time_divider_min",
                                                   "book_one_service_only",
                                                   "client_payment",
                                                   "min_notice_min",
                                                   "max_advance_days",
                                                   "currency",
                                                   "timezone",
                                                   "allow_self_signup",
                                                   "client_cancel_notice_min",
                                                   NULL};
const struct api_resource api_settings = {
    .table = TABLE("settings", NULL, settings_fields),
    .fields = settings_fields,
    .public_cols = settings_public_cols,
    .check_extra = settings_check,
    .save_extra = settings_saved,
};

static const struct api_field staff_fields[] = {
    TEXT("name", 1, 200),
    CHECKED("email", 0, 254, CHECK_EMAIL),
    BOOL("bookable"),
    TEXT("color", 0, 32),
};

static int
staff_link(struct http_req *req, int64_t id, const char *field, const char *which,
           const struct store_table *target)
{
    int64_t ids[INPUT_MAX_IDS];
    json_t *row = NULL;
    size_t n = 0, i;
    int rc;

    if (!in_present(req, field))
        return ERR_OK;
    if (json_array_size(json_object_get(req->json, field)) == 0 &&
        json_is_array(json_object_get(req->json, field)))
        return store_staff_links_set(req->db, id, which, ids, 0);
    rc = in_ids(req, field, 0, ids, &n);
    for (i = 0; rc == ERR_OK && i < n; i++) {
        rc = store_row_get(req->db, target, ids[i], &row);
        json_decref(row);
        row = NULL;
        if (rc == ERR_NOT_FOUND)
            rc = http_field_error(req, field, "names a record that does not exist");
    }
    if (rc == ERR_OK)
        rc = store_staff_links_set(req->db, id, which, ids, n);
    return rc;
}

static int
staff_saved(struct http_req *req, int64_t id)
{
    int rc = staff_link(req, id, "location_ids", "locations", &api_locations.table);

    if (rc == ERR_OK)
        rc = staff_link(req, id, "service_ids", "services", &api_services.table);
    return rc;
}

static int
staff_render(struct http_req *req, json_t *row)
{
    int64_t id = json_integer_value(json_object_get(row, "id"));
    json_t *locs = NULL, *svcs = NULL;
    int rc = store_staff_links_get(req->db, id, "locations", &locs);

    if (rc == ERR_OK)
        rc = store_staff_links_get(req->db, id, "services", &svcs);
    if (rc == ERR_OK) {
        json_object_set_new(row, "location_ids", locs);
        json_object_set_new(row, "service_ids", svcs);
        return ERR_OK;
    }
    json_decref(locs);
    json_decref(svcs);
    return rc;
}

static const char *const staff_public_cols[] = {"id",           "name",        "color",
                                                "location_ids", "service_ids", NULL};
const struct api_resource api_staff = {
    .table = TABLE("staff", NULL, staff_fields),
    .fields = staff_fields,
    .public_if = "bookable",
    .public_cols = staff_public_cols,
    .search_cols = {"name"},
    .n_search = 1,
    .save_extra = staff_saved,
    .render_extra = staff_render,
};
