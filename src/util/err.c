#include "util/err.h"

const char *
err_name(enum err e)
{
    switch (e) {
    case ERR_OK:
        return "ok";
    case ERR_NOMEM:
        return "out of memory";
    case ERR_INVALID:
        return "invalid";
    case ERR_MALFORMED:
        return "malformed";
    case ERR_NOT_FOUND:
        return "not found";
    case ERR_METHOD:
        return "method not allowed";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_UNAUTHORIZED:
        return "unauthorized";
    case ERR_TOO_LARGE:
        return "too large";
    case ERR_RATE_LIMITED:
        return "rate limited";
    case ERR_STORE:
        return "storage error";
    case ERR_IO:
        return "i/o error";
    case ERR_RETRY:
        return "transaction to retry";
    case ERR_UNAVAILABLE:
        return "database unavailable";
    }
    return "unknown";
}
