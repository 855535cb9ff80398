/* The e-mails of packages, queued in the outbox inside the caller's
 * write transaction: the purchase confirmation and the reminder that a
 * package with visits left expires soon (templates "package_purchased"
 * and "package_expiring"), each as its event for the worker to render
 * (service/mail_event.h). A patient without an e-mail gets none. */
#ifndef CHAIRSIDE_SERVICE_PACKAGE_NOTIFY_H
#define CHAIRSIDE_SERVICE_PACKAGE_NOTIFY_H

#include <stdint.h>

#include "service/svc.h"

int package_notify_purchased(const struct svc *s, int64_t patient_package_id);
int package_notify_expiring(const struct svc *s, int64_t patient_package_id);

#endif
