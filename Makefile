# irkit: the only build entry.  GNU make.
#   make            build libir.a and the tools into $(B)/
#   make check      install missing packages, build, run every test
#   make kit        statically linked tools, magic database, launcher in kit/
#   make install    PREFIX=/usr/local by default
include config.mk

B       ?= build
# Every tools/ir-*.c is a tool; every libir/*.c a module of libir.a.
TOOLS    = $(sort $(patsubst tools/%.c,%,$(wildcard tools/ir-*.c)))
MODULES  = $(sort $(patsubst libir/%.c,%,$(wildcard libir/*.c)))
LIBOBJ   = $(MODULES:%=$(B)/libir/%.o)
# The tools' shared code: every other tools/*.c.
TOOLSRC  = $(filter-out tools/ir-%.c,$(wildcard tools/*.c))
TOOLOBJ  = $(TOOLSRC:tools/%.c=$(B)/tools/%.o)
# An archive: a tool links only the shared code it uses.
TOOLLIB  = $(B)/tools/libtools.a
UNITS    = $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS  = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
TESTTOOLS = $(patsubst tests/tools/%.c,%,$(wildcard tests/tools/*.c))
HEADERS  = $(wildcard include/ir/*.h) include/ir.h
DEPSOK   = build/.deps-ok

all: $(B)/libir.a $(TOOLS:%=$(B)/bin/%)

# Packages first: every compile waits for this (order-only).
$(DEPSOK): scripts/deps.sh
	@mkdir -p build
	sh scripts/deps.sh
	@touch $@
deps:
	sh scripts/deps.sh

$(B)/libir/%.o: libir/%.c $(wildcard libir/*.h) $(HEADERS) | $(DEPSOK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

$(B)/libir.a: $(LIBOBJ)
	$(AR) rcs $@ $(LIBOBJ)

$(B)/tools/%.o: tools/%.c $(wildcard tools/*.h) $(HEADERS) | $(DEPSOK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(TOOLLIB): $(TOOLOBJ)
	$(AR) rcs $@ $(TOOLOBJ)

$(B)/bin/%: $(B)/tools/%.o $(TOOLLIB) $(B)/libir.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TOOLLIB) $(B)/libir.a $(DEP_LIBS)


# Unit tests: one cmocka program per libir module.
$(B)/tests/unit/%: tests/unit/test_%.c tests/unit/unit.h $(B)/libir.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) -Itests/unit -DIR_SRCDIR=\"$(CURDIR)\" \
	    -o $@ $< $(B)/libir.a \
	    $(DEP_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)
unit: $(UNITS:%=$(B)/tests/unit/%) $(TESTTOOLS:%=$(B)/tests/tools/%)

# Programs the tests run (a FUSE file system with bad sectors ...).
$(B)/tests/tools/%: tests/tools/%.c | $(DEPSOK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags fuse3) -o $@ $< \
	    $(shell $(PKG_CONFIG) --libs fuse3)

# libFuzzer harnesses, always with clang and the sanitizers.
# libir is built once, instrumented, and every harness links it.
FUZZ_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_CC     = clang -std=gnu11 $(IR_CPPFLAGS) \
	      $(filter-out -Wno-format-truncation,$(WARN)) $(FUZZ_CFLAGS)
build/fuzz-obj/%.o: libir/%.c $(wildcard libir/*.h) $(HEADERS) | $(DEPSOK)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer-no-link $(DEP_CFLAGS) -c -o $@ $<
build/fuzz-obj/libir.a: $(MODULES:%=build/fuzz-obj/%.o)
	$(AR) rcs $@ $^
build/fuzz/%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) build/fuzz-obj/libir.a
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer $(DEP_CFLAGS) -o $@ $< \
	    build/fuzz-obj/libir.a $(DEP_LIBS)
fuzz: $(FUZZERS:%=build/fuzz/%)

SAN_CFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
asan:
	$(MAKE) B=build/asan CC=clang CFLAGS="$(SAN_CFLAGS)" all unit

# The builds of check use every core (the tests then run one at a time).
JOBS = $(shell nproc 2>/dev/null || echo 2)
check: $(DEPSOK)
	$(MAKE) -j$(JOBS) all unit
	$(MAKE) -j$(JOBS) asan
	$(MAKE) -j$(JOBS) fuzz
	$(MAKE) -j$(JOBS) kit
	sh tests/run.sh

# The USB kit: static binaries, the magic database, a launcher.
KIT_CFLAGS = -O2 -g0
KIT_TOOLOBJ = $(TOOLSRC:tools/%.c=build/kit/tools/%.o)
# libmagic's default compiled database: the one libmagic.a reads.
KIT_MAGIC  = /usr/share/misc/magic.mgc
KIT_TSK_A  = $(shell $(CC) -print-file-name=libtsk.a)
KIT_SH     = /bin/busybox
kit: $(DEPSOK)
	$(MAKE) B=build/kit CFLAGS="$(KIT_CFLAGS)" build/kit/libir.a \
	    $(TOOLS:%=build/kit/tools/%.o) $(KIT_TOOLOBJ) \
	    build/kit/tools/libtools.a
	$(MAKE) kit-link
# Pull in image, file system and YARA code now, so the kit is known to
# link whole before any tool calls it (libtsk's AFF support is the stub).
KIT_LINK_ALL = -Wl,-u,tsk_img_open_sing -Wl,-u,tsk_fs_open_img \
	       -Wl,-u,tsk_vs_open -Wl,-u,yr_compiler_create \
	       -Wl,-u,yr_rules_scan_mem -Wl,-u,libewf_handle_open
# What needs NSS, iconv modules or dlopen() at run time: never in our code.
KIT_NSS = getpw getgr getspnam getlogin initgroups getaddrinfo getnameinfo \
	  gethostby getservby getprotoby getnetby dlopen dlmopen iconv_open
KIT_SP := $(subst ,, )
# The glibc warnings a static link may print, all from libcrypto.a, none
# reached: dlopen (DSO loading: ir_hash_new turns off openssl.cnf, which
# is what could name a module) and getaddrinfo, gethostbyname (socket
# BIOs, unused).  Any other warning fails the kit until it is understood.
KIT_WARN_OK = dlopen|getaddrinfo|gethostbyname
kit-link: build/kit/afflib_stub.o
	@# The afflib stand-ins are exactly what libtsk.a leaves undefined.
	nm --defined-only $(KIT_TSK_A) 2>/dev/null | awk 'NF == 3 { print $$3 }' | \
	    sort -u > build/kit/tsk.defined
	nm -u $(KIT_TSK_A) 2>/dev/null | awk '$$2 ~ /^af/ { print $$2 }' | \
	    sort -u | comm -23 - build/kit/tsk.defined > build/kit/afflib.wanted
	nm --defined-only build/kit/afflib_stub.o | \
	    awk '$$2 == "T" { print $$3 }' | sort -u > build/kit/afflib.stubbed
	diff build/kit/afflib.wanted build/kit/afflib.stubbed || \
	    { echo "kit: tools/kit/afflib_stub.c does not match libtsk.a" >&2; \
	    exit 1; }
	@# None of our objects needs NSS or dlopen at run time.
	! nm -u build/kit/libir.a $(TOOLS:%=build/kit/tools/%.o) \
	    $(KIT_TOOLOBJ) | awk '{ print $$2 }' | \
	    grep -E '^($(subst $(KIT_SP),|,$(strip $(KIT_NSS))))' || \
	    { echo "kit: our code calls the above: not in a static binary" >&2; \
	    exit 1; }
	@# All of libtsk.a and libyara.a resolves (a throw-away link).
	$(CC) -static -o build/kit/whole.out $(firstword \
	    $(TOOLS:%=build/kit/tools/%.o)) $(KIT_TOOLOBJ) \
	    build/kit/libir.a build/kit/afflib_stub.o -Wl,--whole-archive \
	    -ltsk -lyara -Wl,--no-whole-archive $(STATIC_LIBS) \
	    2>build/kit/whole.log || { cat build/kit/whole.log >&2; exit 1; }
	rm -f build/kit/whole.out
	rm -rf kit
	mkdir -p kit/bin kit/share
	for t in $(TOOLS); do \
	    $(CC) -static -o kit/bin/$$t build/kit/tools/$$t.o \
	    build/kit/tools/libtools.a build/kit/libir.a \
	    build/kit/afflib_stub.o \
	    $(KIT_LINK_ALL) $(STATIC_LIBS) 2>build/kit/link.log; rc=$$?; \
	    cat build/kit/link.log >&2; [ $$rc -eq 0 ] || exit 1; \
	    if grep -o "warning: Using '[a-z_0-9]*'" build/kit/link.log | \
	    grep -vE "'($(KIT_WARN_OK))'"; then \
	    echo "kit: $$t: a new glibc static-link warning" >&2; exit 1; fi; \
	    done
	cp $(KIT_MAGIC) kit/share/magic.mgc
	@# Playbooks run on the kit's own static shell (busybox-static: its
	@# applets come before PATH, so no host binary is ever run).
	cp $(KIT_SH) kit/bin/sh
	mkdir -p kit/playbooks kit/share/rules
	cp playbooks/*.sh kit/playbooks/
	cp rules/*.yar kit/share/rules/
	if [ -d catalog ]; then cp -R catalog kit/share/catalog; fi
	cp tools/kit/irkit kit/irkit
	chmod 755 kit/irkit
build/kit/afflib_stub.o: tools/kit/afflib_stub.c | $(DEPSOK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(KIT_CFLAGS) -c -o $@ $<

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/ir $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man7
	install -m 755 $(TOOLS:%=$(B)/bin/%) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(B)/libir.a $(DESTDIR)$(PREFIX)/lib
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@DEPS@|$(DEPS)|' irkit.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/irkit.pc
	install -m 644 include/ir.h $(DESTDIR)$(PREFIX)/include
	install -m 644 include/ir/*.h $(DESTDIR)$(PREFIX)/include/ir
	install -m 644 man/*.1 $(DESTDIR)$(MANPREFIX)/man1
	install -m 644 man/*.7 $(DESTDIR)$(MANPREFIX)/man7
	install -d $(DESTDIR)$(PREFIX)/share/irkit/catalog
	install -m 644 catalog/*.json $(DESTDIR)$(PREFIX)/share/irkit/catalog

lint:
	mandoc -Tlint -Wwarning man/*.1 man/*.7

clean:
	rm -rf build kit

.PHONY: all deps unit fuzz asan check kit kit-link install lint clean
.SECONDARY:

# The README's main job: a live response of this host into a verified
# package cases/<host>-<UTC time>.tar.gz (and its case directory).
# Exit 1 (something found) and 3 (something could not be read) still give
# a verified package: said, not a failed make.
triage: all
	@rc=0; sh playbooks/live-response.sh \
	    "$$(cat /proc/sys/kernel/hostname)-$$(date -u +%Y%m%dT%H%M%SZ)" \
	    cases || rc=$$?; \
	case $$rc in \
	0) ;; \
	1) echo "triage: something was found: see the finding and match records" >&2 ;; \
	3) echo "triage: some of the host could not be read: see the problem records" >&2 ;; \
	*) exit $$rc ;; \
	esac
.PHONY: triage
