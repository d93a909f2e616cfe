/*
 * mem: physical memory acquisition on Linux, as AVML does it.  The RAM to
 * read is the top-level "System RAM" of /proc/iomem; its bytes are read
 * from /proc/kcore (an ELF64 core file whose PT_LOAD segments give each
 * direct-mapped RAM range's physical address in p_paddr, kernel 4.11 and
 * later) or from /dev/crash (offset = physical address).  The image is
 * written in LiME format: per range a 32-byte header, then the range's
 * bytes; Volatility and other analysers read it.
 */
#ifndef IR_MEM_H
#define IR_MEM_H

#include <stddef.h>
#include <stdint.h>

struct ir_err;

/*
 * A range of physical memory, [start, end), and where its bytes are in
 * the source: in /proc/kcore a PT_LOAD segment's file offset, in
 * /dev/crash start itself.
 */
struct ir_mem_range {
	uint64_t	 start, end;	/* physical addresses, end exclusive */
	uint64_t	 off;		/* offset of start in the source */
};

/*
 * The top-level "System RAM" ranges of /proc/iomem text (buf, n bytes),
 * sorted and merged where adjacent; off is set to start (/dev/crash).
 * IR_EFORMAT names the first malformed line; IR_EIO with sys_errno EPERM
 * when every address reads 0 (iomem read without CAP_SYS_ADMIN);
 * IR_ENOENT when there is no System RAM.  *r is freed by the caller.
 */
int	 ir_mem_iomem_ram(const char *buf, size_t n, struct ir_mem_range **r,
	    size_t *nr, struct ir_err *e);

/* The ELF header: what ir_mem_kcore_hdrlen needs to see. */
#define IR_MEM_EHDRLEN		64
/* Program headers past this are refused: a real kcore needs < 4 MiB. */
#define IR_MEM_KCORE_HDRMAX	(8u << 20)

/*
 * From the first n >= IR_MEM_EHDRLEN bytes of a kcore file: how many
 * bytes from its start hold the ELF header and all program headers
 * (*need <= IR_MEM_KCORE_HDRMAX).  IR_EFORMAT when it is not an ELF64
 * core file; IR_EUNSUPP when its byte order is not the host's (kcore is
 * always native) or it has PN_XNUM program headers.
 */
int	 ir_mem_kcore_hdrlen(const void *buf, size_t n, size_t *need,
	    struct ir_err *e);

/*
 * Map RAM ranges (sorted, not overlapping: ir_mem_iomem_ram's) to kcore
 * file offsets through the PT_LOAD segments' p_paddr, p_offset and
 * p_filesz.  buf holds the start of the file, n bytes: at least what
 * ir_mem_kcore_hdrlen says, else IR_EFORMAT saying how many are needed.
 * A RAM range is split across segments where needed and pieces that are
 * contiguous both physically and in the file are joined; *out is sorted
 * and not overlapping.  Segments with p_paddr -1 (vmalloc, modules,
 * vmemmap) are ignored; where segments overlap (the kernel text segment
 * lies inside a RAM one) each byte is taken once.  RAM that no segment
 * covers is left out and counted in *missing_bytes.  IR_EUNSUPP when
 * several segments claim physical address 0 (kernels before 4.11 do not
 * fill p_paddr).  Every field is checked: the file is untrusted input.
 * *out (NULL when *nout is 0) is freed by the caller.
 */
int	 ir_mem_kcore_map(const void *buf, size_t n,
	    const struct ir_mem_range *ram, size_t nram,
	    struct ir_mem_range **out, size_t *nout, uint64_t *missing_bytes,
	    struct ir_err *e);

/*
 * The same for an open kcore file: reads its headers (name is for
 * messages), then maps as above.
 */
int	 ir_mem_kcore_load(int fd, const char *name,
	    const struct ir_mem_range *ram, size_t nram,
	    struct ir_mem_range **out, size_t *nout, uint64_t *missing_bytes,
	    struct ir_err *e);

/*
 * The LiME range header, little-endian: magic 0x4C694D45 ("EMiL" on
 * disk), version 1, first address, last address (inclusive, as LiME
 * has it), 8 reserved zero bytes.  end_excl must be above start.
 */
#define IR_LIME_MAGIC	0x4C694D45u
#define IR_LIME_VERSION	1u
#define IR_LIME_HDRLEN	32
void	 ir_mem_lime_header(unsigned char h[IR_LIME_HDRLEN], uint64_t start,
	    uint64_t end_excl);
/*
 * Parse a LiME header: IR_EFORMAT on a bad magic or version, or an end
 * below start or at the top of the address space (end_excl would wrap).
 * The reserved bytes are not checked.
 */
int	 ir_mem_lime_parse(const unsigned char h[IR_LIME_HDRLEN],
	    uint64_t *start, uint64_t *end_excl, struct ir_err *e);

#endif
