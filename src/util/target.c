#include "util/target.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"

/* RFC 3986 unreserved, reserved and '%': everything a URL may hold. */
static int
url_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

static const char *
scheme_rest(const char *url, enum target_scheme scheme)
{
    static const char *const smtp[] = {"smtp://", "smtps://", NULL};
    static const char *const http[] = {"http://", "https://", NULL};
    const char *const *p;

    for (p = scheme == TARGET_SMTP ? smtp : http; *p; p++) {
        if (strncasecmp(url, *p, strlen(*p)) == 0)
            return url + strlen(*p);
    }
    return NULL;
}

/* Splits the authority after "scheme://" into host and port spans. */
static int
authority_parts(const char *rest, const char **host, size_t *host_len, const char **port,
                size_t *port_len)
{
    size_t len = strcspn(rest, "/?#");
    const char *at, *end = rest + len, *h = rest, *p;

    for (at = rest; at < end; at++) {
        if (*at == '@')
            h = at + 1;
    }
    if (*h == '[') {
        p = memchr(h, ']', (size_t)(end - h));
        if (!p)
            return ERR_INVALID;
        *host = h + 1;
        *host_len = (size_t)(p - h - 1);
        p++;
    } else {
        p = h;
        while (p < end && *p != ':')
            p++;
        *host = h;
        *host_len = (size_t)(p - h);
    }
    if (p < end && *p != ':')
        return ERR_INVALID;
    *port = p < end ? p + 1 : end;
    *port_len = (size_t)(end - *port);
    if (p < end && *port_len == 0)
        return ERR_INVALID;
    return *host_len ? ERR_OK : ERR_INVALID;
}

static int
host_chars_ok(const char *host, size_t len, int bracketed)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)host[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

        if (!(alnum || c == '-' || c == '.' || (bracketed ? c == ':' : c == '_')))
            return 0;
    }
    return 1;
}

static int
port_ok(const char *port, size_t len)
{
    unsigned long v = 0;
    size_t i;

    if (len > 5)
        return 0;
    for (i = 0; i < len; i++) {
        if (port[i] < '0' || port[i] > '9')
            return 0;
        v = v * 10 + (unsigned long)(port[i] - '0');
    }
    return len == 0 || (v >= 1 && v <= 65535);
}

const char *
target_url_problem(const char *url, enum target_scheme scheme)
{
    const char *rest, *host, *port, *s;
    size_t host_len, port_len;

    for (s = url; *s; s++) {
        if (!url_char((unsigned char)*s))
            return "must not contain spaces, control characters or characters outside URLs";
    }
    rest = scheme_rest(url, scheme);
    if (!rest)
        return scheme == TARGET_SMTP ? "must be an smtp:// or smtps:// URL"
                                     : "must be an http:// or https:// URL";
    if (authority_parts(rest, &host, &host_len, &port, &port_len) != ERR_OK ||
        host_len >= TARGET_HOST_MAX || !host_chars_ok(host, host_len, host[-1] == '['))
        return "must name a host";
    if (!port_ok(port, port_len))
        return "must have a port from 1 to 65535";
    return NULL;
}

int
target_url_host(const char *url, char host[TARGET_HOST_MAX])
{
    const char *rest = scheme_rest(url, TARGET_HTTP), *h, *port;
    size_t len, port_len;

    host[0] = '\0';
    if (!rest)
        rest = scheme_rest(url, TARGET_SMTP);
    if (!rest || authority_parts(rest, &h, &len, &port, &port_len) != ERR_OK ||
        len >= TARGET_HOST_MAX)
        return ERR_INVALID;
    memcpy(host, h, len);
    host[len] = '\0';
    return ERR_OK;
}

static int
v4_private(uint32_t a)
{
    static const struct {
        uint32_t net, mask;
    } ranges[] = {
        {0x00000000, 0xff000000}, /* 0/8 "this network", 0.0.0.0 */
        {0x0a000000, 0xff000000}, /* 10/8 */
        {0x64400000, 0xffc00000}, /* 100.64/10 carrier-grade NAT */
        {0x7f000000, 0xff000000}, /* 127/8 loopback */
        {0xa9fe0000, 0xffff0000}, /* 169.254/16 link-local, cloud metadata */
        {0xac100000, 0xfff00000}, /* 172.16/12 */
        {0xc0000000, 0xffffff00}, /* 192.0.0/24 IETF protocol assignments */
        {0xc0a80000, 0xffff0000}, /* 192.168/16 */
        {0xc6120000, 0xfffe0000}, /* 198.18/15 benchmarking */
        {0xe0000000, 0xe0000000}, /* 224/4 multicast, 240/4 reserved, broadcast */
    };
    size_t i;

    for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        if ((a & ranges[i].mask) == ranges[i].net)
            return 1;
    }
    return 0;
}

static uint32_t
be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int
v6_private(const unsigned char *b)
{
    static const unsigned char zero[12] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    /* ::/96 covers :: and ::1 too: IPv4-compatible 0.0.0.0 and 0.0.0.1. */
    if (memcmp(b, zero, 12) == 0 || memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
        return v4_private(be32(b + 12));
    if (b[0] == 0x20 && b[1] == 0x02) /* 2002::/16 6to4 */
        return v4_private(be32(b + 2));
    return (b[0] & 0xfe) == 0xfc ||                   /* fc00::/7 unique-local */
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 link-local */
           (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* fec0::/10 site-local */
           b[0] == 0xff;                              /* ff00::/8 multicast */
}

int
target_addr_private(const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

        return v4_private(be32((const unsigned char *)&in->sin_addr));
    }
    if (sa && sa->sa_family == AF_INET6)
        return v6_private(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
    return 1;
}

int
target_host_private(const char *host, int *private)
{
    struct addrinfo hints, *res = NULL, *ai;

    *private = 0;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0)
        return ERR_NOT_FOUND;
    for (ai = res; ai; ai = ai->ai_next) {
        if (target_addr_private(ai->ai_addr))
            *private = 1;
    }
    freeaddrinfo(res);
    return ERR_OK;
}
