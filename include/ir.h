/* libir: the evidence-handling library shared by every irkit tool. */
#ifndef IR_H
#define IR_H

#include "ir/error.h"
#include "ir/buf.h"
#include "ir/io.h"
#include "ir/hash.h"
#include "ir/file.h"
#include "ir/src.h"
#include "ir/walk.h"
#include "ir/magic.h"
#include "ir/content.h"
#include "ir/hashset.h"
#include "ir/rec.h"
#include "ir/case.h"
#include "ir/progress.h"
#include "ir/pool.h"
#include "ir/img.h"
#include "ir/fs.h"
#include "ir/worker.h"
#include "ir/version.h"
#include "ir/timeline.h"
#include "ir/ddmap.h"
#include "ir/mem.h"
#include "ir/sink.h"
#include "ir/acq.h"
#include "ir/yara.h"
#include "ir/ioc.h"
#include "ir/procmem.h"
#include "ir/utmp.h"
#include "ir/proc.h"

#endif
