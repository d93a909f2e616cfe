/*
 * pack: an evidence package.  A case directory sealed into one tar.gz
 * that standard tools open, laid out as an RFC 8493 BagIt bag under one
 * top directory named after the case:
 *
 *	<top>/bagit.txt
 *	<top>/data/...			the case directory, as it is
 *	<top>/manifest-sha256.txt	every payload file
 *	<top>/irkit-links.txt		symlinks (SHA-256 of the target)
 *	<top>/bag-info.txt		Payload-Oxum, case id, custody head
 *	<top>/tagmanifest-sha256.txt	the four files above: the seal
 *
 * Members are hashed as they are written (no staging copy); the custody
 * chain (data/custody.jsonl) is checked against data/case.json before
 * packing and its last entry's hash goes into bag-info.txt, which the tag
 * manifest covers: the SHA-256 of tagmanifest-sha256.txt seals it all.
 * The stream is tar -> parallel gzip -> [age] -> a file descriptor.
 *
 * The reader treats a package as hostile: it goes through libarchive
 * (tar formats and the gzip filter only), reports every problem it finds
 * through a callback, never stops at the first, and bounds its memory.
 */
#ifndef IR_PACK_H
#define IR_PACK_H

#include <sys/types.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct ir_err;
struct ir_age_ids;

typedef ssize_t	(*ir_read_fn)(void *arg, void *buf, size_t n,
		    struct ir_err *);

struct ir_pack_opts {
	int		 level;		/* gzip level 1-9; 0: 6 */
	int		 nthreads;	/* deflate workers; -1 every CPU */
	const char *const *recipients;	/* age X25519 public keys */
	size_t		 nrecip;
	const char	*passphrase;	/* age scrypt; alone */
	volatile sig_atomic_t *stop;	/* set: stop with IR_EINTR */
	/* Called now and then with the payload bytes read so far. */
	void		(*progress)(void *arg, uint64_t bytes);
	void		*progress_arg;
};

#define IR_PACK_TOPMAX	128
/*
 * The longest member name a package may hold: ir_pack_verify reports a
 * longer one as unsafe, so a case must not name a file by a longer path.
 */
#define IR_PACK_MAX_NAME	(64U << 10)

struct ir_pack_info {
	char		 case_id[256];
	char		 top[IR_PACK_TOPMAX];	/* the top directory */
	char		 seal[65];	/* SHA-256 of tagmanifest-sha256.txt */
	char		 sha256[65];	/* of the package bytes */
	char		 custody_head[65];
	uint64_t	 custody_entries;
	uint64_t	 payload_bytes, payload_files;
	uint64_t	 members;	/* tar members, directories too */
	uint64_t	 tar_bytes, out_bytes;
	int		 encrypted;
};

/*
 * Seal the case directory casedir into outfd.  Fails (nothing usable
 * written) when the custody chain does not hold, a logged output was
 * altered, a file changes while it is packed, a symlink points out of
 * the case, or the case holds a device, FIFO or socket.
 */
int	 ir_pack_write(const char *casedir, int outfd,
	    const struct ir_pack_opts *, struct ir_pack_info *,
	    struct ir_err *);

enum ir_pack_kind {
	IR_PACK_MISSING,	/* listed, not in the package */
	IR_PACK_EXTRA,		/* in the package, not listed */
	IR_PACK_ALTERED,	/* content differs from its manifest line */
	IR_PACK_DUPLICATE,	/* the same member name twice */
	IR_PACK_UNSAFE,		/* "..", absolute, link out, hard link, device */
	IR_PACK_MALFORMED,	/* a bag file that does not parse */
	IR_PACK_CUSTODY,	/* chain broken or not what bag-info says */
	IR_PACK_SEAL,		/* the tag manifest is not the expected one */
	IR_PACK_TRUNCATED,	/* the package ends early or does not decode */
};

const char *ir_pack_kind_name(enum ir_pack_kind);

struct ir_pack_problem {
	enum ir_pack_kind kind;
	const char	*path;		/* member path (bytes), or NULL */
	size_t		 pathlen;
	const char	*detail;
};

struct ir_verify_opts {
	ir_read_fn	 read;		/* the package bytes */
	void		*read_arg;
	const struct ir_age_ids *ids;	/* to decrypt; may be NULL */
	const char	*passphrase;	/* to decrypt; may be NULL */
	const char	*seal;		/* expected seal (hex), or NULL */
	void		(*problem)(void *arg, const struct ir_pack_problem *);
	void		*arg;
	volatile sig_atomic_t *stop;
	uint64_t	 max_entries;	/* 0: IR_PACK_MAX_ENTRIES */
};

#define IR_PACK_MAX_ENTRIES	(1U << 22)

struct ir_verify_info {
	char		 case_id[256];
	char		 top[IR_PACK_TOPMAX];
	char		 seal[65];	/* "" when there is no tag manifest */
	uint64_t	 members;
	uint64_t	 payload_bytes, payload_files;
	uint64_t	 custody_entries;
	uint64_t	 problems;
	int		 encrypted;
};

/*
 * Read a package to its end and check it.  IR_OK: it was read whole
 * (info->problems says whether it verifies); IR_EFORMAT: it ends early
 * or does not decode (also reported as a TRUNCATED problem); IR_ENOENT:
 * encrypted and no identity opens it; IR_EINTR: stopped; other codes:
 * reading failed or memory ran out.
 */
int	 ir_pack_verify(const struct ir_verify_opts *, struct ir_verify_info *,
	    struct ir_err *);

#endif
