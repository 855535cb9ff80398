#include "service/patients.h"

#include <jansson.h>

#include "service/setup.h"
#include "store/store.h"
#include "util/err.h"

struct merge {
    int64_t id, into_id;
};

static int
patient_exists(const struct svc *s, int64_t id)
{
    json_t *row = NULL;
    int rc = store_row_get(s->db, &setup_patients.table, id, &row);

    json_decref(row);
    return rc;
}

static int
merge_tx(const struct svc *s, void *arg)
{
    const struct merge *m = arg;
    int rc = patient_exists(s, m->id);

    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such patient");
    if (rc == ERR_OK)
        rc = patient_exists(s, m->into_id);
    if (rc == ERR_NOT_FOUND)
        return svc_field_error(s, "into_id", "names a patient that does not exist");
    if (rc == ERR_OK)
        rc = store_patient_merge(s->db, m->id, m->into_id);
    if (rc == ERR_CONFLICT)
        return svc_fail(s, rc, "both patients have a login; only one may keep it");
    /* Deleted by a merge that committed between the checks and the locks. */
    if (rc == ERR_NOT_FOUND)
        return svc_fail(s, rc, "no such patient");
    return rc;
}

int
patients_merge(const struct svc *s, int64_t id, int64_t into_id)
{
    struct merge m = {id, into_id};

    if (into_id == id)
        return svc_field_error(s, "into_id", "must name another patient");
    return svc_write(s, merge_tx, &m);
}
