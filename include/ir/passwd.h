/*
 * passwd: the accounts of a host as its /etc/passwd says, parsed from the
 * bytes (never through NSS: on a compromised host a module or an
 * nsswitch.conf may lie, and a static binary has no NSS anyway).
 *
 * The file is untrusted: a line that is not seven ':'-separated fields
 * with numeric uid and gid is skipped and counted, never fatal, so that
 * one planted bad line cannot hide the accounts after it.  NIS "+" and
 * "-" lines are counted as skipped too.
 */
#ifndef IR_PASSWD_H
#define IR_PASSWD_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

struct ir_pwent {
	char		*name;
	char		*passwd;	/* "x", "*", "" (no password!) ... */
	uint32_t	 uid, gid;
	char		*gecos;
	char		*home;
	char		*shell;
	size_t		 line;		/* 1-based line number */
};

/*
 * Parse n bytes.  *bad (may be NULL) gets the number of lines skipped,
 * *first_bad (may be NULL) the number of the first of them (0: none).
 * Fields may hold any byte but ':' and '\n' (NUL included: the strings
 * are cut there, as the C library would).  IR_ENOMEM only.
 */
int	 ir_passwd_parse(const char *buf, size_t n, struct ir_pwent **,
	    size_t *count, size_t *bad, size_t *first_bad, struct ir_err *);
void	 ir_passwd_free(struct ir_pwent *, size_t);

#endif
