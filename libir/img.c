#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tsk/libtsk.h>

#include "ir/error.h"
#include "ir/img.h"
#include "ir_private.h"

struct ir_img {
	TSK_IMG_INFO		*tsk;
	struct ir_img_info	 info;
};

/*
 * TSK keeps its error per thread and global: copy it into e and clear it,
 * so a later, unrelated failure never reports this one.
 */
int
ir__err_from_tsk(struct ir_err *e, enum ir_code code, const char *what)
{
	const char *msg = tsk_error_get();
	int rc;

	rc = ir_err_set(e, code, 0, "%s: %s", what,
	    msg != NULL && *msg != '\0' ? msg : "libtsk failed");
	tsk_error_reset();
	return rc;
}

static const char *
type_name(TSK_IMG_TYPE_ENUM t)
{
	switch (t) {
	case TSK_IMG_TYPE_RAW:		return "raw";
	case TSK_IMG_TYPE_EWF_EWF:	return "ewf";
	case TSK_IMG_TYPE_VMDK_VMDK:	return "vmdk";
	case TSK_IMG_TYPE_VHD_VHD:	return "vhd";
	default:			return "other";
	}
}

int
ir_img_open(struct ir_img **ip, const char *path, const char *type,
    struct ir_err *e)
{
	TSK_IMG_TYPE_ENUM t = TSK_IMG_TYPE_DETECT;
	struct ir_img *img;
	struct stat st;

	*ip = NULL;
	if (type != NULL && strcmp(type, "auto") != 0) {
		t = tsk_img_type_toid_utf8(type);
		if (t == TSK_IMG_TYPE_UNSUPP ||
		    (t != TSK_IMG_TYPE_RAW && t != TSK_IMG_TYPE_EWF_EWF &&
		    t != TSK_IMG_TYPE_VMDK_VMDK && t != TSK_IMG_TYPE_VHD_VHD)) {
			tsk_error_reset();
			return ir_err_set(e, IR_EINVAL, 0, "unknown image type "
			    "'%s' (want auto, raw, ewf, vmdk or vhd)", type);
		}
	}
	/* libtsk opens by name and would follow a final symlink. */
	if (lstat(path, &st) != 0)
		return ir_err_set(e, IR_EIO, errno, "cannot open '%s'", path);
	if (S_ISLNK(st.st_mode))
		return ir_err_set(e, IR_EINVAL, 0, "'%s' is a symbolic link; "
		    "give the image itself", path);
	if (S_ISDIR(st.st_mode))
		return ir_err_set(e, IR_EINVAL, 0, "'%s' is a directory", path);
	if ((img = calloc(1, sizeof(*img))) == NULL)
		return ir_err_set(e, IR_ENOMEM, 0, "out of memory");
	tsk_error_reset();
	if ((img->tsk = tsk_img_open_utf8_sing(path, t, 0)) == NULL) {
		free(img);
		return ir__err_from_tsk(e, IR_EUNSUPP, path);
	}
	img->info.type = type_name(img->tsk->itype);
	img->info.size = (uint64_t)img->tsk->size;
	img->info.sector_size = img->tsk->sector_size;
	img->info.nsegments = img->tsk->num_img;
	*ip = img;
	return IR_OK;
}

void
ir_img_close(struct ir_img *img)
{
	if (img == NULL)
		return;
	tsk_img_close(img->tsk);
	free(img);
}

const struct ir_img_info *
ir_img_info(const struct ir_img *img)
{
	return &img->info;
}

const char *
ir_img_segment(const struct ir_img *img, int i)
{
	if (i < 0 || i >= img->tsk->num_img || img->tsk->images == NULL)
		return NULL;
	return img->tsk->images[i];
}

int
ir_img_read(struct ir_img *img, void *buf, size_t n, uint64_t off,
    size_t *got, struct ir_err *e)
{
	ssize_t r;

	*got = 0;
	if (off >= img->info.size)
		return IR_OK;
	if (n > img->info.size - off)
		n = (size_t)(img->info.size - off);
	if (n == 0)
		return IR_OK;
	tsk_error_reset();
	r = tsk_img_read(img->tsk, (TSK_OFF_T)off, buf, n);
	if (r < 0)
		return ir__err_from_tsk(e, IR_EIO, "image read");
	*got = (size_t)r;
	return IR_OK;
}

struct TSK_IMG_INFO *
ir__img_tsk(struct ir_img *img)
{
	return img->tsk;
}

struct probe {
	size_t		 off;
	const char	*magic;
	size_t		 len;
};

/* Containers, partition tables and file systems, at their offsets. */
static const struct probe probes[] = {
	{ 0,		"EVF\x09\x0d\x0a\xff\x00",	8 },	/* E01 */
	{ 0,		"KDMV",				4 },	/* VMDK */
	{ 0,		"# Disk DescriptorFile",	21 },
	{ 0,		"conectix",			8 },	/* VHD */
	{ 510,		"\x55\xaa",			2 },	/* DOS, FAT, NTFS */
	{ 512,		"EFI PART",			8 },	/* GPT */
	{ 1080,		"\x53\xef",			2 },	/* ext2/3/4 */
	{ 1024,		"H+",				2 },	/* HFS+ */
	{ 1024,		"HX",				2 },
	{ 32769,	"CD001",			5 },	/* ISO 9660 */
	{ 0,		"XFSB",				4 },
	{ 0x10040,	"_BHRfS_M",			8 },
	{ 0x200,	"LABELONE",			8 },
	{ 0,		"LUKS\xba\xbe",		6 },
	{ 0,		NULL,				0 },
};

int
ir_img_probe(const char *path)
{
	unsigned char buf[0x10048];
	const char *dot;
	struct stat st;
	ssize_t n;
	size_t i;
	int fd;

	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISBLK(st.st_mode))
		return 1;
	if (!S_ISREG(st.st_mode))
		return 0;
	/* The first segment of a split raw image: disk.001, disk.aa ... */
	if ((dot = strrchr(path, '.')) != NULL &&
	    (strcmp(dot, ".001") == 0 || strcmp(dot, ".000") == 0 ||
	    strcmp(dot, ".aa") == 0 || strcmp(dot, ".E01") == 0 ||
	    strcmp(dot, ".vmdk") == 0 || strcmp(dot, ".vhd") == 0))
		return 1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf), 0);
	(void)close(fd);
	for (i = 0; n > 0 && probes[i].magic != NULL; i++)
		if (probes[i].off + probes[i].len <= (size_t)n &&
		    memcmp(buf + probes[i].off, probes[i].magic,
		    probes[i].len) == 0)
			return 1;
	return 0;
}
