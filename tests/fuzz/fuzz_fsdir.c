/*
 * libFuzzer: a file system image as untrusted input to ir_fs_dir_list,
 * which ir-collect --raw runs on the block device under a mount: the
 * whole image opened as one file system (as --raw opens a mounted
 * device), "/" listed and then every directory named in it.
 *
 * What libir promises (abort() on a breach):
 *  - a name's length is its namelen (no NUL inside); "." and ".." never
 *    come; allocated is 0 or 1;
 *  - a callback error stops the listing: no call after it, and that error
 *    is returned;
 *  - a listing that fails says why (a message), as does one of a
 *    directory that is not there.
 *
 * libtsk is run as fuzz_fs runs it, and for the same reasons (a crafted
 * extent tree makes tsk_fs_dir_open spin for minutes in
 * tsk_fs_attr_append_run): each input in a forked child, by fuzz_fork.h,
 * which fuzz_fs.c shares; the check itself is check_image below.
 * IRKIT_FUZZ_FSDIR_INPROCESS=1 runs the check in this process.  Seeds:
 * seeds-fsdir.sh (the images of seeds-fs.sh).
 */
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ir.h>

#define FORK_NAME	"fsdir"
#define FORK_INPROCESS	"IRKIT_FUZZ_FSDIR_INPROCESS"
#define CHILD_SECONDS	2		/* libtsk stalls: ~10 ms is usual */
#include "fuzz_fork.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define DIRS_MAX	8

struct listing {
	char		 dirs[DIRS_MAX][256];
	size_t		 ndirs;
	size_t		 calls, stop_after;	/* 0: never stop */
	int		 stopped;
};

static int
on_name(const struct ir_fs_dirent *d, void *arg)
{
	struct listing *l = arg;

	if (l->stopped)
		FAIL();			/* a call after the stop */
	if (d->name == NULL || strlen(d->name) != d->namelen)
		FAIL();
	if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
		FAIL();
	if (d->allocated != 0 && d->allocated != 1)
		FAIL();
	if (d->allocated && d->type == S_IFDIR && d->namelen > 0 &&
	    d->namelen < 200 && l->ndirs < DIRS_MAX)
		(void)snprintf(l->dirs[l->ndirs++], sizeof(l->dirs[0]), "/%s",
		    d->name);
	if (++l->calls == l->stop_after) {
		l->stopped = 1;
		return IR_EINTR;
	}
	return IR_OK;
}

static void
list_one(struct ir_fs *fs, const char *path, struct listing *l)
{
	struct ir_err e;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = ir_fs_dir_list(fs, path, on_name, l, &e);
	if (l->stopped ? rc != IR_EINTR : rc != IR_OK && e.msg[0] == '\0')
		FAIL();
}

/* The whole check of one image: libtsk's work, in the child when forked. */
static void
check_image(const uint8_t *data, size_t size)
{
	struct ir_fs_part part;
	struct listing root, sub;
	struct ir_img *img;
	struct ir_fs *fs;
	struct ir_err e;
	size_t k;

	(void)data;
	if (ir_img_open(&img, img_path, "raw", &e) != IR_OK) {
		if (e.msg[0] == '\0')
			FAIL();
		return;
	}
	memset(&part, 0, sizeof(part));
	part.index = -1;
	part.length = size;
	if (ir_fs_open(&fs, img, &part, &e) != IR_OK) {
		if (e.msg[0] == '\0')
			FAIL();
		ir_img_close(img);
		return;
	}
	memset(&root, 0, sizeof(root));
	list_one(fs, "/", &root);
	for (k = 0; k < root.ndirs; k++) {
		memset(&sub, 0, sizeof(sub));
		sub.stop_after = k % 2 == 0 ? 0 : 1 + size % 3;
		list_one(fs, root.dirs[k], &sub);
	}
	memset(&sub, 0, sizeof(sub));
	memset(&e, 0, sizeof(e));
	if (ir_fs_dir_list(fs, "/no such directory/x", on_name, &sub, &e) ==
	    IR_OK || e.msg[0] == '\0')
		FAIL();
	ir_fs_close(fs);
	ir_img_close(img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fork_run(data, size, check_image);
}
