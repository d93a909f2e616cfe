#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"

#define MAXDEPTH	8

/* "8:0" of a sysfs block directory, or 0. */
static uint64_t
sysfs_dev(const char *dir)
{
	char path[PATH_MAX], buf[32];
	unsigned int ma, mi;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/dev", dir);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) == NULL ||
	    sscanf(buf, "%u:%u", &ma, &mi) != 2) {
		(void)fclose(fp);
		return 0;
	}
	(void)fclose(fp);
	return makedev(ma, mi);
}

/*
 * Is src the device of sysfs directory dir, the disk it is a partition
 * of, or (recursively) a device it is built on (its slaves)?
 */
static int
built_on(const char *dir, uint64_t src, int depth)
{
	char path[PATH_MAX], real[PATH_MAX], parent[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int found = 0;

	if (depth > MAXDEPTH || realpath(dir, real) == NULL)
		return 0;
	if (sysfs_dev(real) == src)
		return 1;
	/* A partition: its disk is the directory above. */
	(void)snprintf(path, sizeof(path), "%s/partition", real);
	if (access(path, F_OK) == 0) {
		(void)snprintf(parent, sizeof(parent), "%s", real);
		if (sysfs_dev(dirname(parent)) == src)
			return 1;
	}
	(void)snprintf(path, sizeof(path), "%s/slaves", real);
	if ((dp = opendir(path)) == NULL)
		return 0;
	while (!found && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		(void)snprintf(parent, sizeof(parent), "%s/slaves/%s", real,
		    d->d_name);
		found = built_on(parent, src, depth + 1);
	}
	(void)closedir(dp);
	return found;
}

int
device_holds(const char *path, uint64_t src, char *why, size_t whysz)
{
	char dir[PATH_MAX], sys[64];
	struct stat st;

	(void)snprintf(dir, sizeof(dir), "%s", path);
	if (stat(path, &st) != 0 && stat(dirname(dir), &st) != 0)
		return 0;
	/* The path is the device itself (-o /dev/sdb). */
	if (S_ISBLK(st.st_mode) && st.st_rdev == src) {
		(void)snprintf(why, whysz, "it is the device being read");
		return 1;
	}
	(void)snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u",
	    major(st.st_dev), minor(st.st_dev));
	if (st.st_dev == src || built_on(sys, src, 0)) {
		(void)snprintf(why, whysz, "it is on a file system of the "
		    "device being read (%u:%u)", major(st.st_dev),
		    minor(st.st_dev));
		return 1;
	}
	return 0;
}
