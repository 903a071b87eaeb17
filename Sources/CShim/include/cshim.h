#ifndef CSHIM_H
#define CSHIM_H
/* Kept free of system includes so its module does not clash with Glibc's. */

/// Sets a posix_spawnattr_t (passed as void *) to start the child in a new session with an empty signal mask and
/// default dispositions, whatever thread spawns it. Returns 0 or an errno value.
int cshim_spawnattr_detach(void *attr);
#endif
