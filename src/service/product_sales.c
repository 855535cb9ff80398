/* Selling products on a visit and taking the sale back. */
#include "service/product_sales.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "service/billing.h"
#include "service/setup.h"
#include "service/stock.h"
#include "store/store.h"
#include "util/err.h"
#include "util/row.h"

/* The sales storage the goods leave: the one asked for, which must be a
 * sales storage at the booking's location, else the location's first. */
static int
sales_storage(const struct svc *s, int64_t location_id, int64_t asked, int64_t *id)
{
    struct store_filter f = {.eq_col = {"location_id"}, .eq_val = {location_id}, .n_eq = 1};
    json_t *row = NULL, *rows = NULL, *r;
    size_t i;
    int rc;

    *id = 0;
    if (asked) {
        rc = stock_storage_get(s, asked, &row);
        if (rc == ERR_NOT_FOUND)
            rc = svc_field_error(s, "storage_id", "names a storage that does not exist");
        else if (rc == ERR_OK && row_int(row, "location_id") != location_id)
            rc = svc_field_error(s, "storage_id", "is at another location than the booking");
        else if (rc == ERR_OK && strcmp(row_text(row, "kind"), "sales") != 0)
            rc = svc_field_error(s, "storage_id", "is not a sales storage");
        *id = rc == ERR_OK ? asked : 0;
        json_decref(row);
        return rc;
    }
    rc = store_row_list(s->db, &stock_storages.table, &f, 0, 500, &rows);
    json_array_foreach(rows, i, r)
    {
        if (!*id && strcmp(row_text(r, "kind"), "sales") == 0)
            *id = row_int(r, "id");
    }
    json_decref(rows);
    if (rc == ERR_OK && !*id)
        rc = svc_field_error(s, "storage_id", "the booking's location has no sales storage");
    return rc;
}

/* The product's tax rate on the line. */
static int
line_tax(const struct svc *s, const json_t *product, struct money_line *m)
{
    json_t *rate = NULL;
    int rc = ERR_OK;

    if (row_int(product, "tax_rate_id") > 0)
        rc = store_row_get(s->db, &setup_tax_rates.table, row_int(product, "tax_rate_id"), &rate);
    if (rc == ERR_OK && rate) {
        m->rate_bp = (int)row_int(rate, "rate_bp");
        m->inclusive =
            json_is_true(json_object_get(rate, "inclusive")) || row_int(rate, "inclusive") != 0;
    }
    json_decref(rate);
    return rc;
}

static int
history(const struct svc *s, int64_t booking_id, const char *action, const json_t *product,
        int64_t quantity)
{
    json_t *changes = json_pack("{s:O, s:I}", "product", json_object_get(product, "name"),
                                "quantity", (json_int_t)quantity);
    char *text = changes ? json_dumps(changes, JSON_COMPACT) : NULL;
    int rc = text ? store_history_add(s->db, booking_id, s->now, s->user_id, s->actor, action, text)
                  : ERR_NOMEM;

    free(text);
    json_decref(changes);
    return rc;
}

/* Revenue (and its tax) for the line, or its reversal. */
static int
post_line(const struct billing_ctx *b, int64_t invoice_id, const struct money_line *m,
          const char *memo, int undo)
{
    struct money_totals t = {m->net, m->tax, m->net + m->tax};
    struct ledger_entry e, r;

    if (t.total == 0)
        return ERR_OK;
    ledger_invoice_to(&t, LEDGER_PRODUCT_SALES, &e);
    ledger_reverse(&e, &r);
    return billing_post(b, undo ? "void" : "invoice", memo, invoice_id, undo ? &r : &e);
}

/* The goods' cost, or its reversal. */
static int
post_cost(const struct billing_ctx *b, int64_t cost, const char *memo, int undo)
{
    struct ledger_entry e, r;

    if (cost <= 0)
        return ERR_OK;
    ledger_stock_cost(cost, &e);
    ledger_reverse(&e, &r);
    return billing_post(b, "stock", memo, 0, undo ? &r : &e);
}

struct add_args {
    const struct product_sale *sale;
    int64_t invoice_id, line_id;
};

/* The booking (locked with its invoice, by store_invoice_by_booking) and
 * an invoice that can still take lines. */
static int
open_invoice(const struct svc *s, int64_t booking_id, json_t **booking, struct store_invoice *inv)
{
    int rc = store_booking_get(s->db, booking_id, booking);

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such booking");
    if (rc == ERR_OK && strcmp(row_text(*booking, "status"), "cancelled") == 0)
        return svc_fail(s, ERR_CONFLICT, "the booking is cancelled");
    if (rc == ERR_OK)
        rc = store_invoice_by_booking(s->db, booking_id, inv);
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, ERR_CONFLICT, "the booking has no invoice");
    if (rc == ERR_OK && (strcmp(inv->status, "void") == 0 || inv->credited))
        return svc_fail(s, ERR_CONFLICT, "the booking's invoice is closed");
    return rc;
}

static int
check_product(const struct svc *s, const struct product_sale *sale, json_t **product)
{
    int rc = stock_product_get(s, sale->product_id, product), bad = 0;

    if (rc == ERR_NOT_FOUND)
        bad |= svc_field_error(s, "product_id", "names a product that does not exist") != 0;
    else if (rc == ERR_OK && json_is_true(json_object_get(*product, "archived")))
        bad |= svc_field_error(s, "product_id", "is archived") != 0;
    else if (rc != ERR_OK)
        return rc;
    if (sale->quantity <= 0)
        bad |= svc_field_error(s, "quantity", "must be more than 0") != 0;
    return bad ? ERR_INVALID : ERR_OK;
}

