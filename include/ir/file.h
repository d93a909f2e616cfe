/*
 * file: the record of one file system object, as every walker yields it
 * and every tool writes it.  Strings are borrowed from the walker and are
 * valid only during the callback that receives the record.
 */
#ifndef IR_FILE_H
#define IR_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ir/hash.h"

struct ir_time {
	int64_t		 sec;
	int32_t		 nsec;
	int		 valid;		/* 0: the source has no such time */
};

enum ir_known {
	IR_KNOWN_NONE,
	IR_KNOWN_GOOD,
	IR_KNOWN_BAD,
};

struct ir_file {
	const char	*source;	/* the operand the walk started from */
	const char	*path;		/* bytes; no NUL inside */
	size_t		 pathlen;
	const char	*name;		/* last component, inside path */
	const char	*link;		/* symlink target, else NULL */
	size_t		 linklen;
	uint64_t	 dev;
	uint64_t	 inode;
	uint64_t	 size;
	uint64_t	 nlink;
	uint32_t	 mode;		/* st_mode: type and permissions */
	uint32_t	 uid, gid;
	struct ir_time	 mtime, atime, ctime, crtime;
	int		 deleted;
	int		 depth;		/* 0 for the operand itself */

	/* Files of images only: fstype is NULL on live trees. */
	const char	*fstype;	/* "ext4", "ntfs" ... */
	int		 part;		/* partition index; -1: none */
	uint64_t	 part_start;	/* its first sector */
	const char	*stream;	/* NTFS named stream, else NULL */
	uint32_t	 attr_type;	/* NTFS attribute (128 $DATA ...); 0: none */
	uint16_t	 attr_id;
	int		 fname_times;	/* times of $FILE_NAME, not $STD_INFO */
	int		 realloc;	/* name deleted, its inode in use again */
	int		 no_meta;	/* a name whose inode is unreadable */
	int		 virt;		/* libtsk's virtual file ($MBR, $FAT1 ...) */
	uint32_t	 name_type;	/* S_IFMT the directory entry gives, when
					   not that of the inode; 0: same */
	int		 name_untyped;	/* the entry gives no type at all */
	int		 partial;	/* content only partly recoverable */
	uint64_t	 recovered;	/* bytes recoverable, when partial */

	/* Filled by content work; zero when not asked for. */
	struct ir_digest digest;	/* digest.algs == 0: not hashed */
	char		 mime[96];	/* "" when not typed */
	int		 mime_mismatch;	/* executable content, other name */
	int		 changed;	/* it changed while being read */
	enum ir_known	 known;
	const char	*known_note;	/* the list's comment, or NULL */
	const char	*skipped;	/* why content was not read, or NULL */
	char		 error[256];	/* what failed for this entry, or "" */
};

/* "reg", "dir", "lnk", "chr", "blk", "fifo", "sock", or "?". */
const char	*ir_file_kind(uint32_t mode);
/*
 * ISO 8601 UTC with nanoseconds, "2026-11-22T10:43:24.123456789Z", into
 * out (at least IR_TIME_STRLEN bytes).  Returns out.
 */
#define IR_TIME_STRLEN	40
char		*ir_time_iso(const struct ir_time *, char *out, size_t outsz);
/* The current time (CLOCK_REALTIME). */
struct ir_time	 ir_time_now(void);
/* Parse the same form (fraction optional, 'Z' required) back. */
int		 ir_time_parse(const char *, struct ir_time *);

#endif
