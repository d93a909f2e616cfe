# Shared by every playbook (POSIX sh, sourced after setting $here).
#
# A playbook takes a case id, an output directory and rules; it builds the
# case directory OUTDIR/CASE_ID with the tools (each logs its action in the
# case's custody chain), seals it into OUTDIR/CASE_ID.tar.gz (.age when
# encrypted) with ir-pack, checks the package with ir-verify, and prints
# where it is.  Exit: 0 done, nothing found; 1 done, something found; 2
# usage or setup error; 3 a step was incomplete (the package still holds
# what the others gathered).

here=${here:?set here before sourcing lib.sh}
pb=${0##*/}
status=0

die() {
	echo "$pb: $*" >&2
	exit 2
}

say() {
	echo "$pb: $*" >&2
}

# The tools: the kit's bin/ next to playbooks/, else a build tree's.
if [ -n "${IRKIT_BIN:-}" ]; then
	bin=$IRKIT_BIN
elif [ -x "$here/../bin/ir-walk" ]; then
	bin=$here/../bin
else
	bin=$here/../build/bin
fi
[ -x "$bin/ir-walk" ] || die "no irkit tools in $bin (run make first)"
# Starter rules: the kit's share/rules, or the source tree's rules/.
if [ -d "$here/../share/rules" ]; then
	default_rules=$here/../share/rules
else
	default_rules=$here/../rules
fi

# run TOOL ARGS...: exit 1 ("found") is a result, 3 (incomplete) is said
# and the playbook goes on; anything else aborts.
run() {
	t=$1
	shift
	rc=0
	"$bin/$t" "$@" || rc=$?
	case $rc in
	0) ;;
	1)
		say "$t: found something (exit 1), see its records"
		[ "$status" -eq 3 ] || status=1 ;;
	3)
		say "warning: $t: incomplete (exit 3), see its records"
		status=3 ;;
	*)
		say "$t failed (exit $rc)"
		exit "$rc" ;;
	esac
	return 0
}

# case_run TOOL ARGS...: run TOOL writing into the case.
case_run() {
	t=$1
	shift
	run "$t" --case "$case_dir" --case-id "$case_id" \
	    ${examiner:+--examiner "$examiner"} "$@"
}

# parse_common OPT ARG: the options every playbook takes, into variables;
# 1 when OPT is not one of them.
#   -r RULES  -R RECIPIENT (repeatable)  -e EXAMINER
rules=
recipients=
examiner=
parse_common() {
	case $1 in
	-r) rules=$2 ;;
	-R) recipients="$recipients --recipient $2" ;;
	-e) examiner=$2 ;;
	*) return 1 ;;
	esac
}

# start_case CASE_ID OUTDIR: check the operands, make OUTDIR, set $case_dir,
# $case_id and $pkg.
start_case() {
	case $1 in
	"" | */* | . | ..) die "bad case id '$1': a name, no '/'" ;;
	esac
	[ -n "$2" ] || die "no output directory"
	[ -n "$rules" ] || rules=$default_rules
	[ -e "$rules" ] || die "no rules at $rules"
	case_id=$1
	mkdir -p "$2" || die "cannot make $2"
	out_dir=$(cd "$2" && pwd) || die "cannot enter $2"
	case_dir=$out_dir/$case_id
	[ ! -e "$case_dir" ] || die "$case_dir exists: use a new case id"
	pkg=$out_dir/$case_id.tar.gz
	[ -z "$recipients" ] || pkg=$pkg.age
	[ ! -e "$pkg" ] || die "$pkg exists: use a new case id"
	# Temporary files (ir-timeline's sort runs) under OUTDIR too: the
	# host's /tmp is evidence, and a kit chroot may have none.
	TMPDIR=$out_dir/.$case_id.tmp
	export TMPDIR
	mkdir "$TMPDIR" || die "cannot make $TMPDIR"
	trap 'rm -rf "$TMPDIR"' EXIT
	trap 'exit 130' INT TERM
	say "case $case_id in $case_dir"
}

# newest TOOL: the name of TOOL's records in the case (each playbook runs
# a tool whose records it reads once: its one output).
newest() {
	n=
	for f in "$case_dir/$1"-*.jsonl; do
		[ -f "$f" ] && n=${f##*/}
	done
	echo "$n"
}

# seal: pack the case, verify the package, say where it is.
seal() {
	# shellcheck disable=SC2086
	run ir-pack $recipients -o "$pkg" "$case_dir"
	if [ -z "$recipients" ]; then
		run ir-verify "$pkg"
	fi
	say "package: $pkg"
	echo "$pkg"
	exit "$status"
}
