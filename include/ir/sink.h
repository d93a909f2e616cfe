/*
 * sink: where an acquisition writes the image: a raw file, split raw
 * (name.001, name.002 ...), an EWF (E01) set through libewf, or an open
 * descriptor such as standard output.  Files are always new: a sink never
 * overwrites, except that a raw sink resumed from a map continues the
 * files of the interrupted run.  What was written can be read back and
 * hashed for verification.
 */
#ifndef IR_SINK_H
#define IR_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "ir/hash.h"
#include "ir/src.h"

struct ir_err;
struct ir_sink;

/* Case metadata and media facts an E01 holds. */
struct ir_ewf_meta {
	const char	*case_number;
	const char	*evidence_number;
	const char	*examiner;
	const char	*description;
	const char	*notes;
	uint64_t	 media_size;	/* bytes; 0 when unknown (a stream) */
	uint32_t	 sector_size;	/* bytes per sector */
	uint64_t	 segment_size;	/* bytes per segment file; 0: default */
	int		 compress;	/* 0 none, 1 fast, 2 best */
	int		 removable;	/* media type: removable or fixed */
	int		 memory;	/* media type: memory */
};

/*
 * A raw image at path; split > 0: path.001, path.002 ... of split bytes
 * each.  resume > 0: the files of an interrupted run, holding exactly
 * resume bytes (checked), are continued.
 */
int	 ir_sink_raw(struct ir_sink **, const char *path, uint64_t split,
	    uint64_t resume, struct ir_err *);
/* A raw image compressed as one gzip member (level 1-9) in path. */
int	 ir_sink_gzip(struct ir_sink **, const char *path, int level,
	    struct ir_err *);
/* An EWF set path.E01, path.E02 ... (the name without extension). */
int	 ir_sink_ewf(struct ir_sink **, const char *path,
	    const struct ir_ewf_meta *, struct ir_err *);
/* An open descriptor (not closed by the sink); name is for messages. */
int	 ir_sink_fd(struct ir_sink **, int fd, const char *name,
	    struct ir_err *);

int	 ir_sink_write(struct ir_sink *, const void *, size_t,
	    struct ir_err *);
/*
 * Finish the image: flush and close its files (fsync for files), store
 * the digest and the unreadable ranges where the format keeps them (E01:
 * MD5, SHA-1 and the acquiry errors).
 */
int	 ir_sink_finish(struct ir_sink *, const struct ir_digest *,
	    const struct ir_range *bad, size_t nbad, struct ir_err *);
void	 ir_sink_free(struct ir_sink *);

/* For logs: "disk.raw", "disk.raw.001..disk.raw.004", "disk.E01", "-". */
const char *ir_sink_name(const struct ir_sink *);
/* The files written, in order (none for a descriptor). */
size_t	 ir_sink_nfiles(const struct ir_sink *);
const char *ir_sink_file(const struct ir_sink *, size_t i);
/*
 * Zeros an E01 got after the data to end on a whole sector (its stored
 * MD5 and SHA-1 are then left out: they would not be the media's).
 */
uint64_t ir_sink_padded(const struct ir_sink *);
/* Can it be read back (not a descriptor)? */
int	 ir_sink_readable(const struct ir_sink *);

/*
 * Read the finished image back and hash its media (the raw bytes; for
 * E01 the data libewf decompresses, without the padding): algs into d.
 */
int	 ir_sink_hash_back(const struct ir_sink *, unsigned int algs,
	    struct ir_digest *d, struct ir_err *);
/* Pass the first n bytes already in the files (a resumed raw image) to fn. */
typedef int	(*ir_sink_read_fn)(const void *, size_t, void *arg,
		    struct ir_err *);
int	 ir_sink_read_prefix(const struct ir_sink *, uint64_t n,
	    ir_sink_read_fn fn, void *arg, struct ir_err *);

#endif
