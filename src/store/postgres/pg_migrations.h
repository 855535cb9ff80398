/* The PostgreSQL backend's numbered schema migrations, embedded from
 * store/postgres/migrations/NNN_name.sql; same versions as the SQLite ones. */
#ifndef CHAIRSIDE_STORE_PG_MIGRATIONS_H
#define CHAIRSIDE_STORE_PG_MIGRATIONS_H

#include "store/migrations.h"

extern const struct store_migration pg_migrations[];
extern const int pg_migration_count;

#endif
