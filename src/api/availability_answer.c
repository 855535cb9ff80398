#include "api/availability_answer.h"

#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "http/static_files.h"
#include "service/availability_cache.h"
#include "util/err.h"

/* Sends answer a (the reference is the response's from here on): 304 when
 * the client holds it already, else its body, compressed when accepted. */
static void
serve(struct http_req *req, struct http_resp *resp, struct answer *a)
{
    const char *inm = http_header(req, "If-None-Match");
    const char *body = NULL;
    size_t len = 0;

    if (static_files_accepted(http_header(req, "Accept-Encoding")) & STATIC_GZIP)
        body = answer_gzip(a, &len);
    /* Per caller (the answer depends on who asks), and checked each time. */
    resp->cache_control = "private, no-cache";
    resp->vary = "Accept-Encoding";
    resp->content_encoding = body ? "gzip" : NULL;
    snprintf(resp->etag, sizeof(resp->etag), "%s", answer_etag(a, body != NULL));
    /* Either form held means the client's copy is current. */
    if (answer_etag_matches(inm, answer_etag(a, 0)) ||
        answer_etag_matches(inm, answer_etag(a, 1))) {
        resp->status = 304;
        resp->content_type = NULL;
        resp->content_encoding = NULL;
        buf_reset(&resp->raw);
        answer_release(a);
        return;
    }
    resp->status = 200;
    resp->content_type = "application/json";
    if (!body)
        body = answer_body(a, &len);
    http_resp_share(resp, body, len, answer_release, a);
}

/* The query as parsed plus what makes answers differ between callers:
 * online visibility and, when its holds are shown to it as free, the
 * holder. "" when it does not fit. */
static void
make_key(const struct availability_request *r, int own, char *key)
{
    size_t used, i;
    int n;

    n = snprintf(key, ANSWER_KEY_MAX, "o%d|h%s|f%lld|t%lld|m%lld|l%lld|s", r->online ? 1 : 0,
                 own ? r->holder : "", (long long)r->from_day, (long long)r->to_day,
                 (long long)r->staff_id, (long long)r->location_id);
    for (i = 0; n >= 0 && (size_t)n < ANSWER_KEY_MAX && i < r->n_services; i++) {
        used = (size_t)n;
        n = snprintf(key + used, ANSWER_KEY_MAX - used, ",%lld", (long long)r->service_ids[i]);
        n = n < 0 ? n : n + (int)used;
    }
    if (n < 0 || (size_t)n >= ANSWER_KEY_MAX)
        key[0] = '\0';
}

int
avail_answer_lookup(struct http_req *req, struct http_resp *resp,
                    const struct availability_request *r, struct avail_lookup *lk, int *served)
{
    struct svc sv = api_svc(req);
    struct answer *a;
    int own = 0;
    int rc = availability_version(&sv, r->holder, &lk->version, &own);

    *served = 0;
    lk->key[0] = '\0';
    if (rc != ERR_OK)
        return rc;
    make_key(r, own, lk->key);
    if (!lk->version)
        lk->key[0] = '\0'; /* the store cannot place this snapshot */
    a = lk->key[0] ? answer_cache_get(req->app->answers, lk->key, lk->version, req->now) : NULL;
    if (a) {
        serve(req, resp, a);
        *served = 1;
    }
    return ERR_OK;
}

int
avail_answer_keep(struct http_req *req, struct http_resp *resp,
                  const struct availability_request *r, const struct avail_result *res,
                  const struct avail_lookup *lk)
{
    struct svc sv = api_svc(req);
    struct answer *a = NULL;
    int64_t until = req->now;
    char *body;
    size_t len;
    int rc = availability_valid_until(&sv, r, res, &until);

    if (rc != ERR_OK)
        return rc;
    /* The answer takes the rendered buffer over. */
    body = resp->raw.data;
    len = resp->raw.len;
    buf_init(&resp->raw, resp->raw.limit);
    rc = answer_cache_put(lk->key[0] ? req->app->answers : NULL, lk->key, lk->version, until, body,
                          len, &a);
    if (rc != ERR_OK)
        return rc;
    serve(req, resp, a);
    return ERR_OK;
}
