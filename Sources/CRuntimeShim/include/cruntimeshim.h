#ifndef CRUNTIMESHIM_H
#define CRUNTIMESHIM_H
/* Kept free of system includes so its module does not clash with Glibc's. */

/// What the container's init process is started with. Strings are NUL-terminated; arrays end with NULL.
struct berth_process_spec {
    const char *const *argv;
    const char *const *envp;
    const char *cwd;
    unsigned int uid;
    unsigned int gid;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    /// Non-zero: stdin is a terminal that becomes the controlling terminal of a new session.
    int tty;
    /// `cgroup.procs` files the process joins before it execs (NULL-terminated; NULL: none).
    const char *const *cgroup_procs;
};

/// The namespaces and root of a new container.
struct berth_container_spec {
    /// Where the overlay is mounted (inside the new mount namespace only), e.g. <dir>/rootfs.
    const char *rootfs;
    /// overlayfs options ("lowerdir=...,upperdir=...,workdir=..."); NULL: rootfs is used as is (copy driver).
    const char *overlay_options;
    const char *hostname;
    struct berth_process_spec process;
};

/// Starts a container: clone into new mount, PID, UTS, IPC and network namespaces, mount the overlay, /proc and a
/// minimal /dev, pivot_root, bring loopback up, and exec. Returns the pid (in the caller's namespace) once the
/// process has exec'd, or -1 with a message in `err` (e.g. `exec: "x": executable file not found in $PATH`).
/// `*exec_errno` gets ENOENT when the command was not found, EACCES when it could not run.
int berth_spawn_container(const struct berth_container_spec *spec, char *err, int errlen, int *exec_errno);

/// Starts a process in the namespaces of `target_pid` (setns to ipc, uts, net, pid, mnt). Returns the pid of a
/// helper whose exit status is the process's (128+n when killed by signal n), or -1 with a message in `err`.
int berth_exec_in(int target_pid, const struct berth_process_spec *spec, char *err, int errlen, int *exec_errno);

/// fork; the parent _exit(0)s, the child starts a new session. For a supervisor that outlives its spawner.
int berth_daemonize(void);

/// Sets the window size of a terminal.
int berth_set_winsize(int fd, unsigned short rows, unsigned short cols);

/// Opens a pseudo-terminal pair; returns 0 and the two fds, or -1 (errno set).
int berth_openpty(int *master, int *slave);

/// prctl(PR_SET_CHILD_SUBREAPER, 1).
int berth_set_subreaper(void);

/// Closes every file descriptor from `lowfd` up (close_range): what a spawned process inherited by accident.
int berth_close_from(int lowfd);
#endif
