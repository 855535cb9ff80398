#include "util/secret.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

/* Argon2id cost: one of the equivalent settings OWASP's Password Storage
 * Cheat Sheet recommends (m=47 MiB at t=1, 19 MiB at t=2, 12 MiB at t=3,
 * 9 MiB at t=4, 7 MiB at t=5; p=1): m=12 MiB, t=3, about 30 ms a hash on
 * one core. The smaller memory is what keeps the server's peak within its
 * 64 MiB budget while a burst of logins hashes in every slot; libsodium's
 * INTERACTIVE level (64 MiB) alone would exceed it. Hashes made with other
 * parameters still verify and are made again at the next good login
 * (secret_password_needs_rehash). */
#define SECRET_OPSLIMIT 3ull
#define SECRET_MEMLIMIT (12288ull << 10)
#define SECRET_OWASP(t, kib) (SECRET_OPSLIMIT == (t) && SECRET_MEMLIMIT >= (kib##ull << 10))
_Static_assert(SECRET_OWASP(1, 47104) || SECRET_OWASP(2, 19456) || SECRET_OWASP(3, 12288) ||
                   SECRET_OWASP(4, 9216) ||
                   (SECRET_OPSLIMIT >= 5 && SECRET_MEMLIMIT >= 7168ull << 10),
               "Argon2id below the OWASP recommendation");

/* Each hash holds SECRET_MEMLIMIT bytes while it runs; at most hash_slots
 * run at once (one per CPU, at least 2), so a burst of logins costs
 * hash_slots * 12 MiB at most and the rest wait their turn. Made once,
 * then shared by every thread. */
static sem_t hash_slots;
static pthread_once_t hash_slots_once = PTHREAD_ONCE_INIT;
static unsigned hash_slots_n;

static void
hash_slots_init(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    hash_slots_n = n < 2 ? 2 : n > 1024 ? 1024 : (unsigned)n;
    if (sem_init(&hash_slots, 0, hash_slots_n) != 0)
        hash_slots_n = 0; /* cannot happen for a process-private semaphore */
}

static void
hash_slot_take(void)
{
    pthread_once(&hash_slots_once, hash_slots_init);
    if (!hash_slots_n)
        return;
    while (sem_wait(&hash_slots) != 0 && errno == EINTR)
        ;
}

static void
hash_slot_give(void)
{
    if (hash_slots_n)
        sem_post(&hash_slots);
}

unsigned
secret_hash_slots(void)
{
    pthread_once(&hash_slots_once, hash_slots_init);
    return hash_slots_n;
}

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
    int rc;

    if (size < crypto_pwhash_STRBYTES)
        return ERR_INVALID;
    hash_slot_take();
    rc = crypto_pwhash_str_alg(out, password, strlen(password), SECRET_OPSLIMIT, SECRET_MEMLIMIT,
                               crypto_pwhash_ALG_ARGON2ID13);
    hash_slot_give();
    return rc != 0 ? ERR_NOMEM : ERR_OK;
}

int
secret_password_verify(const char *hash, const char *password)
{
    int rc;

    hash_slot_take();
    rc = crypto_pwhash_str_verify(hash, password, strlen(password));
    hash_slot_give();
    return rc != 0 ? ERR_UNAUTHORIZED : ERR_OK;
}

int
secret_password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, SECRET_OPSLIMIT, SECRET_MEMLIMIT) != 0;
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
