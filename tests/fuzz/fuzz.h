/* Shared by the libFuzzer targets: inputs as C strings, split into parts,
 * and property checks that stop the run like a crash would. */
#ifndef CHAIRSIDE_TESTS_FUZZ_H
#define CHAIRSIDE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PARTS 8

/* A property the code under test promises; a violation is a finding. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "property failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A NUL-terminated copy of the input (which may itself hold NULs). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Splits a NUL-terminated copy of the input at NUL bytes into at most max
 * parts; absent parts are "". Free *buf. Returns the number found. */
static inline size_t
fuzz_parts(const uint8_t *data, size_t size, char **buf, const char **parts, size_t max)
{
    size_t i, n = 1;

    *buf = fuzz_cstr(data, size);
    for (i = 0; i < max; i++)
        parts[i] = "";
    if (!*buf)
        return 0;
    parts[0] = *buf;
    for (i = 0; i < size && n < max; i++) {
        if ((*buf)[i] == '\0')
            parts[n++] = *buf + i + 1;
    }
    return n;
}

#endif
