#define _GNU_SOURCE
#include <spawn.h>
#include <signal.h>
#include "cshim.h"


int cshim_spawnattr_detach(void *attr) {
    posix_spawnattr_t *a = attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int rc = posix_spawnattr_setsigmask(a, &none);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(a, &all);
    if (rc == 0) rc = posix_spawnattr_setflags(a, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    return rc;
}
