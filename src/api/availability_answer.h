/* GET /availability answers kept between requests: looked up before the
 * engine runs, kept after it rendered, and always sent with a strong ETag
 * (If-None-Match -> 304) and gzip-compressed to clients that take it. */
#ifndef CHAIRSIDE_API_AVAILABILITY_ANSWER_H
#define CHAIRSIDE_API_AVAILABILITY_ANSWER_H

#include <stdint.h>

#include "http/answer_cache.h"
#include "http/http.h"
#include "service/availability.h"

struct avail_lookup {
    char key[ANSWER_KEY_MAX]; /* "" when the query does not fit a key */
    uint64_t version;         /* the store's, read in this request's snapshot */
};

/* Answers r from the app's cache when it holds a current answer: fills
 * resp and sets *served. Otherwise leaves resp alone and lk ready for
 * avail_answer_keep. */
int avail_answer_lookup(struct http_req *req, struct http_resp *resp,
                        const struct availability_request *r, struct avail_lookup *lk, int *served);

/* Takes the body just rendered into resp->raw for r (res its slots),
 * keeps it under lk, and answers from it as avail_answer_lookup would. */
int avail_answer_keep(struct http_req *req, struct http_resp *resp,
                      const struct availability_request *r, const struct avail_result *res,
                      const struct avail_lookup *lk);

#endif
