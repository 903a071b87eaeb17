#ifndef CSHIM_H
#define CSHIM_H
#define _GNU_SOURCE
#include <sched.h>
#include <sys/types.h>
/// setns(2) without relying on Glibc's module exporting it.
int cshim_setns(int fd, int nstype);
/// unshare(2).
int cshim_unshare(int flags);
#endif
