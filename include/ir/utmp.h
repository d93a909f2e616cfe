/*
 * utmp: a native reader of Linux utmp, wtmp and btmp files (who is on,
 * who logged in and out, reboots, failed logins), so that ir-live need
 * not trust the host's who/last/lastb nor glibc's utmp functions.
 *
 * The format is glibc's struct utmp as x86-64 and aarch64 write it:
 * 384-byte little-endian records.  Fields are read at fixed offsets, so
 * the result does not depend on the host that reads the file.
 */
#ifndef IR_UTMP_H
#define IR_UTMP_H

#include <stddef.h>
#include <stdint.h>

#include "ir/file.h"

struct ir_err;

#define IR_UTMP_RECSIZE		384
/* Largest file (after gunzip) read by ir_utmp_read_file: 2.8M records. */
#define IR_UTMP_MAXSIZE		(1ULL << 30)

/* ut_type values (glibc <bits/utmp.h>). */
enum ir_utmp_type {
	IR_UTMP_EMPTY,
	IR_UTMP_RUN_LVL,
	IR_UTMP_BOOT_TIME,
	IR_UTMP_NEW_TIME,
	IR_UTMP_OLD_TIME,
	IR_UTMP_INIT_PROCESS,
	IR_UTMP_LOGIN_PROCESS,
	IR_UTMP_USER_PROCESS,
	IR_UTMP_DEAD_PROCESS,
	IR_UTMP_ACCOUNTING,
};

/*
 * One record.  The strings are the fixed-size fields cut at their first
 * NUL (or whole when they have none), always NUL-terminated here; their
 * bytes are kept as they are, which need not be UTF-8.
 */
struct ir_utmp_rec {
	int		 type;		/* ut_type as stored */
	const char	*type_name;	/* "USER_PROCESS" ..., "UNKNOWN" */
	int32_t		 pid;
	char		 line[33];	/* "pts/0", "~" for reboot records */
	char		 id[5];
	char		 user[33];	/* "reboot", "runlevel", a login name */
	char		 host[257];	/* remote host, or kernel version */
	int16_t		 exit_term;	/* ut_exit.e_termination */
	int16_t		 exit_exit;	/* ut_exit.e_exit */
	int32_t		 session;
	/*
	 * ut_tv (32-bit seconds and microseconds); valid is 0 when both
	 * are 0.  Microseconds outside 0..999999 are dropped (nsec 0).
	 */
	struct ir_time	 tv;
	char		 addr[46];	/* ut_addr_v6 as text; "" when zero */
	uint64_t	 offset;	/* of the record in the file */
};

/*
 * Called per record; the record is only valid during the call.  A return
 * other than IR_OK (0) stops the parse, which returns that value (e is
 * then left as the callback filled it, if it did).
 */
typedef int	(*ir_utmp_fn)(const struct ir_utmp_rec *, void *arg);

/*
 * Parse n bytes of records, calling fn for each complete one.  A trailing
 * partial record is IR_EFORMAT, naming its offset, after fn has seen
 * every complete record before it.
 */
int		 ir_utmp_parse(const void *buf, size_t n, ir_utmp_fn fn,
		    void *arg, struct ir_err *e);
/*
 * Read path (opened as evidence) and parse it; a gzip file (a rotated
 * "wtmp.1.gz") is gunzipped first.  More than IR_UTMP_MAXSIZE bytes is
 * IR_ELIMIT; corrupt or truncated gzip data is IR_EFORMAT after the
 * records that could be recovered before it.
 */
int		 ir_utmp_read_file(const char *path, ir_utmp_fn fn, void *arg,
		    struct ir_err *e);
/* "USER_PROCESS" ... for a ut_type, "UNKNOWN" for others. */
const char	*ir_utmp_type_name(int type);

#endif
