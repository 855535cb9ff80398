#!/bin/sh
# Emits a C file holding every migration as a string, in file-name order.
set -eu
echo '#include "store/migrations.h"'
echo 'const struct store_migration store_migrations[] = {'
for f in "$@"; do
    name=$(basename "$f" .sql)
    printf '    {%s, "%s", ' "${name%%_*}" "$name" | sed 's/{0*\([0-9]\)/{\1/'
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/        "/' -e 's/$/\\n"/' "$f"
    echo '    },'
done
echo '};'
echo "const int store_migration_count = $#;"
