/* Numbered schema migrations, embedded from store/migrations/NNN_name.sql. */
#ifndef CHAIRSIDE_STORE_MIGRATIONS_H
#define CHAIRSIDE_STORE_MIGRATIONS_H

struct store_migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct store_migration store_migrations[];
extern const int store_migration_count;

#endif
