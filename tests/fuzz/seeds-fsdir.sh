#!/bin/sh
# seeds-fsdir.sh OUTDIR: the same tiny images as the fs fuzzer's.
exec sh "$(dirname "$0")/seeds-fs.sh" "$@"
