# irkit build configuration; override on the command line (make CC=clang).
VERSION    = 0.1.0
PREFIX     = /usr/local
MANPREFIX  = $(PREFIX)/share/man
PKG_CONFIG = pkg-config
CC         = cc
DEPS       = libcrypto libmagic jansson tsk libewf zlib yara libarchive

# Deferred (=): the packages may be installed by scripts/deps.sh during
# this very make run, before the first compile needs them.
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DEPS))
DEP_LIBS   = $(shell $(PKG_CONFIG) --libs $(DEPS)) -lpthread
# Static kit: afflib is replaced by tools/kit/afflib_stub.c (see there).
# libarchive: ir-verify reads only tar and gzip, so no other codec is pulled in.
STATIC_LIBS = -larchive -ltsk -lewf -lvmdk -lvhdi -lbfio -lyara -lmagic -ljansson \
	      -lcrypto -llzma -lbz2 -lz -lsqlite3 -lstdc++ -lm -lpthread -ldl

CFLAGS     = -O2 -g
WARN       = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wvla \
	     -Wformat=2 -Wno-format-nonliteral
# gcc only: messages are cut to their buffers on purpose.
WARN      += $(if $(shell $(CC) --version 2>/dev/null | grep -i clang),,-Wno-format-truncation)
IR_CPPFLAGS = -Iinclude -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	      -DIR_VERSION=\"$(VERSION)\"
ALL_CFLAGS = -std=gnu11 $(IR_CPPFLAGS) $(WARN) $(CFLAGS)
