#ifndef CSHIM_H
#define CSHIM_H
/* Kept free of system includes so its module does not clash with Glibc's. */

/// setns(2).
int cshim_setns(int fd, int nstype);
/// unshare(2).
int cshim_unshare(int flags);
/// POSIX_SPAWN_SETSID (a glibc extension Swift does not import).
short cshim_posix_spawn_setsid_flag(void);
#endif
