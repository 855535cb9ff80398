#include "util/secret.h"

#include <sodium.h>
#include <string.h>

#include "util/err.h"

/* A hash of a random password with the current parameters, made once by
 * secret_init: checking a login for an unknown e-mail against it costs what
 * checking a known one costs, so the time taken does not tell which e-mails
 * have logins. Written once before any thread starts, read-only after. */
static char dummy_hash[crypto_pwhash_STRBYTES];

int
secret_init(void)
{
    char password[SECRET_TOKEN_LEN];
    int rc;

    if (sodium_init() < 0)
        return ERR_IO;
    if (dummy_hash[0])
        return ERR_OK;
    secret_token(password);
    rc = secret_password_hash(password, dummy_hash, sizeof(dummy_hash));
    sodium_memzero(password, sizeof(password));
    return rc;
}

int
secret_password_hash(const char *password, char *out, size_t size)
{
    if (size < crypto_pwhash_STRBYTES)
        return ERR_INVALID;
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ERR_NOMEM;
    return ERR_OK;
}

int
secret_password_verify(const char *hash, const char *password)
{
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
        return ERR_UNAUTHORIZED;
    return ERR_OK;
}

void
secret_password_verify_dummy(const char *password)
{
    if (dummy_hash[0])
        (void)secret_password_verify(dummy_hash, password);
}

void
secret_token(char out[SECRET_TOKEN_LEN])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, SECRET_TOKEN_LEN, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

void
secret_token_hash(const char *token, unsigned char out[SECRET_HASH_LEN])
{
    crypto_generichash(out, SECRET_HASH_LEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

int
secret_equal(const char *a, const char *b)
{
    size_t n = strlen(a);

    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int64_t
secret_random_id(void)
{
    uint64_t v;

    randombytes_buf(&v, sizeof(v));
    return (int64_t)(v >> 24);
}
