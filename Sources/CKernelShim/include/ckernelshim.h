#ifndef CKERNELSHIM_H
#define CKERNELSHIM_H
/* What Swift's Glibc module does not import for BerthKernel. Kept free of system includes so this module does not
 * clash with Glibc's. */

/// setns(2).
int berth_kernel_setns(int fd, int nstype);
/// unshare(2).
int berth_kernel_unshare(int flags);
/// CLONE_NEWNET.
int berth_kernel_clone_newnet(void);
/// 1 when `path` is a namespace file (an nsfs mount), else 0.
int berth_kernel_is_nsfs(const char *path);
/// memfd_create(name, MFD_CLOEXEC).
int berth_kernel_memfd(const char *name);
/// Starts `argv[0]` with `envp` (posix_spawn, which vforks): with `search_path`, argv[0] without a slash is looked up
/// in PATH; with `new_session`, the child starts a new session. Standard streams from `in_fd`, `out_fd` and `err_fd`
/// (-1: /dev/null); an empty signal mask, default signal dispositions and no other inherited descriptors.
/// Returns the pid, or -1 with errno set.
int berth_kernel_spawn(const char *const *argv, const char *const *envp, int search_path, int new_session, int in_fd,
                       int out_fd, int err_fd);
/// Makes the calling thread act on files as `uid`/`gid` with `groups` (raw setgroups, setfsgid, setfsuid: this thread
/// only, where glibc's wrappers would change every thread), with a file-system context of its own (unshare CLONE_FS)
/// whose umask is `mask` and working directory `dir` (when it can be entered). Returns 0, or -1 with errno set.
int berth_kernel_thread_identity(unsigned uid, unsigned gid, const unsigned *groups, int count, unsigned mask,
                                 const char *dir);
#endif
