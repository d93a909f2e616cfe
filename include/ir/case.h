/*
 * case: a case directory.  case.json records the case id, examiner, host,
 * clock and tool version; custody.jsonl is a hash-chained log with one
 * entry per action (tool, argv, times, exit status, completeness, and the
 * size and SHA-256 of every output it wrote).  Each entry carries the
 * SHA-256 of the line before it (the first, of case.json), so removing,
 * reordering or editing an entry, or editing case.json, breaks the chain.
 */
#ifndef IR_CASE_H
#define IR_CASE_H

#include <stddef.h>

#include "ir/file.h"

struct ir_err;
struct ir_case;

struct ir_case_meta {
	const char	*case_id;	/* NULL: the directory's name */
	const char	*examiner;	/* NULL: "unknown" */
	const char	*tool;		/* "ir-walk" */
	const char	*version;
};

struct ir_custody_entry {
	const char	*tool;
	const char	*version;
	int		 argc;
	char *const	*argv;
	struct ir_time	 started, ended;
	int		 status;	/* the tool's exit status */
	int		 complete;	/* 0: the outputs are partial */
	const char *const *outputs;	/* paths relative to the case dir,
					   subdirectories too; UTF-8 */
	/*
	 * NULL, or each output's SHA-256 as 64 hex digits, taken by the
	 * caller as it wrote it (a NULL element: hash that one): logging
	 * then need not read gigabytes of copies again.
	 */
	const char *const *sha256;
	size_t		 noutputs;
};

/* Open dir as a case, creating it (mode 0700) and case.json if needed. */
int	 ir_case_open(struct ir_case **, const char *dir,
	    const struct ir_case_meta *, struct ir_err *);
void	 ir_case_close(struct ir_case *);
const char *ir_case_dir(const struct ir_case *);
/*
 * Create a new output file "<tool>-<UTC time>.<ext>" (never an existing
 * one) in the case; *fd is open for writing, *relpath is the name inside
 * the case (the caller frees it).
 */
int	 ir_case_output(struct ir_case *, const char *tool, const char *ext,
	    int *fd, char **relpath, struct ir_err *);
/*
 * Hash the outputs (or take the given digests and only their sizes) and
 * append a chained custody entry.  Every output must be a regular file
 * inside the case, named by a relative path without "..".
 */
int	 ir_case_log(struct ir_case *, const struct ir_custody_entry *,
	    struct ir_err *);

/*
 * Check a custody log (its bytes) against the SHA-256 hex of case.json:
 * every line parses, seq counts up from 1, each prev matches.  *nentries
 * gets the count of good entries.
 */
int	 ir_custody_verify_mem(const char *buf, size_t n,
	    const char *case_sha256, size_t *nentries, struct ir_err *);
/* The same for a case directory, also checking every output's hash. */
int	 ir_case_verify(const char *dir, size_t *nentries, struct ir_err *);

#endif
