#define _GNU_SOURCE
#include "ckernelshim.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <unistd.h>

int berth_kernel_setns(int fd, int nstype) { return setns(fd, nstype); }

int berth_kernel_unshare(int flags) { return unshare(flags); }

int berth_kernel_clone_newnet(void) { return CLONE_NEWNET; }

int berth_kernel_is_nsfs(const char *path) {
    struct statfs fs;
    if (statfs(path, &fs) != 0) return 0;
    return fs.f_type == 0x6e736673 /* NSFS_MAGIC */;
}

int berth_kernel_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

static void stream(posix_spawn_file_actions_t *actions, int fd, int target, int flags) {
    if (fd >= 0) posix_spawn_file_actions_adddup2(actions, fd, target);
    else posix_spawn_file_actions_addopen(actions, target, "/dev/null", flags, 0);
}

int berth_kernel_spawn(const char *const *argv, const char *const *envp, int search_path, int new_session, int in_fd,
                       int out_fd, int err_fd) {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t none, all;
    int rc = posix_spawnattr_init(&attr);
    if (rc != 0) { errno = rc; return -1; }
    posix_spawn_file_actions_init(&actions);
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_session) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&attr, flags);
    stream(&actions, in_fd, 0, O_RDONLY);
    stream(&actions, out_fd, 1, O_WRONLY);
    stream(&actions, err_fd, 2, O_WRONLY);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    pid_t pid = -1;
    rc = search_path ? posix_spawnp(&pid, argv[0], &actions, &attr, (char *const *)argv, (char *const *)envp)
                     : posix_spawn(&pid, argv[0], &actions, &attr, (char *const *)argv, (char *const *)envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

int berth_kernel_thread_identity(unsigned uid, unsigned gid, const unsigned *groups, int count, unsigned mask,
                                 const char *dir) {
    if (unshare(CLONE_FS) != 0) return -1;
    umask((mode_t)mask);
    if (syscall(SYS_setgroups, (long)count, groups) != 0) return -1;
    /* setfsuid/setfsgid answer the previous id; the new one is checked by asking again. */
    syscall(SYS_setfsgid, (long)gid);
    if ((unsigned)syscall(SYS_setfsgid, -1L) != gid) { errno = EPERM; return -1; }
    syscall(SYS_setfsuid, (long)uid);
    if ((unsigned)syscall(SYS_setfsuid, -1L) != uid) { errno = EPERM; return -1; }
    if (dir && *dir) { if (chdir(dir) != 0) { /* a home that cannot be entered: relative paths fail later */ } }
    return 0;
}
