/*
 * tool: what every irkit tool shares and libir must not do: report, exit,
 * handle signals, draw progress, find the kit's data files.
 */
#ifndef IR_TOOL_H
#define IR_TOOL_H

#include <signal.h>
#include <stdint.h>

#include <ir.h>

#ifndef __dead
#define __dead	__attribute__((__noreturn__))

#endif

/* Exit statuses, the same in every tool and man page. */
enum ir_exit {
	IR_EXIT_OK = 0,		/* complete, nothing found */
	IR_EXIT_FOUND = 1,	/* complete, something found */
	IR_EXIT_USAGE = 2,	/* usage or setup error, nothing done */
	IR_EXIT_INCOMPLETE = 3,	/* an input unreadable or interrupted */
};

extern volatile sig_atomic_t tool_stop;	/* set by SIGINT/SIGTERM */

void		 tool_setprogname(const char *argv0);
const char	*tool_progname(void);
void		 tool_warnx(const char *fmt, ...)
		    __attribute__((__format__(printf, 1, 2)));
__dead void	 tool_die(int status, const char *fmt, ...)
		    __attribute__((__format__(printf, 2, 3)));
/* Print "progname: msg" and "Try 'progname --help'." and exit 2. */
__dead void	 tool_usage_error(const char *fmt, ...)
		    __attribute__((__format__(printf, 1, 2)));
__dead void	 tool_version(void);
/* Catch SIGINT and SIGTERM into tool_stop; raise the open-file limit. */
void		 tool_setup(void);
/* "10M", "2G", "512" to bytes; -1 on error. */
int		 tool_parse_size(const char *, uint64_t *);
/* The kit's magic.mgc next to the executable, or NULL for the default. */
const char	*tool_magic_db(void);
/*
 * The kit's catalog/ (share/catalog beside bin/, share/irkit/catalog when
 * installed, the source tree's catalog/ for build/bin), or NULL.
 * IRKIT_CATALOG overrides them.
 */
const char	*tool_catalog_dir(void);
/* Draw the progress line on stderr if it is a terminal; done ends it. */
void		 tool_progress(const struct ir_progress *, const char *unit,
		    int done);
/* Combine exit statuses: 3 wins over 1, which wins over 0. */
int		 tool_status(int a, int b);

/*
 * -o FILE: never overwrite an earlier result (evidence); an existing
 * non-regular file such as /dev/null is fine.  Exits 2 on error; *created
 * (may be NULL) says whether the file is new, so a run that does nothing
 * can remove it again.
 */
int		 tool_create_output(const char *path, int *created);
FILE		*tool_open_output(const char *path);

/*
 * --case DIR, --case-id ID, --examiner NAME: taken by every tool that
 * writes into a case.  Put TOOL_CASE_LONGOPTS in the getopt_long table
 * and call tool_case_opt from the switch's default branch.
 */
struct tool_case_opts {
	const char	*dir;		/* NULL: no --case */
	const char	*id;
	const char	*examiner;
};

enum {				/* beyond any short option */
	TOOL_OPT_CASE = 0x100,
	TOOL_OPT_CASE_ID,
	TOOL_OPT_EXAMINER,
};

#define TOOL_CASE_LONGOPTS						\
	{ "case",		required_argument,	NULL, TOOL_OPT_CASE },	\
	{ "case-id",		required_argument,	NULL, TOOL_OPT_CASE_ID }, \
	{ "examiner",		required_argument,	NULL, TOOL_OPT_EXAMINER }

/* Store arg if ch is one of those three options: 1 if it was, else 0. */
int		 tool_case_opt(struct tool_case_opts *, int ch,
		    const char *arg);

/* --case DIR: a tool's output file inside the case and its custody entry. */
struct tool_case {
	struct ir_case	*c;
	char		*out;		/* relative to the case directory */
	struct ir_time	 started;
	int		 argc;
	char		**argv;
};

/* Open (creating) the case and a new output file there; exits 2 on error. */
FILE		*tool_case_open(struct tool_case *,
		    const struct tool_case_opts *, const char *ext, int argc,
		    char **argv);
/* Log the action in the custody chain; returns the exit status to use. */
int		 tool_case_close(struct tool_case *, int status, int complete);
/*
 * --case DIR for a tool that writes a directory of outputs, sub: taken in
 * the case when relative, it must lie inside it.  Opens (creating) the case
 * without an output file; returns sub's path relative to the case (the
 * caller frees it).  Exits 2 on error.
 */
char		*tool_case_open_dir(struct tool_case *,
		    const struct tool_case_opts *, const char *sub, int argc,
		    char **argv);
/* More outputs for the custody entry, gathered as the tool writes them. */
struct tool_outputs {
	struct ir_buf	 b;		/* "path\0sha256 hex or \"\"\0" each */
	size_t		 n;
};
#define TOOL_OUTPUTS_INIT	{ IR_BUF_INIT(IR_BUF_NOLIMIT), 0 }
/*
 * dir/name (dir NULL: name), relative to the case, with the SHA-256 hex of
 * what the tool wrote (NULL: the log hashes the file).  Exits when out of
 * memory.
 */
void		 tool_outputs_add(struct tool_outputs *, const char *dir,
		    const char *name, const char *sha256);
/* tool_case_close naming these too (o may be NULL); frees o's list. */
int		 tool_case_close_with(struct tool_case *, int status,
		    int complete, struct tool_outputs *o);

/*
 * The custody log names each output in JSON, which carries UTF-8 only:
 * s (freed) with each byte of it that is not UTF-8 as "%XX", or NULL when
 * out of memory.  The tool's records keep the name as it was.
 */
char		*tool_utf8_name(char *s);

#endif
