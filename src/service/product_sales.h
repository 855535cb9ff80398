/* Products sold on a visit: a line on the booking's invoice (credited to
 * 4100 Product Sales with the product's tax), a `sale` movement out of a
 * sales storage at the booking's location and the goods' cost (Dr 5000 /
 * Cr 1200); undone, all three, while nothing is paid. */
#ifndef CHAIRSIDE_SERVICE_PRODUCT_SALES_H
#define CHAIRSIDE_SERVICE_PRODUCT_SALES_H

#include <stdint.h>

#include "service/svc.h"

struct product_sale {
    int64_t booking_id, product_id, quantity;
    int64_t storage_id; /* 0: the location's first sales storage */
};

/* In one write transaction; *line_id the new invoice line. Field errors
 * name product_id (unknown, archived), quantity (not above 0),
 * storage_id (unknown, another location, not a sales storage, or none
 * there); 404 for no such booking, 409 when it is cancelled or its
 * invoice is void or credited. */
int product_sales_add(const struct svc *s, const struct product_sale *sale, int64_t *invoice_id,
                      int64_t *line_id);
/* Takes the product line line_id off the booking's invoice, puts the goods
 * back and reverses both entries. 404 for no such line, 409 once money is
 * paid or pending on the invoice. */
int product_sales_remove(const struct svc *s, int64_t booking_id, int64_t line_id,
                         int64_t *invoice_id);

#endif
