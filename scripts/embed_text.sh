#!/bin/sh
# Emits a C file defining `const char NAME[]` with the contents of FILE.
set -eu
name=$1
file=$2
echo "const char $name[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$file"
echo '    "";'
