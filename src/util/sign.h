/* Webhook signatures: HMAC-SHA256 (libsodium) as lower-case hex. */
#ifndef CHAIRSIDE_UTIL_SIGN_H
#define CHAIRSIDE_UTIL_SIGN_H

#include <stddef.h>

#define SIGN_HEX_LEN 65 /* 64 hex digits + NUL */

/* out = hex(HMAC-SHA256(key, body)). The key is any length. */
void sign_hmac_sha256_hex(const char *key, const void *body, size_t len, char out[SIGN_HEX_LEN]);

#endif
