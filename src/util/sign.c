#include "util/sign.h"

#include <sodium.h>
#include <string.h>

void
sign_hmac_sha256_hex(const char *key, const void *body, size_t len, char out[SIGN_HEX_LEN])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, SIGN_HEX_LEN, mac, sizeof(mac));
    sodium_memzero(&st, sizeof(st));
}
