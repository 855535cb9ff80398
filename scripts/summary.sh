#!/bin/sh
# Adds up every suite's "passed failed skipped" lines and prints the one
# closing line. Exits non-zero on any failure or when a suite left no result.
set -u
p=0; f=0; s=0; missing=0
for dir in "$@"; do
    for suite in unit api pg-unit pg-api layers browser pg-browser fuzz; do
        file="$dir/$suite.txt"
        # The browser tests (once per backend), the include check and the
        # fuzz targets do not run again under ASan.
        case "$suite" in browser | pg-browser | layers | fuzz) [ -e "$file" ] || continue ;; esac
        if [ ! -s "$file" ]; then
            echo "suite $file produced no result"
            missing=1
            continue
        fi
        while read -r a b c; do
            p=$((p + a)); f=$((f + b)); s=$((s + c))
        done < "$file"
    done
done
[ "$missing" -ne 0 ] && f=$((f + 1))
if [ "$s" -gt 0 ]; then
    echo "$p passed, $f failed, $s skipped"
else
    echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ]
