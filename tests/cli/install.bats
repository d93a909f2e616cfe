#!/usr/bin/env bats
# make install: tools, man pages, and a libir that a program can build on.

load common

@test "make install PREFIX=...: a program links libir through irkit.pc" {
	[ "${IRKIT_SANITIZED:-0}" = 1 ] && skip "installs the normal build"
	irkit_setup
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	prefix=$BATS_TEST_TMPDIR/prefix
	make -s -C "$top" install PREFIX="$prefix" >/dev/null
	[ -x "$prefix/bin/ir-walk" ]
	[ -f "$prefix/share/man/man1/ir-walk.1" ]
	[ -f "$prefix/share/man/man7/irkit.7" ]
	# The installed ir-collect finds the installed catalogue.
	[ "$("$prefix/bin/ir-collect" --list | jq -s length)" -eq \
	    "$(cat "$top"/catalog/*.json | jq -s '[.[].artifacts[]] | length')" ]
	grep -q "^prefix=$prefix\$" "$prefix/lib/pkgconfig/irkit.pc"
	cat > prog.c <<-'C'
	#include <stdio.h>
	#include <ir.h>
	int
	main(void)
	{
		struct ir_hash *h;
		struct ir_digest d;
		char hex[65];

		if (ir_hash_new(&h, IR_HASH_BIT(IR_HASH_SHA256), 0, NULL) != IR_OK ||
		    ir_hash_update(h, "abc", 3, NULL) != IR_OK ||
		    ir_hash_final(h, &d, NULL) != IR_OK)
			return 1;
		ir_digest_hex(&d, IR_HASH_SHA256, hex);
		printf("%s %s\n", ir_version(), hex);
		ir_hash_free(h);
		return 0;
	}
	C
	export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
	cc -o prog prog.c $(pkg-config --cflags irkit) \
	    $(pkg-config --libs irkit)
	run -0 ./prog
	[ "$output" = "0.1.0 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ]
	run -0 "$prefix/bin/ir-walk" --version
}
