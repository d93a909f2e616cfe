# Shared by every playbook (POSIX sh, sourced).
# run TOOL ARGS...: 0 ok; 1 "found" is a result, not a failure; 3 partial
# is logged and the playbook goes on; anything else aborts.
die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

run() {
	rc=0
	"$@" || rc=$?
	case $rc in
	0) ;;
	1) echo "${0##*/}: $1: found something (exit 1), see its records" >&2 ;;
	3) echo "${0##*/}: warning: $1: incomplete (exit 3), see its records" >&2 ;;
	*) echo "${0##*/}: $1 failed (exit $rc)" >&2; exit "$rc" ;;
	esac
	return 0
}
