/* Retry delays of the outbox. Pure. */
#ifndef CHAIRSIDE_CORE_BACKOFF_H
#define CHAIRSIDE_CORE_BACKOFF_H

#include <stdint.h>

/* Delay before the next try after `attempts` failed ones (1 = the first
 * failed): base_ms doubled per further attempt, never above max_ms. */
int64_t backoff_delay_ms(int attempts, int64_t base_ms, int64_t max_ms);
/* The time of the next try, next as the backoff has it, brought forward
 * to deadline when that falls after now and before next: a decision due
 * at deadline (the diary's unreachable alert) is then taken on time,
 * however long the backoff has grown. */
int64_t backoff_next_at(int64_t now, int64_t next, int64_t deadline);

#endif
