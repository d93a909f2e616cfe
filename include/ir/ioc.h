/*
 * ioc: indicators of compromise in the formats Loki and THOR use, loaded
 * as they are: hash lists (see ir/hashset.h: "hash;comment" lines), file
 * name patterns ("REGEX;SCORE[;FALSE-POSITIVE-REGEX]", Python-style regular
 * expressions turned into POSIX extended ones), and keyword and C2 lists
 * (one string a line), which become YARA rules for the content scan.
 */
#ifndef IR_IOC_H
#define IR_IOC_H

#include <stddef.h>

struct ir_err;
struct ir_buf;
struct ir_names;

/* File name patterns. */
int	 ir_names_new(struct ir_names **, struct ir_err *);
void	 ir_names_free(struct ir_names *);
/*
 * Load a filename-iocs file (buf, n bytes; name for messages).  A line
 * whose pattern cannot be translated or compiled is IR_EFORMAT naming the
 * file and line, unless skip_bad (then counted in *skipped).
 */
int	 ir_names_load(struct ir_names *, const char *buf, size_t n,
	    const char *name, int skip_bad, size_t *skipped, struct ir_err *);
size_t	 ir_names_count(const struct ir_names *);

struct ir_name_hit {
	const char	*pattern;	/* as written in the file */
	int		 score;
	const char	*comment;	/* the "# ..." line above it, or NULL */
	const char	*source;	/* the file's name */
	int		 line;
};

/*
 * Patterns matching path (bytes; '/'-separated): each is tried against the
 * path as it is and with '/' as '\\' (Windows-style IOCs against images of
 * Windows file systems), and dropped when its false-positive pattern
 * matches.  A pattern that names '\\' (Windows') is tried on the second
 * form only, one that names '/' on the first only: "[^\\]" must not step
 * over a '/'.  Calls fn for each hit, in file order; returns the hit count.
 * Thread-safe (regexec only).
 */
size_t	 ir_names_match(const struct ir_names *, const char *path,
	    void (*fn)(const struct ir_name_hit *, void *), void *arg);

/*
 * Keyword or C2 lists (one string a line, '#' comments) to YARA source: one
 * rule per list, named rule_name, with every string as a text string
 * (ascii wide nocase) and "any of them"; the list's name and its string
 * count in the rule's meta, the line of each string in a comment after it.
 * Strings are taken as written, but for a trailing ";NN" (a score, as in
 * Loki's C2 list: noted in the comment).  A list of more than 350 strings
 * becomes rules rule_name, rule_name_2 ... (meta part = 2 ...): libyara
 * warns about a rule of more than 12000 atoms.  A list with no string
 * gives a rule whose condition is false.  Appended to out (left as it was
 * on error); *count (may be NULL) gets the number of strings.
 */
int	 ir_keywords_to_yara(const char *buf, size_t n, const char *name,
	    const char *rule_name, struct ir_buf *out, size_t *count,
	    struct ir_err *);

#endif
