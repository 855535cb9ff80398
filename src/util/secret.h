/* Passwords (Argon2id) and random tokens, through libsodium. */
#ifndef CHAIRSIDE_UTIL_SECRET_H
#define CHAIRSIDE_UTIL_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_HASH_LEN 32      /* bytes of a token hash */
#define SECRET_TOKEN_LEN 44     /* base64url of 32 random bytes + NUL */
#define SECRET_PASSWORD_MAX 256 /* longest accepted password, bytes */

/* Starts libsodium and makes the dummy hash (one Argon2id hash). */
int secret_init(void);
/* out must hold crypto_pwhash_STRBYTES (128). */
int secret_password_hash(const char *password, char *out, size_t size);
/* Hashing and checking passwords wait for one of secret_hash_slots()
 * slots (the CPUs, at least 2): each Argon2id run holds 12 MiB.
 * ERR_OK when password matches hash, else ERR_UNAUTHORIZED. */
int secret_password_verify(const char *hash, const char *password);
/* Whether hash was made with other parameters than secret_password_hash
 * uses now (or is no Argon2id hash of ours): 1 when it should be made
 * again from the password at the next good login. */
int secret_password_needs_rehash(const char *hash);
/* Does the work of secret_password_verify for a login that has no hash
 * (an unknown e-mail), so that both take the same time; matches nothing. */
void secret_password_verify_dummy(const char *password);
unsigned secret_hash_slots(void);
/* A fresh random URL-safe token. */
void secret_token(char out[SECRET_TOKEN_LEN]);
/* Hash of a token for storage and lookup. */
void secret_token_hash(const char *token, unsigned char out[SECRET_HASH_LEN]);
/* A random number in [0, 2^40): ids that must differ between processes,
 * also on other machines (process ids repeat there, e.g. in containers). */
int64_t secret_random_id(void);
/* Constant-time string equality. */
int secret_equal(const char *a, const char *b);

#endif
