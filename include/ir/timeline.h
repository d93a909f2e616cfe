/*
 * timeline: mactime's job as a library.  Lines of irkit records (JSON
 * Lines) or mactime bodyfiles become entries; an entry becomes one event
 * per distinct time with its MACB letters; events are sorted with bounded
 * memory (sorted runs spilled to unlinked temporary files, merged on
 * read-out) and come back in mactime's order: time, then the bytes of
 * "inode,name", rows with the same key merged as mactime merges them.
 */
#ifndef IR_TIMELINE_H
#define IR_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

struct ir_buf;
struct ir_err;

#define IR_TL_M		0x1	/* modified */
#define IR_TL_A		0x2	/* accessed */
#define IR_TL_C		0x4	/* changed (metadata) */
#define IR_TL_B		0x8	/* born */

/*
 * One file as a timeline sees it: the bodyfile fields.  Strings are bytes
 * (not NUL-terminated), borrowed from the parser or sorter that filled
 * the entry and valid until its next call.  Times are seconds; 0 is a
 * bodyfile's "unknown", and an entry whose four times are 0 has no event.
 */
struct ir_tl_entry {
	const char	*name;		/* the timeline's file name, as fls
					   writes it: "/x (deleted)" */
	size_t		 namelen;
	const char	*path;		/* the record's own path; NULL: none */
	size_t		 pathlen;
	const char	*source;	/* NULL: none */
	size_t		 sourcelen;
	const char	*inode;		/* "12", NTFS "12-128-1" */
	size_t		 inodelen;
	const char	*mode;		/* TSK's "r/rrw-r--r--" */
	size_t		 modelen;
	uint64_t	 uid, gid, size;
	int64_t		 mtime, atime, ctime, crtime;
	int		 deleted;
};

/* One timeline row: a time, its MACB bits and the file. */
struct ir_tl_row {
	int64_t		 time;
	unsigned int	 macb;
	struct ir_tl_entry e;
};

/* Which times make events: [from, to), each bound only when set. */
struct ir_tl_range {
	int64_t		 from, to;
	int		 has_from, has_to;
};

struct ir_tl_parser;

int	 ir_tl_parser_new(struct ir_tl_parser **, struct ir_err *);
void	 ir_tl_parser_free(struct ir_tl_parser *);
/*
 * Parse one line (without its newline; a trailing CR is ignored).  A line
 * starting with '{' is an irkit record, any other a bodyfile line
 * (md5|name|inode|mode|uid|gid|size|atime|mtime|ctime|crtime: the name is
 * everything between the first field and the last nine, so it may hold
 * '|').  IR_OK: *en is filled; IR_ENOENT: nothing to take (blank, '#'
 * comment, bodyfile header, a record without path or times); IR_EFORMAT
 * with a message saying what is wrong.
 */
int	 ir_tl_parse_line(struct ir_tl_parser *, const char *line, size_t len,
	    struct ir_tl_entry *en, struct ir_err *);

/*
 * The events of en within r (NULL: all), grouped as mactime groups them:
 * one row per distinct time, its bits the times that have it.  Returns
 * how many rows (0 to 4) were put in out; their e is a copy of *en.
 */
size_t	 ir_tl_events(const struct ir_tl_entry *en, const struct ir_tl_range *r,
	    struct ir_tl_row out[4]);
/* "macb", "m.c.", ".a.b" ...: out has at least 5 bytes; returns out. */
char	*ir_tl_macb(unsigned int macb, char *out);

/*
 * "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS", "YYYY-MM-DD HH:MM:SS" in UTC, or
 * in the local time zone (TZ) when local is set; a final 'Z' always
 * means UTC; "@SECONDS" is a time as it stands.  IR_EFORMAT otherwise.
 */
int	 ir_tl_parse_when(const char *s, int local, int64_t *out,
	    struct ir_err *);

struct ir_tl_sort;

/*
 * budget: bytes of events held in memory before a sorted run goes to a
 * temporary file in tmpdir (mkstemp, unlinked at once).
 */
int	 ir_tl_sort_new(struct ir_tl_sort **, size_t budget, const char *tmpdir,
	    struct ir_err *);
int	 ir_tl_sort_add(struct ir_tl_sort *, const struct ir_tl_row *,
	    struct ir_err *);
/*
 * The rows in order, after the last add: IR_OK with *row filled (strings
 * valid until the next call), IR_EOF at the end.  Rows with the same
 * time, inode and name (a line given twice) come out as one, their MACB
 * bits combined and the other fields those of the one added last.
 */
int	 ir_tl_sort_next(struct ir_tl_sort *, struct ir_tl_row *row,
	    struct ir_err *);
/* Sorted runs written to temporary files so far. */
size_t	 ir_tl_sort_spills(const struct ir_tl_sort *);
void	 ir_tl_sort_free(struct ir_tl_sort *);

/*
 * Append a row as CSV (mactime -d -y: Date,Size,Type,Mode,UID,GID,Meta,
 * File Name; time 0 as "0000-00-00T00:00:00Z") or as one JSON object
 * ("type":"event"), each with its newline.  local: dates in the local time
 * zone with their offset (+01:00) instead of UTC; JSON keeps "time" in
 * UTC and adds "local".
 */
#define IR_TL_CSV_HEADER "Date,Size,Type,Mode,UID,GID,Meta,File Name\n"
int	 ir_tl_format_csv(struct ir_buf *, const struct ir_tl_row *, int local,
	    struct ir_err *);
int	 ir_tl_format_json(struct ir_buf *, const struct ir_tl_row *, int local,
	    struct ir_err *);

#endif
