/*
 * rec: records and their writers.  A record is an array of typed fields;
 * a writer turns it into JSON Lines (the default), CSV or a mactime
 * bodyfile line.  Names are bytes: a string that is not valid UTF-8 (or
 * holds a NUL) is written with U+FFFD for the bad bytes plus a second
 * field "<key>_hex" that keeps every byte, so nothing is lost.
 */
#ifndef IR_REC_H
#define IR_REC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>	/* IR_FSTR uses strlen */

#include "ir/file.h"

struct ir_err;

enum ir_ftype {
	IR_F_STR,	/* bytes: s, n */
	IR_F_U64,
	IR_F_I64,
	IR_F_TIME,	/* written only when valid */
	IR_F_BOOL,
	IR_F_RAW,	/* pre-formatted JSON value (a nested object, a list) */
};

struct ir_field {
	const char	*key;
	enum ir_ftype	 type;
	const char	*s;
	size_t		 n;
	uint64_t	 u;
	int64_t		 i;
	struct ir_time	 t;
};

#define IR_FSTR(k, x)	((struct ir_field){ .key = (k), .type = IR_F_STR, \
			    .s = (x), .n = strlen(x) })
#define IR_FBYTES(k, x, len) ((struct ir_field){ .key = (k), .type = IR_F_STR, \
			    .s = (x), .n = (len) })
#define IR_FU64(k, x)	((struct ir_field){ .key = (k), .type = IR_F_U64, .u = (x) })
#define IR_FI64(k, x)	((struct ir_field){ .key = (k), .type = IR_F_I64, .i = (x) })
#define IR_FTIME(k, x)	((struct ir_field){ .key = (k), .type = IR_F_TIME, .t = (x) })
#define IR_FBOOL(k, x)	((struct ir_field){ .key = (k), .type = IR_F_BOOL, .u = !!(x) })
#define IR_FRAW(k, x)	((struct ir_field){ .key = (k), .type = IR_F_RAW, \
			    .s = (x), .n = strlen(x) })

enum ir_format {
	IR_FMT_JSONL,
	IR_FMT_CSV,
	IR_FMT_BODY,
};

struct ir_writer;

/* "jsonl", "csv" or "body"; IR_EINVAL for anything else. */
int	 ir_format_lookup(const char *name, enum ir_format *, struct ir_err *);

/*
 * Write records to fp (not closed by the writer).  For CSV, columns names
 * the header and the order (NULL-terminated); a column "<key>_hex" is
 * filled when <key> needed it.  JSON Lines and bodyfile ignore columns.
 */
int	 ir_writer_open(struct ir_writer **, enum ir_format, FILE *fp,
	    const char *const *columns, struct ir_err *);
int	 ir_writer_record(struct ir_writer *, const struct ir_field *,
	    size_t nfields, struct ir_err *);
/* Write the CSV header now (no-op for other formats or when done). */
int	 ir_writer_begin(struct ir_writer *, struct ir_err *);
/* This writer continues a stream whose header another one wrote. */
void	 ir_writer_continue(struct ir_writer *);
/* Flush and free; reports any write error seen on fp. */
int	 ir_writer_close(struct ir_writer *, struct ir_err *);

/*
 * One record as a JSON object (no newline) appended to b: for records made
 * on several threads and written later, in order.
 */
struct ir_buf;
int	 ir_json_record(struct ir_buf *b, const struct ir_field *f, size_t n,
	    struct ir_err *);
/* Is [p, p+n) valid UTF-8 without NUL? */
int	 ir_utf8_valid(const void *p, size_t n);
/* Append s as a JSON string (quotes included), U+FFFD for bad bytes. */
struct ir_buf;
int	 ir_json_quote(struct ir_buf *, const void *s, size_t n, struct ir_err *);
/* Append the n strings of v as a JSON list (a command line). */
int	 ir_json_strv(struct ir_buf *, char *const *v, size_t n,
	    struct ir_err *);

/* The shared fields of a file record; returns how many were put in f. */
#define IR_FILE_MAXFIELDS	48
#define IR_FILE_SCRATCH		5
size_t	 ir_file_fields(const struct ir_file *, struct ir_field *f,
	    char scratch[IR_FILE_SCRATCH][IR_HASH_MAXLEN * 2 + 1]);
/* The CSV columns of a file record, NULL-terminated. */
extern const char *const ir_file_columns[];

#endif
