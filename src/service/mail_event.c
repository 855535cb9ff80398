/* E-mails queued as their events; see mail_event.h. */
#include "service/mail_event.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/email.h"
#include "store/store.h"
#include "util/err.h"
#include "util/log.h"

/* Chosen now, so every attempt at the mail sends the same Message-ID. */
static int
set_message_id(json_t *event)
{
    unsigned char raw[12];
    char hex[25];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    return json_object_set_new(event, "message_id", json_string(hex)) == 0 ? ERR_OK : ERR_NOMEM;
}

int
mail_event_queue(const struct svc *s, const char *tpl_name, const char *to, int64_t booking_id,
                 json_t *event)
{
    struct store_outbox_row row = {0};
    char rcpt[EMAIL_MAX_LEN + 1];
    char *text = NULL;
    int rc = ERR_OK;

    if (!*to)
        goto out;
    /* Addresses are checked when stored; one stored before that check
     * that cannot be written in ASCII is not sent at all. */
    if (email_ascii(to, rcpt, sizeof(rcpt)) != ERR_OK) {
        log_line(LOG_WARN, "msg=\"mail not queued: the address cannot be sent to\" kind=%s",
                 tpl_name);
        goto out;
    }
    rc = json_object_set_new(event, "template", json_string(tpl_name)) == 0 ? set_message_id(event)
                                                                            : ERR_NOMEM;
    if (rc != ERR_OK)
        goto out;
    text = json_dumps(event, JSON_COMPACT);
    rc = text ? ERR_OK : ERR_NOMEM;
    if (rc != ERR_OK)
        goto out;
    snprintf(row.channel, sizeof(row.channel), "email");
    snprintf(row.kind, sizeof(row.kind), "%s", tpl_name);
    row.booking_id = booking_id;
    row.recipient = rcpt;
    row.event = text;
    rc = store_outbox_add(s->db, &row, s->now, NULL);
out:
    free(text);
    return rc;
}
