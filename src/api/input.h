/* Reading and validating request input. Each reader records a field error
 * on the request (422 with errors[]) and returns ERR_INVALID when the value
 * is present but wrong, or missing and required. Absent optional values
 * leave *out untouched and set *present to 0 where there is one. */
#ifndef CHAIRSIDE_API_INPUT_H
#define CHAIRSIDE_API_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define INPUT_MAX_IDS 32

int in_text(struct http_req *req, const char *field, int required, size_t max_len,
            const char **out);
int in_int(struct http_req *req, const char *field, int required, int64_t min, int64_t max,
           int64_t *out);
int in_bool(struct http_req *req, const char *field, int *out);
/* A non-empty array of distinct positive ids. */
int in_ids(struct http_req *req, const char *field, int required, int64_t *out, size_t *n);
/* A booking's services: as in_ids, but one id may come more than once
 * (two fillings: [7, 7]). */
int in_service_ids(struct http_req *req, const char *field, int required, int64_t *out, size_t *n);
/* RFC 3339 timestamp with offset. */
int in_time(struct http_req *req, const char *field, int required, int64_t *out);
int in_present(struct http_req *req, const char *field);

/* Query parameters. */
int query_int(struct http_req *req, const char *name, int64_t min, int64_t max, int64_t *out);
int query_date(struct http_req *req, const char *name, int required, int64_t *days);
int query_ids(struct http_req *req, const char *name, int required, int64_t *out, size_t *n);
/* As query_ids, repeats allowed (see in_service_ids). */
int query_service_ids(struct http_req *req, const char *name, int required, int64_t *out,
                      size_t *n);
/* "1,2,3": distinct positive ids, at most INPUT_MAX_IDS; no request needed. */
int in_parse_ids(const char *s, int64_t *out, size_t *n);
/* limit (default 50, max 500) and cursor (an id) of list endpoints. */
int query_page(struct http_req *req, int *limit, int64_t *after_id);

#endif
