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
    /// Supplementary groups, `group_count` of them.
    const unsigned int *groups;
    int group_count;
    /// Non-zero: the capability bounding set is cut to `caps` (bit N = capability N) before the user changes, and a
    /// root process keeps exactly `caps` (a non-root one keeps none, as with runc).
    int caps_set;
    unsigned long long caps;
    /// Resource limits set before exec (`--ulimit`), `rlimit_count` of them.
    const struct berth_rlimit *rlimits;
    int rlimit_count;
};

/// One `--ulimit`: the RLIMIT_* resource and its soft and hard values.
struct berth_rlimit {
    int resource;
    unsigned long long soft;
    unsigned long long hard;
};

/// A device node made in the container's /dev (`--device HOST:CONTAINER`).
struct berth_device {
    /// The path inside the container, e.g. /dev/xnull.
    const char *path;
    /// S_IFCHR or S_IFBLK with the permission bits.
    unsigned int mode;
    unsigned int major;
    unsigned int minor;
    unsigned int uid;
    unsigned int gid;
};

/// A bind mount into the container (volumes and host paths): `source` on the host appears at `target`, a path
/// inside the container. The mount point is created in the container's root (a directory, or an empty file when
/// `source` is not a directory).
struct berth_mount {
    const char *source;
    const char *target;
    /// Non-zero: remounted read-only.
    int readonly;
    /// The propagation applied to the bind (MS_PRIVATE, MS_SLAVE or MS_SHARED, with MS_REC for the r- forms). When
    /// any mount is a slave or shared, the container's root is made a slave (rslave) instead of private, so that
    /// the host's mount events reach it, as runc does.
    unsigned long propagation;
    /// Non-zero: a tmpfs is mounted at the target (source unused) with `tmpfs_flags` and `tmpfs_data`.
    int tmpfs;
    unsigned long tmpfs_flags;
    const char *tmpfs_data;
};

/// The namespaces and root of a new container.
struct berth_container_spec {
    /// Where the overlay is mounted (inside the new mount namespace only), e.g. <dir>/rootfs.
    const char *rootfs;
    /// overlayfs options ("lowerdir=...,upperdir=...,workdir=..."); NULL: rootfs is used as is (copy driver).
    const char *overlay_options;
    const char *hostname;
    struct berth_process_spec process;
    /// Bind mounts made after the root and /dev, before pivot_root, in order; `mount_count` entries.
    const struct berth_mount *mounts;
    int mount_count;
    /// Network: 0 a new namespace (loopback only), 1 join the namespace at `netns_path`, 2 stay in the caller's.
    int net_mode;
    const char *netns_path;
    /// Files bind-mounted into the rootfs before pivot_root: source, target (inside the rootfs), ...; ends with NULL.
    /// The target is created when missing (/etc/hosts, /etc/resolv.conf, /etc/hostname).
    const char *const *net_files;
    /// Non-zero: `/` is remounted read-only after pivot_root (`--read-only`).
    int readonly_rootfs;
    /// Namespaces shared with the host instead of made: BERTH_SHARE_PID, BERTH_SHARE_UTS, BERTH_SHARE_IPC.
    int share;
    /// The size of /dev/shm in bytes (0: 64 MiB).
    unsigned long long shm_size;
    /// NIS domain name (`--domainname`); NULL or empty: none.
    const char *domainname;
    /// Sysctls written after pivot_root: key (dotted), value, ...; ends with NULL.
    const char *const *sysctls;
    const struct berth_device *devices;
    int device_count;
    /// Non-zero: `--init`. PID 1 is a minimal init, as docker-init (tini) is: it starts the process as its child,
    /// hands it the signals it receives, reaps orphans and exits with the process's status.
    int init;
};

enum { BERTH_SHARE_PID = 1, BERTH_SHARE_UTS = 2, BERTH_SHARE_IPC = 4 };

/// Starts a container: clone into new mount, PID, UTS, IPC and network namespaces, mount the overlay, /proc and a
/// minimal /dev, pivot_root, bring loopback up, and exec. Returns the pid (in the caller's namespace) once the
/// process has exec'd, or -1 with a message in `err` (e.g. `exec: "x": executable file not found in $PATH`).
/// `*exec_errno` gets ENOENT when the command was not found, EACCES when it could not run.
int berth_spawn_container(const struct berth_container_spec *spec, char *err, int errlen, int *exec_errno);

/// Starts a process in the namespaces of `target_pid` (setns to ipc, uts, net, pid, mnt). Returns the pid of a
/// helper whose exit status is the process's (128+n when killed by signal n), or -1 with a message in `err`.
int berth_exec_in(int target_pid, const struct berth_process_spec *spec, char *err, int errlen, int *exec_errno);

/// Copies the tree at `path` inside a container's root into the empty directory `dest` (docker's volume copy-up):
/// in a child with its own mount namespace, mounts the overlay (`overlay_options`, or binds `rootfs` when NULL) at
/// `rootfs` and copies files, directories, symbolic links, device nodes and fifos with their owners, modes and times.
/// Returns 0 (also when `path` does not exist or is not a directory), or -1 with a message in `err`.
int berth_copy_up(const char *rootfs, const char *overlay_options, const char *path, const char *dest, char *err,
                  int errlen);

/// fork; the child starts a new session and gets the write end of a pipe in `*ready_fd`; the parent waits on the
/// pipe and _exits 0 once the child writes a byte there (``berth_notify_ready``), 1 when the child ends first. So
/// whoever spawned a supervisor knows, when that process has exited, whether the supervisor is serving.
int berth_daemonize(int *ready_fd);

/// Tells the parent left by ``berth_daemonize`` that this process is ready, and closes `fd`.
void berth_notify_ready(int fd);

/// Sets the window size of a terminal.
int berth_set_winsize(int fd, unsigned short rows, unsigned short cols);

/// Opens a pseudo-terminal pair; returns 0 and the two fds, or -1 (errno set).
int berth_openpty(int *master, int *slave);

/// prctl(PR_SET_CHILD_SUBREAPER, 1).
int berth_set_subreaper(void);

/// Closes every file descriptor from `lowfd` up (close_range): what a spawned process inherited by accident.
int berth_close_from(int lowfd);
#endif
