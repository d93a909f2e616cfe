/*
 * yara: content rules through libyara, behind one interface so that a
 * later engine (YARA-X, a newer libyara) drops in.  Rules come from .yar
 * files, directories of them, source text, or a compiled ruleset; every
 * external that public rule sets use (filename, filepath, extension,
 * filetype, owner) is defined before any rule is added and set per scan.
 * One compiled ruleset is shared by all threads; each thread scans with
 * its own scanner.  Evidence is always scanned from irkit's own buffers
 * (yr_scanner_scan_mem, SCAN_FLAGS_NO_TRYCATCH): libyara 4.2 swaps the
 * process-wide SIGBUS/SIGSEGV handlers around mapped-file scans (#818).
 */
#ifndef IR_YARA_H
#define IR_YARA_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_rules;
struct ir_scanner;

/* Loading. */
struct ir_rules_opts {
	int		 skip_bad;	/* drop files that fail, keep the rest */
	/* Called for each file that failed (skip_bad) or each warning. */
	void		(*on_problem)(const char *file, int line,
			    const char *msg, int is_warning, void *arg);
	void		*arg;
};

struct ir_rules_builder;

int	 ir_rules_builder_new(struct ir_rules_builder **,
	    const struct ir_rules_opts *, struct ir_err *);
/*
 * Add a .yar file, or every *.yar / *.yara file under a directory (sorted,
 * recursively).  Each file is first test-compiled on its own (a failed
 * compile poisons a libyara compiler): IR_EFORMAT names the file and line
 * of the first error unless skip_bad.  ns: the namespace (NULL: default).
 */
int	 ir_rules_builder_add_path(struct ir_rules_builder *, const char *path,
	    const char *ns, struct ir_err *);
/* Add rules from source text; name is for messages. */
int	 ir_rules_builder_add_string(struct ir_rules_builder *,
	    const char *src, const char *name, const char *ns, struct ir_err *);
/* The ruleset; the builder is freed either way. */
int	 ir_rules_builder_finish(struct ir_rules_builder *, struct ir_rules **,
	    struct ir_err *);
/* Give up on a builder without a ruleset (after a failed add). */
void	 ir_rules_builder_free(struct ir_rules_builder *);
/* A compiled ruleset (yarac, or ir_rules_save). */
int	 ir_rules_load(struct ir_rules **, const char *path, struct ir_err *);
int	 ir_rules_save(const struct ir_rules *, const char *path,
	    struct ir_err *);
/* Load path as compiled if it is, else as source (file or directory). */
int	 ir_rules_open(struct ir_rules **, const char *path,
	    const struct ir_rules_opts *, struct ir_err *);
void	 ir_rules_free(struct ir_rules *);
unsigned ir_rules_count(const struct ir_rules *);

/* Scanning: one scanner per thread. */
struct ir_scan_vars {
	const char	*filename;	/* "evil.exe" */
	const char	*filepath;	/* "/tmp/x/evil.exe" */
	const char	*extension;	/* "exe" (lower case, no dot), "" */
	const char	*filetype;	/* "EXE", "ELF", "PDF" ... as Loki, "" */
	const char	*owner;		/* "root", "" */
};

struct ir_match_string {
	const char	*id;		/* "$s1" */
	uint64_t	 offset;
	const unsigned char *data;	/* up to IR_MATCH_EXCERPT bytes */
	size_t		 len;
};

struct ir_match_meta {
	const char	*key;
	const char	*str;		/* string meta, else NULL */
	int64_t		 num;		/* integer or boolean meta */
	int		 is_bool;
};

#define IR_MATCH_EXCERPT	32	/* bytes kept per matched string */
#define IR_MATCH_MAXSTRINGS	16	/* strings reported per rule */

struct ir_match {
	const char		*rule;
	const char		*ns;
	const char		**tags;		/* NULL-terminated */
	const struct ir_match_meta *meta;
	size_t			 nmeta;
	const struct ir_match_string *strings;
	size_t			 nstrings;
	size_t			 nstrings_total;	/* before the cap */
};

/* Called for each matching rule, during ir_scanner_scan; 0 to go on. */
typedef int	(*ir_match_fn)(const struct ir_match *, void *arg);

int	 ir_scanner_new(struct ir_scanner **, const struct ir_rules *,
	    struct ir_err *);
void	 ir_scanner_free(struct ir_scanner *);
/* Seconds before a scan gives up (0: none): IR_ELIMIT then. */
void	 ir_scanner_set_timeout(struct ir_scanner *, int seconds);
/*
 * From another thread: end the scan running on this scanner within about
 * 4 KiB of data (IR_EINTR), and fail every later one the same way.
 */
void	 ir_scanner_cancel(struct ir_scanner *);
/* Scan one buffer with these externals; matches go to fn. */
int	 ir_scanner_scan(struct ir_scanner *, const void *buf, size_t n,
	    const struct ir_scan_vars *, ir_match_fn fn, void *arg,
	    struct ir_err *);

/* The Loki-style file type of a buffer's start: "EXE", "ELF", ... or "". */
const char *ir_yara_filetype(const void *buf, size_t n);

#endif
