#define _GNU_SOURCE
#include <sched.h>
#include <spawn.h>
#include "cshim.h"

int cshim_setns(int fd, int nstype) { return setns(fd, nstype); }
int cshim_unshare(int flags) { return unshare(flags); }
short cshim_posix_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }
