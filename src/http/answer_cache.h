/* A bounded cache of rendered answers: each is a body with its strong
 * ETag, kept under a key together with the store version it was computed
 * at and the instant it stops being right (a cached list of free slots
 * must not outlive its first slot). Its gzip form is made the first time a
 * client takes it and kept with it. The least recently used answers go
 * first once the cache holds max_entries answers or max_bytes of bodies.
 * One cache is shared by every server thread; main.c owns it.
 *
 * An answer is immutable once made and counted by references: the cache
 * holds one, and so does every response still sending it, so an answer
 * evicted or replaced while being sent stays alive until it is sent. */
#ifndef CHAIRSIDE_HTTP_ANSWER_CACHE_H
#define CHAIRSIDE_HTTP_ANSWER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define ANSWER_KEY_MAX 512
#define ANSWER_ETAG_LEN 48 /* with quotes and NUL */

struct answer;
struct answer_cache;

int answer_cache_new(size_t max_entries, size_t max_bytes, struct answer_cache **out);
void answer_cache_free(struct answer_cache *c);

/* A new reference to key's answer when it was computed at version and
 * now < its valid_until; NULL otherwise (an answer of another version or
 * past its time is dropped). c may be NULL. */
struct answer *answer_cache_get(struct answer_cache *c, const char *key, uint64_t version,
                                int64_t now);

/* Makes an answer of body[0..len) and, when c is not NULL and the key and
 * body fit, keeps it under key in place of any answer of the same or an
 * older version. body (malloc'd; NULL when len is 0) belongs to the answer
 * from here on, even when this fails: a rendered body is adopted, not
 * copied. *out gets a reference to the new answer either way. ERR_NOMEM
 * when it cannot be made. */
int answer_cache_put(struct answer_cache *c, const char *key, uint64_t version, int64_t valid_until,
                     char *body, size_t len, struct answer **out);

/* Drops a reference (void * so that it can be a response's release
 * callback). NULL is fine. */
void answer_release(void *a);

const char *answer_body(const struct answer *a, size_t *len);
/* The quoted strong ETag of the body (its length, CRC-32 and Adler-32),
 * or of its gzip form, which as another representation has its own. */
const char *answer_etag(const struct answer *a, int gzipped);
/* The body gzip-compressed, made on the first call and kept; NULL when it
 * could not be made or would be no smaller. */
const char *answer_gzip(struct answer *a, size_t *len);

/* 1 when an If-None-Match header value (a list of entity tags, or "*")
 * names etag, compared weakly as RFC 9110 13.1.2 asks. */
int answer_etag_matches(const char *if_none_match, const char *etag);

#endif
