/* Consumables: a service's bill of materials (with per-staff entries),
 * what a booking uses, and its write-off from the location's consumables
 * storage while the booking is arrived. The write-off is kept equal to
 * what the booking uses whenever either changes, so marking arrived
 * twice, or two staff marking it at once, writes off once. */
#ifndef CHAIRSIDE_SERVICE_CONSUMABLES_H
#define CHAIRSIDE_SERVICE_CONSUMABLES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

#define CONSUMABLES_MAX 64

/* {items: [{product_id, quantity, staff_id}]}; 404 for no such service. */
int consumables_service_get(const struct svc *s, int64_t service_id, json_t **out);
/* Replaces the bill of materials in one write transaction. Field errors
 * name items[i].product_id / .staff_id / .quantity. */
int consumables_service_set(const struct svc *s, int64_t service_id,
                            const struct store_consumable *items, size_t n);

/* {booking_id, custom, attendance, items: [{product_id, product_name,
 * storage_id, quantity, written_off}]}: what the booking uses and how
 * much of it is written off now. */
int consumables_booking_get(const struct svc *s, int64_t booking_id, json_t **out);
/* Replaces what the booking uses (storages at its location only: a field
 * error on items[i].storage_id otherwise); an arrived booking's write-off
 * follows at once. 409 for a cancelled booking. */
int consumables_booking_set(const struct svc *s, int64_t booking_id,
                            const struct store_consumable *items, size_t n);

/* Inside the write transaction that changed the booking's attendance
 * (its row locked): arrived writes off what it uses, anything else takes
 * the write-off back, each change posted at cost (Dr 5000 / Cr 1200, or
 * reversed). */
int consumables_follow_attendance(const struct svc *s, int64_t booking_id, int arrived);

#endif
