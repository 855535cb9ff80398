#include "core/backoff.h"

int64_t
backoff_delay_ms(int attempts, int64_t base_ms, int64_t max_ms)
{
    int64_t d = base_ms < 1 ? 1 : base_ms;
    int i;

    for (i = 1; i < attempts && d < max_ms; i++)
        d *= 2;
    return d < max_ms ? d : max_ms;
}

int64_t
backoff_next_at(int64_t now, int64_t next, int64_t deadline)
{
    return deadline > now && deadline < next ? deadline : next;
}
