/* One-line structured logs on stderr: "ts=... level=... msg=... k=v".
 * Callers must never pass passwords, tokens or patient data. */
#ifndef CHAIRSIDE_UTIL_LOG_H
#define CHAIRSIDE_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_line(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
