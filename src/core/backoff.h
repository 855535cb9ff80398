/* Retry delays of the outbox. Pure. */
#ifndef CHAIRSIDE_CORE_BACKOFF_H
#define CHAIRSIDE_CORE_BACKOFF_H

#include <stdint.h>

/* Delay before the next try after `attempts` failed ones (1 = the first
 * failed): base_ms doubled per further attempt, never above max_ms. */
int64_t backoff_delay_ms(int attempts, int64_t base_ms, int64_t max_ms);

#endif
