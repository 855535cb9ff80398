/* Every endpoint, with the roles allowed to call it. Setup writes are for
 * admins; staff run the calendar; patients reach only what handlers then
 * narrow to their own records. */
#include "api/accounts.h"
#include "api/app.h"
#include "api/appointments.h"
#include "api/auth.h"
#include "api/availability.h"
#include "api/bookings.h"
#include "api/calendar.h"
#include "api/consumables.h"
#include "api/fhir.h"
#include "api/health.h"
#include "api/money.h"
#include "api/notify.h"
#include "api/packages.h"
#include "api/portal.h"
#include "api/product_sales.h"
#include "api/resource.h"
#include "api/group_events.h"
#include "api/holds.h"
#include "api/staff_schedule.h"
#include "api/stock.h"
#include "api/visits.h"

#define PUBLIC 0u
#define ADMIN HTTP_ROLE_ADMIN
#define STAFF (HTTP_ROLE_ADMIN | HTTP_ROLE_STAFF)
#define ANYONE (HTTP_ROLE_ADMIN | HTTP_ROLE_STAFF | HTTP_ROLE_PATIENT)
#define PATIENT HTTP_ROLE_PATIENT
#define V1 "/api/v1"

/* reader: who may read; visitors and patients see only the resource's
 * public rows and columns. */
#define SETUP(path, res, reader)                                                                   \
    {"GET", V1 path, resource_list, reader, &(res)},                                               \
        {"POST", V1 path, resource_create, ADMIN, &(res)},                                         \
        {"GET", V1 path "/{id}", resource_get, reader, &(res)},                                    \
        {"PATCH", V1 path "/{id}", resource_update, ADMIN, &(res)},                                \
    {                                                                                              \
        "DELETE", V1 path "/{id}", resource_delete, ADMIN, &(res)                                  \
    }

