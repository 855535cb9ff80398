/* An outbox row's event rendered into its e-mail; see outbox_render.h. */
#include "jobs/outbox_render.h"

#include <stdio.h>
#include <string.h>

#include "core/email.h"
#include "core/mime.h"
#include "jobs/mail_vars.h"
#include "util/err.h"
#include "util/row.h"

#define RENDER_PART_LIMIT (1024 * 1024)
#define RENDER_DEFAULT_FROM "chairside@localhost"

/* The placeholders the event's facts make, by what the mail is about. */
static int
make_vars(const json_t *event, struct tzdb *tzdb, struct mail_vars *v)
{
    const char *about = row_text(event, "about");

    memset(v, 0, sizeof(*v));
    if (!json_is_object(json_object_get(event, "facts")))
        return ERR_INVALID;
    if (strcmp(about, "booking") == 0 || strcmp(about, "appointment") == 0)
        return mail_vars_booking(event, tzdb, v);
    if (strcmp(about, "package") == 0)
        return mail_vars_package(event, v);
    return ERR_INVALID;
}

/* Renders the event's template, or for an Arabic mail its twin
 * <template>_ar when the clinic has one: a mail whose twin is missing is
 * still sent, in English, rather than not at all. */
static int
render_parts(struct store_conn *c, const json_t *event, const struct mail_vars *v,
             struct buf *subject, struct buf *text, struct buf *html)
{
    const char *name = row_text(event, "template");
    const struct tpl_var *vars = v->en;
    char ar_name[96];
    json_t *tpl = NULL;
    int rc = ERR_NOT_FOUND;

    if (row_bool(event, "arabic")) {
        snprintf(ar_name, sizeof(ar_name), "%s_ar", name);
        rc = store_template_get(c, ar_name, &tpl);
        vars = v->ar;
    }
    if (rc == ERR_NOT_FOUND) {
        vars = v->en;
        rc = store_template_get(c, name, &tpl);
    }
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "subject"), vars, v->n, 0, subject);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_text"), vars, v->n, 0, text);
    if (rc == ERR_OK)
        rc = tpl_render(row_text(tpl, "body_html"), vars, v->n, 1, html);
    json_decref(tpl);
    /* A subject never spans lines, whatever the template says. */
    for (size_t i = 0; rc == ERR_OK && i < subject->len; i++) {
        if (subject->data[i] == '\r' || subject->data[i] == '\n')
            subject->data[i] = ' ';
    }
    return rc;
}

/* The MIME message of the rendered parts, with the invitation ics (NULL:
 * none). */
static int
build_message(const struct store_outbox_row *row, const json_t *event, const char *from,
              const struct buf *subject, const struct buf *text, const struct buf *html,
              const char *ics, struct buf *msg)
{
    const char *id = row_text(event, "message_id");
    char message_id[80], boundary[80];

    snprintf(message_id, sizeof(message_id), "%s@chairside", id);
    snprintf(boundary, sizeof(boundary), "cs-%s", id);
    return mime_build(&(struct mime_message){from, row->recipient,
                                             subject->data ? subject->data : "", row->created_at,
                                             message_id, boundary, text->data ? text->data : "",
                                             html->data ? html->data : "", ics,
                                             ics ? row_text(event, "method") : NULL},
                      msg);
}

int
outbox_render_email(struct store_conn *c, struct tzdb *tzdb, const struct store_outbox_row *row,
                    const json_t *settings, struct buf *subject, struct buf *msg)
{
    json_t *event = json_loads(row->event, 0, NULL);
    const char *method = row_text(event, "method"), *mail_from = row_text(settings, "mail_from");
    char from[EMAIL_MAX_LEN + 1];
    struct mail_vars vars;
    struct buf text, html, ics;
    int rc = event && *row_text(event, "template") && *row_text(event, "message_id")
                 ? make_vars(event, tzdb, &vars)
                 : ERR_INVALID;

    buf_init(&text, RENDER_PART_LIMIT);
    buf_init(&html, RENDER_PART_LIMIT);
    buf_init(&ics, RENDER_PART_LIMIT);
    /* mail_from is checked when set: only one stored before could fail. */
    if (email_ascii(*mail_from ? mail_from : RENDER_DEFAULT_FROM, from, sizeof(from)) != ERR_OK)
        snprintf(from, sizeof(from), "%s", RENDER_DEFAULT_FROM);
    if (rc == ERR_OK)
        rc = render_parts(c, event, &vars, subject, &text, &html);
    if (rc == ERR_OK && *method)
        rc = mail_booking_ics(event, method, from, row->recipient, row->created_at, &ics);
    if (rc == ERR_OK)
        rc = build_message(row, event, from, subject, &text, &html, *method ? ics.data : NULL, msg);
    buf_cleanup(&text);
    buf_cleanup(&html);
    buf_cleanup(&ics);
    json_decref(event);
    return rc;
}
