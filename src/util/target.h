/* Outbound targets (smtp_url, diary_url, webhook URLs): what a URL may look
 * like, and whether an address is one the server's own network reaches but
 * the internet does not (loopback, link-local such as cloud metadata at
 * 169.254.169.254, private and unique-local ranges). Webhook and diary
 * targets there are refused unless the clinic turns allow_private_targets
 * on, so a URL typed into the settings cannot make the server probe its LAN
 * (server-side request forgery). */
#ifndef CHAIRSIDE_UTIL_TARGET_H
#define CHAIRSIDE_UTIL_TARGET_H

#include <stddef.h>
#include <sys/socket.h>

enum target_scheme {
    TARGET_SMTP, /* smtp:// or smtps:// */
    TARGET_HTTP, /* http:// or https:// */
};

#define TARGET_HOST_MAX 256

/* NULL when url is a well-formed URL of scheme, else why not, as a field
 * error message. Only printable ASCII in RFC 3986's character set: no
 * spaces, CR, LF or other control characters, no backslashes. */
const char *target_url_problem(const char *url, enum target_scheme scheme);

/* The host of a URL target_url_problem accepts, without IPv6 brackets.
 * ERR_INVALID when there is none or it does not fit. */
int target_url_host(const char *url, char host[TARGET_HOST_MAX]);

/* 1 when sa is not a public unicast address: unspecified, loopback,
 * link-local, private (10/8, 172.16/12, 192.168/16, 100.64/10), IPv6
 * unique-local and site-local, multicast, reserved; IPv4 inside IPv6
 * (mapped, compatible, NAT64, 6to4) is judged by its IPv4 address.
 * Unknown families count as private. */
int target_addr_private(const struct sockaddr *sa);

/* Resolves host and sets *private when any of its addresses is private.
 * Numeric forms the resolver accepts ("2130706433", "0x7f.1") are judged
 * by the address they stand for. ERR_NOT_FOUND when it does not resolve. */
int target_host_private(const char *host, int *private);

#endif
