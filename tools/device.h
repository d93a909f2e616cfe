/*
 * device: where an output would land, seen from the source's side.  An
 * acquisition must never write onto the device it reads, nor into a file
 * system on it: on a partition of it, or on a device built over it
 * (device-mapper, md), as sysfs shows them.
 */
#ifndef IR_TOOL_DEVICE_H
#define IR_TOOL_DEVICE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Would writing path (a file to create; its directory decides) put data
 * on the block device src (its st_rdev)?  1 yes, with why filled; 0 no.
 */
int	 device_holds(const char *path, uint64_t src, char *why, size_t whysz);

#endif