static int
add(const struct svc *s, void *arg)
{
    struct add_args *a = arg;
    const struct product_sale *sale = a->sale;
    struct store_invoice inv;
    struct store_invoice_line line = {0};
    struct store_movement m = {0};
    struct billing_ctx b;
    json_t *booking = NULL, *product = NULL;
    int64_t storage_id = 0, movement_id;
    char memo[160];
    int rc = open_invoice(s, sale->booking_id, &booking, &inv), bad;

    if (rc != ERR_OK)
        goto out;
    bad = check_product(s, sale, &product) != ERR_OK;
    bad |= sales_storage(s, row_int(booking, "location_id"), sale->storage_id, &storage_id) != 0;
    rc = bad ? ERR_INVALID : line_tax(s, product, &line.money);
    if (rc != ERR_OK)
        goto out;
    line.description = row_text(product, "name");
    line.product_id = sale->product_id;
    line.money.unit_price = row_int(product, "sale_price");
    line.money.quantity = sale->quantity;
    money_line_compute(&line.money);
    rc = store_invoice_product_line_add(s->db, inv.id, &line, &a->line_id);
    m = (struct store_movement){sale->product_id,
                                storage_id,
                                -sale->quantity,
                                "sale",
                                row_int(product, "cost_price"),
                                "",
                                sale->booking_id,
                                a->line_id,
                                s->now,
                                s->user_id};
    if (rc == ERR_OK)
        rc = store_stock_movement_add(s->db, &m, &movement_id);
    snprintf(memo, sizeof(memo), "Product sold: %.100s x %lld, booking %lld", line.description,
             (long long)sale->quantity, (long long)sale->booking_id);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = post_line(&b, inv.id, &line.money, memo, 0);
    if (rc == ERR_OK)
        rc = post_cost(&b, stock_cost_of(product, sale->quantity), memo, 0);
    if (rc == ERR_OK)
        rc = billing_invoice_changed(&b, inv.id);
    if (rc == ERR_OK)
        rc = history(s, sale->booking_id, "product_sold", product, sale->quantity);
    a->invoice_id = inv.id;
out:
    json_decref(booking);
    json_decref(product);
    return rc;
}

int
product_sales_add(const struct svc *s, const struct product_sale *sale, int64_t *invoice_id,
                  int64_t *line_id)
{
    struct add_args a = {sale, 0, 0};
    int rc = svc_write(s, add, &a);

    *invoice_id = a.invoice_id;
    *line_id = a.line_id;
    return rc;
}

struct remove_args {
    int64_t booking_id, line_id, invoice_id;
};

/* Puts the sale's goods back into the storage they left, at the cost
 * they left at. */
static int
return_goods(const struct svc *s, const struct billing_ctx *b, const struct remove_args *a,
             const char *memo)
{
    struct store_movement_filter f = {0};
    struct store_movement m = {0};
    json_t *items = NULL, *row;
    int64_t id;
    size_t i;
    int rc;

    f.line_id = a->line_id;
    f.reason = "sale";
    f.limit = 100;
    rc = store_stock_movement_list(s->db, &f, &items);
    json_array_foreach(items, i, row)
    {
        if (rc != ERR_OK)
            break;
        m = (struct store_movement){row_int(row, "product_id"),
                                    row_int(row, "storage_id"),
                                    -row_int(row, "quantity"),
                                    "sale",
                                    row_int(row, "unit_cost"),
                                    "sale taken back",
                                    a->booking_id,
                                    a->line_id,
                                    s->now,
                                    s->user_id};
        rc = store_stock_movement_add(s->db, &m, &id);
        if (rc == ERR_OK)
            rc = post_cost(b, row_int(row, "unit_cost") * -row_int(row, "quantity"), memo,
                           row_int(row, "quantity") < 0);
    }
    json_decref(items);
    return rc;
}

static int
remove_sale(const struct svc *s, void *arg)
{
    struct remove_args *a = arg;
    struct store_invoice inv;
    struct store_invoice_line line;
    struct billing_ctx b;
    json_t *booking = NULL, *product = NULL;
    int64_t pending_amount = 0;
    char memo[96];
    int pending = 0, rc = open_invoice(s, a->booking_id, &booking, &inv);

    if (rc == ERR_OK)
        rc = store_payment_pending(s->db, inv.id, &pending, &pending_amount);
    if (rc == ERR_OK && (inv.paid > 0 || pending > 0))
        rc = svc_fail(s, ERR_CONFLICT, "money was paid on the invoice: refund instead");
    if (rc == ERR_OK)
        rc = store_invoice_product_line_remove(s->db, inv.id, a->line_id, &line);
    if (rc == ERR_NOT_FOUND)
        rc = svc_fail(s, rc, "no such product line on the booking's invoice");
    if (rc == ERR_OK)
        rc = stock_product_get(s, line.product_id, &product);
    snprintf(memo, sizeof(memo), "Product sale taken back: booking %lld", (long long)a->booking_id);
    if (rc == ERR_OK)
        rc = billing_ctx_init(s, &b);
    if (rc == ERR_OK)
        rc = post_line(&b, inv.id, &line.money, memo, 1);
    if (rc == ERR_OK)
        rc = return_goods(s, &b, a, memo);
    if (rc == ERR_OK)
        rc = billing_invoice_changed(&b, inv.id);
    if (rc == ERR_OK)
        rc = history(s, a->booking_id, "product_removed", product, line.money.quantity);
    a->invoice_id = inv.id;
    json_decref(booking);
    json_decref(product);
    return rc;
}

int
product_sales_remove(const struct svc *s, int64_t booking_id, int64_t line_id, int64_t *invoice_id)
{
    struct remove_args a = {booking_id, line_id, 0};
    int rc = svc_write(s, remove_sale, &a);

    *invoice_id = a.invoice_id;
    return rc;
}