const struct http_route api_routes[] = {
    {"GET", "/healthz", api_health, PUBLIC, NULL},
    {"GET", V1 "/openapi.yaml", api_openapi, PUBLIC, NULL},
    {"POST", V1 "/auth/login", api_login, PUBLIC, NULL},
    {"POST", V1 "/auth/logout", api_logout, ANYONE, NULL},
    {"GET", V1 "/me", api_me, ANYONE, NULL},
    {"GET", V1 "/me/appointments", api_me_appointments, PATIENT, NULL},
    {"GET", V1 "/me/profile", api_me_profile, PATIENT, NULL},
    {"GET", V1 "/me/invoices", api_me_invoices, PATIENT, NULL},
    {"POST", V1 "/tokens", api_tokens_create, ADMIN, NULL},
    {"GET", V1 "/tokens", api_tokens_list, ADMIN, NULL},
    {"DELETE", V1 "/tokens/{id}", api_tokens_revoke, ADMIN, NULL},
    {"GET", V1 "/audit", api_audit_list, ADMIN, NULL},
    {"GET", V1 "/users", api_users_list, ADMIN, NULL},
    {"POST", V1 "/users", api_users_create, ADMIN, NULL},
    {"POST", V1 "/users/{id}/disable", api_users_disable, ADMIN, NULL},
    {"POST", V1 "/users/{id}/enable", api_users_enable, ADMIN, NULL},

    /* Online booking shows visitors the clinic, its services and staff. */
    /* As SETUP, but a new zone must not move bookings silently: its own
     * PATCH. */
    {"GET", V1 "/locations", resource_list, PUBLIC, &api_locations},
    {"POST", V1 "/locations", resource_create, ADMIN, &api_locations},
    {"GET", V1 "/locations/{id}", resource_get, PUBLIC, &api_locations},
    {"PATCH", V1 "/locations/{id}", api_location_update, ADMIN, &api_locations},
    {"DELETE", V1 "/locations/{id}", resource_delete, ADMIN, &api_locations},
    SETUP("/services", api_services, PUBLIC),
    SETUP("/actions", api_actions, STAFF),
    SETUP("/staff", api_staff, PUBLIC),
    SETUP("/tax-rates", api_tax_rates, STAFF),
    SETUP("/products", api_products, STAFF),
    SETUP("/storages", api_storages, STAFF),
    /* Staff receive goods and count them; the system writes off and sells. */
    {"GET", V1 "/stock", api_stock_levels, STAFF, NULL},
    {"GET", V1 "/stock/movements", api_stock_movements_list, STAFF, NULL},
    {"POST", V1 "/stock/movements", api_stock_movements_create, STAFF, NULL},
    {"GET", V1 "/services/{id}/consumables", api_service_consumables_get, STAFF, NULL},
    {"PUT", V1 "/services/{id}/consumables", api_service_consumables_put, ADMIN, NULL},
    SETUP("/resources", api_resources, STAFF),
    {"GET", V1 "/staff/{id}/shifts", api_shifts_get, STAFF, NULL},
    {"PUT", V1 "/staff/{id}/shifts", api_shifts_put, ADMIN, NULL},
    {"GET", V1 "/staff/{id}/time-off", api_time_off_list, STAFF, NULL},
    {"POST", V1 "/staff/{id}/time-off", api_time_off_create, ADMIN, NULL},
    {"DELETE", V1 "/staff/{id}/time-off/{id}", api_time_off_delete, ADMIN, NULL},
    {"GET", V1 "/settings", resource_get, PUBLIC, &api_settings},
    {"PATCH", V1 "/settings", resource_update, ADMIN, &api_settings},

    {"GET", V1 "/patients", resource_list, STAFF, &api_patients},
    {"POST", V1 "/patients", resource_create, STAFF, &api_patients},
    {"GET", V1 "/patients/{id}", resource_get, STAFF, &api_patients},
    {"PATCH", V1 "/patients/{id}", resource_update, STAFF, &api_patients},
    {"POST", V1 "/patients/{id}/account", api_patient_account, STAFF, NULL},
    {"POST", V1 "/patients/{id}/login-as", api_login_as, STAFF, NULL},
    {"POST", V1 "/patients/{id}/merge", api_patient_merge, STAFF, NULL},

    /* Public for visitors choosing a time before they sign up; they, like
     * patients, see only services offered online. */
    {"GET", V1 "/availability", api_availability, PUBLIC, NULL},

    /* Public so a new patient can sign up while booking; the handler
     * refuses anyone else without a login. */
    {"POST", V1 "/bookings", api_bookings_create, PUBLIC, NULL},
    /* Public as bookings are: a visitor holds a time before signing up. */
    {"POST", V1 "/holds", api_holds_create, PUBLIC, NULL},
    {"DELETE", V1 "/holds/{id}", api_holds_delete, PUBLIC, NULL},
    {"GET", V1 "/bookings", api_bookings_list, ANYONE, NULL},
    {"GET", V1 "/bookings/{id}", api_bookings_get, ANYONE, NULL},
    {"PATCH", V1 "/bookings/{id}", api_bookings_update, STAFF, NULL},
    {"POST", V1 "/bookings/{id}/cancel", api_bookings_cancel, ANYONE, NULL},
    {"GET", V1 "/bookings/{id}/history", api_bookings_history, STAFF, NULL},
    {"POST", V1 "/bookings/{id}/attendance", api_bookings_attendance, STAFF, NULL},
    {"GET", V1 "/bookings/{id}/consumables", api_booking_consumables_get, STAFF, NULL},
    {"PUT", V1 "/bookings/{id}/consumables", api_booking_consumables_put, STAFF, NULL},
    {"POST", V1 "/bookings/{id}/products", api_booking_products_add, STAFF, NULL},
    {"DELETE", V1 "/bookings/{id}/products/{id}", api_booking_products_remove, STAFF, NULL},

    /* Listed and read by anyone: patients and visitors see online ones. */
    {"POST", V1 "/group-events", api_group_events_create, STAFF, NULL},
    {"GET", V1 "/group-events", api_group_events_list, PUBLIC, NULL},
    {"GET", V1 "/group-events/{id}", api_group_events_get, PUBLIC, NULL},
    {"POST", V1 "/group-events/{id}/cancel", api_group_events_cancel, STAFF, NULL},
    {"GET", V1 "/group-events/{id}/participants", api_group_events_participants, STAFF, NULL},
    {"POST", V1 "/appointments", api_appointments_create, STAFF, NULL},
    {"GET", V1 "/appointments", api_appointments_list, STAFF, NULL},
    {"GET", V1 "/appointments/{id}", api_appointments_get, STAFF, NULL},
    {"PATCH", V1 "/appointments/{id}", api_appointments_update, STAFF, NULL},
    {"POST", V1 "/appointments/{id}/cancel", api_appointments_cancel, STAFF, NULL},
    {"POST", V1 "/appointments/{id}/attendance", api_appointments_attendance, STAFF, NULL},
    {"GET", V1 "/appointments/{id}/history", api_appointments_history, STAFF, NULL},

    {"GET", V1 "/visits", api_visits_list, STAFF, NULL},
    {"GET", V1 "/visits/{id}", api_visits_get, STAFF, NULL},
    {"POST", V1 "/visits/{id}/attendance", api_visits_attendance, STAFF, NULL},
    {"POST", V1 "/visits/{id}/payments", api_visits_payments, STAFF, NULL},

    {"GET", V1 "/calendar", api_calendar, STAFF, NULL},

    /* Patients read and pay their own invoices; handlers narrow them. */
    {"GET", V1 "/invoices", api_invoices_list, STAFF, NULL},
    {"GET", V1 "/invoices/{id}", api_invoices_get, ANYONE, NULL},
    {"POST", V1 "/invoices/{id}/payments", api_invoice_payments_create, ANYONE, NULL},
    {"POST", V1 "/invoices/{id}/refunds", api_invoice_refunds_create, STAFF, NULL},
    {"GET", V1 "/payments", api_payments_list, STAFF, NULL},
    {"POST", V1 "/payments/{id}/confirm", api_payments_confirm, STAFF, NULL},
    {"POST", V1 "/payments/{id}/reject", api_payments_reject, STAFF, NULL},
    /* The patient goes to the card gateway for their own pending payment;
     * the gateway's webhook carries no login, its signature is checked. */
    {"POST", V1 "/payments/{id}/checkout", api_payments_checkout, ANYONE, NULL},
    {"POST", V1 "/payment-webhooks/checkout", api_payments_checkout_webhook, PUBLIC, NULL},
    {"GET", V1 "/journal-entries", api_journal_list, ADMIN, NULL},
    {"GET", V1 "/accounts", api_ledger_accounts, ADMIN, NULL},
    {"GET", V1 "/reports/takings", api_report_takings, STAFF, NULL},
    {"GET", V1 "/reports/receivables", api_report_receivables, STAFF, NULL},
    {"GET", V1 "/reports/attendance", api_report_attendance, STAFF, NULL},

    /* Packages: admins define them, staff sell and book them, patients
     * buy online ones; visitors may browse those. */
    {"GET", V1 "/packages", api_packages_list, PUBLIC, NULL},
    {"POST", V1 "/packages", api_packages_create, ADMIN, NULL},
    {"GET", V1 "/packages/{id}", api_packages_get, PUBLIC, NULL},
    {"PATCH", V1 "/packages/{id}", api_packages_update, ADMIN, NULL},
    {"DELETE", V1 "/packages/{id}", api_packages_archive, ADMIN, NULL},
    {"POST", V1 "/patients/{id}/packages", api_patient_packages_sell, STAFF, NULL},
    {"GET", V1 "/patients/{id}/packages", api_patient_packages_list, STAFF, NULL},
    {"GET", V1 "/patient-packages/{id}", api_patient_package_get, ANYONE, NULL},
    {"POST", V1 "/me/packages", api_me_packages_buy, PATIENT, NULL},
    {"GET", V1 "/me/packages", api_me_packages_list, PATIENT, NULL},
    {"POST", V1 "/invoices/{id}/lines/{id}/booking", api_invoice_line_book, STAFF, NULL},
    {"DELETE", V1 "/invoices/{id}/lines/{id}/booking", api_invoice_line_unlink, STAFF, NULL},
    {"GET", V1 "/reports/package-liability", api_report_package_liability, STAFF, NULL},

    /* Notifications and diary sync. */
    {"GET", V1 "/notifications", api_notifications_list, STAFF, NULL},
    {"GET", V1 "/sync/issues", api_sync_issues_list, STAFF, NULL},
    {"POST", V1 "/sync/issues/{id}/resolve", api_sync_issue_resolve, STAFF, NULL},
    {"GET", V1 "/templates", resource_list, ADMIN, &api_templates},
    {"GET", V1 "/templates/{id}", resource_get, ADMIN, &api_templates},
    {"PATCH", V1 "/templates/{id}", resource_update, ADMIN, &api_templates},
    {"GET", V1 "/webhooks", api_webhooks_list, ADMIN, NULL},
    {"POST", V1 "/webhooks", api_webhooks_create, ADMIN, NULL},
    {"GET", V1 "/webhooks/{id}", api_webhooks_get, ADMIN, NULL},
    {"DELETE", V1 "/webhooks/{id}", api_webhooks_delete, ADMIN, NULL},
    {"GET", V1 "/staff/{id}/feed-token", api_feed_token_get, ADMIN, "staff"},
    {"POST", V1 "/staff/{id}/feed-token", api_feed_token_renew, ADMIN, "staff"},
    {"GET", V1 "/locations/{id}/feed-token", api_feed_token_get, ADMIN, "location"},
    {"POST", V1 "/locations/{id}/feed-token", api_feed_token_renew, ADMIN, "location"},
    /* Public: calendar apps cannot log in; the secret token is the key. */
    {"GET", "/ical/staff/{id}.ics", api_feed_ics, PUBLIC, "staff"},
    {"GET", "/ical/locations/{id}.ics", api_feed_ics, PUBLIC, "location"},

    /* FHIR R4 (api/fhir.h): what the server can do is public, as FHIR
     * clients read it before they authenticate. */
    {"GET", "/fhir/metadata", api_fhir_metadata, PUBLIC, NULL},
    /* Patients (patient tokens) see what the portal shows them; handlers
     * narrow Patient and Appointment to their own. */
    {"GET", "/fhir/Practitioner", api_fhir_practitioner_search, ANYONE, NULL},
    {"GET", "/fhir/Practitioner/{id}", api_fhir_practitioner_read, ANYONE, NULL},
    {"GET", "/fhir/Location", api_fhir_location_search, ANYONE, NULL},
    {"GET", "/fhir/Location/{id}", api_fhir_location_read, ANYONE, NULL},
    {"GET", "/fhir/HealthcareService", api_fhir_service_search, ANYONE, NULL},
    {"GET", "/fhir/HealthcareService/{id}", api_fhir_service_read, ANYONE, NULL},
    {"GET", "/fhir/Patient/{id}", api_fhir_patient_read, ANYONE, NULL},
    {"GET", "/fhir/Schedule", api_fhir_schedule_search, ANYONE, NULL},
    {"GET", "/fhir/Schedule/{id}-{id}", api_fhir_schedule_read, ANYONE, NULL},
    {"GET", "/fhir/Slot", api_fhir_slot_search, ANYONE, NULL},
    {"GET", "/fhir/Slot/{id}-{id}-{id}-{id}", api_fhir_slot_read, ANYONE, NULL},
    {"GET", "/fhir/Slot/busy-{id}", api_fhir_busy_slot_read, ANYONE, NULL},
    {"GET", "/fhir/Appointment", api_fhir_appointment_search, ANYONE, NULL},
    {"POST", "/fhir/Appointment/$find", api_fhir_find, ANYONE, NULL},
    {"POST", "/fhir/Appointment/$hold", api_fhir_hold, ANYONE, NULL},
    {"POST", "/fhir/Appointment/$book", api_fhir_book, ANYONE, NULL},
    /* SMART Scheduling Links: public, like the booking portal they feed. */
    {"GET", "/fhir/$bulk-publish", api_fhir_bulk_publish, PUBLIC, NULL},
    {"GET", "/fhir/$bulk-publish/Location.ndjson", api_fhir_bulk_file, PUBLIC, "Location"},
    {"GET", "/fhir/$bulk-publish/Schedule.ndjson", api_fhir_bulk_file, PUBLIC, "Schedule"},
    {"GET", "/fhir/$bulk-publish/Slot.ndjson", api_fhir_bulk_file, PUBLIC, "Slot"},
    {"GET", "/fhir/Appointment/booking-{id}", api_fhir_appointment_read, ANYONE, NULL},
    {"GET", "/fhir/Appointment/appointment-{id}", api_fhir_appointment_read, ANYONE, NULL},
};

const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);
