/* Checks of outbound targets when they are saved: a webhook URL or the
 * diary_url whose host resolves to a private address is refused (422)
 * unless the settings allow private targets. The workers check again on
 * every delivery (jobs/transport.c), for names that resolve differently
 * later. */
#ifndef CHAIRSIDE_API_TARGETS_H
#define CHAIRSIDE_API_TARGETS_H

#include "http/http.h"

/* The stored allow_private_targets setting. */
int api_targets_allowed(struct http_req *req, int *allow);
/* Records a field error on field (ERR_INVALID) when url's host resolves to
 * a private address. A name that does not resolve now passes: it cannot
 * be judged, and delivery judges the address it connects to. */
int api_target_check(struct http_req *req, const char *field, const char *url);

#endif
