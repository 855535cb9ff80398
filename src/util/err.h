/* One error enum for the whole program; http/problem.c maps it to HTTP. */
#ifndef CHAIRSIDE_UTIL_ERR_H
#define CHAIRSIDE_UTIL_ERR_H

enum err {
    ERR_OK = 0,
    ERR_NOMEM,
    ERR_INVALID,   /* validation failed (422) */
    ERR_MALFORMED, /* unreadable request (400) */
    ERR_NOT_FOUND,
    ERR_METHOD, /* the path exists, the method does not (405) */
    ERR_CONFLICT,
    ERR_FORBIDDEN,
    ERR_UNAUTHORIZED,
    ERR_TOO_LARGE,
    ERR_RATE_LIMITED,
    ERR_STORE,
    ERR_IO,
    ERR_RETRY, /* the database aborted the transaction (serialization, deadlock): run it again */
    ERR_UNAVAILABLE, /* the database cannot be reached (503) */
};

const char *err_name(enum err e);

#endif
