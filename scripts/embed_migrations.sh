#!/bin/sh
# Emits a C file holding every migration as a string, in file-name order.
#   embed_migrations.sh [--prefix P] [--header H] FILE.sql...
# defines P_migrations[] and P_migration_count (default P=store), declared
# in header H (default store/migrations.h), so each backend embeds its own.
set -eu
prefix=store
header=store/migrations.h
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --header) header=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
    esac
done
echo "#include \"$header\""
echo "const struct store_migration ${prefix}_migrations[] = {"
for f in "$@"; do
    name=$(basename "$f" .sql)
    printf '    {%s, "%s", ' "${name%%_*}" "$name" | sed 's/{0*\([0-9]\)/{\1/'
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/        "/' -e 's/$/\\n"/' "$f"
    echo '    },'
done
echo '};'
echo "const int ${prefix}_migration_count = $#;"
