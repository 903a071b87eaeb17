#define _GNU_SOURCE
#include "cruntimeshim.h"
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <grp.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#define STACK_SIZE (256 * 1024)

/* The message a failed child sends through the error pipe: errno, then text. */
struct child_error {
    int exec_errno;
    char text[480];
};

static void report(int fd, int exec_errno, const char *fmt, const char *a, const char *b) {
    struct child_error e;
    memset(&e, 0, sizeof e);
    e.exec_errno = exec_errno;
    snprintf(e.text, sizeof e.text, fmt, a, b);
    ssize_t ignored = write(fd, &e, sizeof e);
    (void)ignored;
}

/* Reports "step: strerror(errno)" and exits. */
static void fail(int fd, const char *step) {
    int saved = errno;
    report(fd, 0, "%s: %s", step, strerror(saved));
    _exit(126);
}

static const char *env_path(const char *const *envp) {
    for (const char *const *e = envp; e && *e; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) return *e + 5;
    }
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Moves the calling process into the given cgroups ("0" written to cgroup.procs means the writer). */
static void join_cgroups(const char *const *procs, int errfd) {
    for (const char *const *p = procs; p && *p; p++) {
        int fd = open(*p, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1) {
            int saved = errno;
            report(errfd, 0, "join cgroup %s: %s", *p, strerror(saved));
            _exit(126);
        }
        close(fd);
    }
}

/* Sets up stdio, session, credentials and execs; reports to errfd and exits on failure. */
static void exec_process(const struct berth_process_spec *p, int errfd) {
    if (p->cwd && p->cwd[0]) {
        if (chdir(p->cwd) != 0) {
            int saved = errno;
            report(errfd, 0, "chdir to cwd (\"%s\") set in config.json failed: %s", p->cwd, strerror(saved));
            _exit(126);
        }
    }
    if (setsid() < 0) fail(errfd, "setsid");
    int fds[3] = {p->stdin_fd, p->stdout_fd, p->stderr_fd};
    /* Move the fds out of the way first so that dup2 never clobbers one still needed. */
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0 && fds[i] < 3) {
            int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
            if (moved < 0) fail(errfd, "dup stdio");
            fds[i] = moved;
        }
    }
    for (int i = 0; i < 3; i++) {
        int fd = fds[i];
        if (fd < 0) {
            fd = open("/dev/null", O_RDWR);
            if (fd < 0) fail(errfd, "open /dev/null");
        }
        if (dup2(fd, i) < 0) fail(errfd, "dup2 stdio");
    }
    if (p->tty && ioctl(0, TIOCSCTTY, 0) < 0) fail(errfd, "ioctl(TIOCSCTTY)");
    for (int i = 0; i < p->rlimit_count; i++) {
        struct rlimit rl = {(rlim_t)p->rlimits[i].soft, (rlim_t)p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) != 0) fail(errfd, "setrlimit");
    }
    /* The bounding set first, while the process still may (CAP_SETPCAP); the user change keeps the others. */
    if (p->caps_set) {
        for (int cap = 0; cap < 64; cap++) {
            if (p->caps & (1ULL << cap)) continue;
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) fail(errfd, "drop capability");
        }
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    }
    /* Raw syscalls: glibc's wrappers broadcast to the threads the parent had when clone() copied it (setxid),
       and wait forever for one that was being created at that moment. The child has a single thread. */
    if (syscall(SYS_setgroups, (size_t)(p->group_count > 0 ? p->group_count : 0), p->groups) != 0) fail(errfd, "setgroups");
    if (syscall(SYS_setgid, p->gid) != 0) fail(errfd, "setgid");
    if (syscall(SYS_setuid, p->uid) != 0) fail(errfd, "setuid");
    if (p->caps_set && p->uid == 0) {
        struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct data[2];
        /* Only what this process holds can be kept (`--privileged` asks for all, the host may hold fewer). */
        if (syscall(SYS_capget, &header, data) != 0) fail(errfd, "capget");
        for (int i = 0; i < 2; i++) {
            unsigned int word = (unsigned int)(p->caps >> (32 * i)) & data[i].permitted;
            data[i].effective = word;
            data[i].permitted = word;
            data[i].inheritable = word;
        }
        if (syscall(SYS_capset, &header, data) != 0) fail(errfd, "capset");
    }
    /* Nothing of the supervisor leaks into the container (the error pipe is close-on-exec already). */
    syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    /* Default signal dispositions and an empty mask for the new program. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);

    const char *file = p->argv[0];
    if (!file || !file[0]) {
        report(errfd, ENOENT, "exec: \"%s\"%s: executable file not found in $PATH", "", "");
        _exit(127);
    }
    if (strchr(file, '/')) {
        execve(file, (char *const *)p->argv, (char *const *)p->envp);
        int saved = errno;
        if (saved == ENOENT) {
            report(errfd, ENOENT, "exec: \"%s\": stat %s: no such file or directory", file, file);
        } else {
            report(errfd, saved, "exec: \"%s\": %s", file, strerror(saved));
        }
        _exit(saved == ENOENT ? 127 : 126);
    }
    const char *path = env_path(p->envp);
    char candidate[4096];
    int last = ENOENT;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len == 0) {
            snprintf(candidate, sizeof candidate, "%s", file);
        } else {
            snprintf(candidate, sizeof candidate, "%.*s/%s", (int)len, path, file);
        }
        execve(candidate, (char *const *)p->argv, (char *const *)p->envp);
        if (errno != ENOENT && errno != ENOTDIR) last = errno;
        path += len;
        if (*path == ':') path++;
    }
    if (last == ENOENT) {
        report(errfd, ENOENT, "exec: \"%s\": executable file not found in $PATH%s", file, "");
        _exit(127);
    }
    report(errfd, last, "exec: \"%s\": %s", file, strerror(last));
    _exit(126);
}

/* --init: the container's process runs as the child of a minimal init (what docker-init, tini, does). */
struct init_args {
    const struct berth_process_spec *process;
    int errfd;
};

static char init_child_stack[STACK_SIZE] __attribute__((aligned(16)));

static int init_child(void *arg) {
    struct init_args *a = arg;
    exec_process(a->process, a->errfd);
    return 127;
}

/* PID 1 with --init: every signal is blocked and taken with sigtimedwait (a blocked signal reaches a namespace's
   init even without a handler), forwarded to the process; orphans are reaped; the process's end is init's. */
static void run_init(const struct berth_process_spec *p, int errfd) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    struct init_args args = {p, errfd};
    /* clone, not fork: no atfork handlers run in this copy of a multi-threaded process */
    int child = clone(init_child, init_child_stack + STACK_SIZE, SIGCHLD, &args);
    if (child < 0) fail(errfd, "clone the --init child");
    /* Init keeps nothing of the supervisor: the error pipe (the child's copy closes at exec, and then the supervisor
       knows the process started), the process's stdio, the shim's sockets. */
    syscall(SYS_close_range, 3U, ~0U, 0U);
    prctl(PR_SET_NAME, "docker-init", 0, 0, 0);
    for (;;) {
        siginfo_t info;
        struct timespec tick = {1, 0};
        int sig = sigtimedwait(&all, &info, &tick);
        if (sig > 0 && sig != SIGCHLD) kill(child, sig);
        int status;
        int r;
        while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
            if (r != child) continue;
            if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
            _exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
        }
    }
}

struct container_args {
    const struct berth_container_spec *spec;
    int errfd;
};

static int mkdir_in(const char *root, const char *rel, mode_t mode, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s", root, rel);
    if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;
    return 0;
}

/* mkdir -p of an absolute path; 0 or -1 (errno set). */
static int mkdir_p(const char *path, mode_t mode) {
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;
    return 0;
}

/* Resolves `path` inside the directory tree at `root` as if `root` were "/" (symbolic links and ".." cannot leave
   it), creating missing directories, and the last component as an empty file when `file`. Writes the real path
   (under `root`) to `out`. 0, or -1 with errno set. */
static int resolve_in_root(const char *root, const char *path, int create, int file, char *out, size_t outlen) {
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) return -1;
    char rel[4096];
    snprintf(rel, sizeof rel, "%s", path[0] == '/' ? path + 1 : path);
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    int fd = -1;
    /* Each prefix in turn, so that a missing component is made inside the root, never through a link. */
    size_t len = strlen(rel);
    for (size_t i = 0; i <= len; i++) {
        if (rel[i] != '/' && rel[i] != 0) continue;
        if (i == 0) continue;
        char saved = rel[i];
        rel[i] = 0;
        int last = saved == 0;
        if (fd >= 0) close(fd);
        fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
        if (fd < 0 && errno == ENOENT && create) {
            char *slash = strrchr(rel, '/');
            int parent = rootfd;
            const char *name = rel;
            if (slash) {
                *slash = 0;
                parent = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
                *slash = '/';
                name = slash + 1;
            }
            if (parent >= 0) {
                if (last && file) {
                    int f = openat(parent, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
                    if (f >= 0) close(f);
                } else {
                    mkdirat(parent, name, 0755);
                }
                if (parent != rootfd) close(parent);
            }
            fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
        }
        rel[i] = saved;
        if (fd < 0) break;
    }
    int saved_errno = errno;
    close(rootfd);
    if (fd < 0) {
        errno = saved_errno;
        return -1;
    }
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, outlen - 1);
    saved_errno = errno;
    close(fd);
    if (n < 0) {
        errno = saved_errno;
        return -1;
    }
    out[n] = 0;
    return 0;
}

/* Bind-mounts each of the spec's mounts under the new root, creating the mount points; read-only ones remounted. */
static void mount_binds(const struct berth_container_spec *s, int errfd) {
    char target[4096];
    for (int i = 0; i < s->mount_count; i++) {
        const struct berth_mount *m = &s->mounts[i];
        struct stat st;
        if (m->tmpfs) {
            if (resolve_in_root(s->rootfs, m->target, 1, 0, target, sizeof target) != 0) {
                int saved = errno;
                report(errfd, 0, "create mount point %s: %s", m->target, strerror(saved));
                _exit(126);
            }
            if (mount("tmpfs", target, "tmpfs", m->tmpfs_flags, m->tmpfs_data) != 0) {
                int saved = errno;
                report(errfd, 0, "error mounting tmpfs at \"%s\": %s", m->target, strerror(saved));
                _exit(126);
            }
            continue;
        }
        if (stat(m->source, &st) != 0) {
            int saved = errno;
            report(errfd, 0, "error mounting \"%s\": %s", m->source, strerror(saved));
            _exit(126);
        }
        if (resolve_in_root(s->rootfs, m->target, 1, !S_ISDIR(st.st_mode), target, sizeof target) != 0) {
            int saved = errno;
            report(errfd, 0, "create mount point %s: %s", m->target, strerror(saved));
            _exit(126);
        }
        if (mount(m->source, target, NULL, MS_BIND | MS_REC, NULL) != 0) {
            int saved = errno;
            report(errfd, 0, "error mounting \"%s\" to rootfs: %s", m->source, strerror(saved));
            _exit(126);
        }
        unsigned long propagation = m->propagation ? m->propagation : (MS_REC | MS_PRIVATE);
        if (mount(NULL, target, NULL, propagation, NULL) != 0) fail(errfd, "set the mount's propagation");
        if (m->readonly && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
            fail(errfd, "remount read-only");
    }
}

/* Brings loopback up in the current network namespace. Returns -1 (errno set) only when setting its flags fails;
 * without a socket or an `lo` there is nothing to do. */
static int lo_up(void) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return 0;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = 0;
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(sock, SIOCSIFFLAGS, &ifr);
    }
    int saved = errno;
    close(sock);
    errno = saved;
    return rc;
}

static int container_main(void *arg) {
    struct container_args *a = arg;
    const struct berth_container_spec *s = a->spec;
    int errfd = a->errfd;
    char path[4096];

    join_cgroups(s->process.cgroup_procs, errfd);

    if (s->net_mode == 1) {
        int nsfd = open(s->netns_path, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0) fail(errfd, "open network namespace");
        if (setns(nsfd, CLONE_NEWNET) != 0) fail(errfd, "join network namespace");
        close(nsfd);
    }

    unsigned long root_propagation = MS_REC | MS_PRIVATE;
    for (int i = 0; i < s->mount_count; i++)
        if (s->mounts[i].propagation & (MS_SLAVE | MS_SHARED)) root_propagation = MS_REC | MS_SLAVE;
    if (mount(NULL, "/", NULL, root_propagation, NULL) != 0) fail(errfd, "make / private");
    if (s->overlay_options) {
        if (mount("overlay", s->rootfs, "overlay", 0, s->overlay_options) != 0) fail(errfd, "mount overlay");
    } else {
        if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) != 0) fail(errfd, "bind rootfs");
    }
    if (mkdir_in(s->rootfs, "proc", 0555, path, sizeof path) != 0) fail(errfd, "mkdir /proc");
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail(errfd, "mount /proc");
    /* sysfs read-only, as dockerd gives it: /sys/class/net shows the container's own interfaces. */
    if (mkdir_in(s->rootfs, "sys", 0555, path, sizeof path) != 0) fail(errfd, "mkdir /sys");
    if (mount("sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail(errfd, "mount /sys");
    if (mkdir_in(s->rootfs, "dev", 0755, path, sizeof path) != 0) fail(errfd, "mkdir /dev");
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") != 0)
        fail(errfd, "mount /dev");
    static const struct { const char *name; int major, minor; } nodes[] = {
        {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
    };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        snprintf(path, sizeof path, "%s/dev/%s", s->rootfs, nodes[i].name);
        if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) != 0) fail(errfd, "mknod /dev node");
        chmod(path, 0666);
    }
    if (mkdir_in(s->rootfs, "dev/pts", 0755, path, sizeof path) != 0) fail(errfd, "mkdir /dev/pts");
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5") != 0)
        fail(errfd, "mount /dev/pts");
    if (mkdir_in(s->rootfs, "dev/shm", 01777, path, sizeof path) != 0) fail(errfd, "mkdir /dev/shm");
    char shm_options[64];
    snprintf(shm_options, sizeof shm_options, "mode=1777,size=%llu", s->shm_size ? s->shm_size : 67108864ULL);
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, shm_options) != 0)
        fail(errfd, "mount /dev/shm");
    for (int i = 0; i < s->device_count; i++) {
        const struct berth_device *d = &s->devices[i];
        char target[4096];
        if (resolve_in_root(s->rootfs, d->path, 1, 1, target, sizeof target) != 0) fail(errfd, "create device path");
        unlink(target);
        if (mknod(target, d->mode, makedev(d->major, d->minor)) != 0) fail(errfd, "mknod device");
        chmod(target, d->mode & 07777);
        if (chown(target, d->uid, d->gid) != 0) fail(errfd, "chown device");
    }
    static const struct { const char *target, *name; } links[] = {
        {"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(path, sizeof path, "%s/dev/%s", s->rootfs, links[i].name);
        if (symlink(links[i].target, path) != 0) fail(errfd, "symlink in /dev");
    }
    mount_binds(s, errfd);
    if (!(s->share & BERTH_SHARE_UTS)) {
        if (s->hostname && s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) != 0)
            fail(errfd, "sethostname");
        if (s->domainname && s->domainname[0] && setdomainname(s->domainname, strlen(s->domainname)) != 0)
            fail(errfd, "setdomainname");
    }
    /* The network sandbox's files (/etc/hosts, /etc/resolv.conf, /etc/hostname). */
    if (s->net_files && s->net_files[0]) mkdir_in(s->rootfs, "etc", 0755, path, sizeof path);
    for (const char *const *f = s->net_files; f && f[0] && f[1]; f += 2) {
        snprintf(path, sizeof path, "%s/%s", s->rootfs, f[1]);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (lstat(path, &st) == 0) unlink(path); /* e.g. a symlink into the image */
            int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0) continue; /* no /etc in the image: docker goes on without */
            close(fd);
        }
        if (mount(f[0], path, NULL, MS_BIND, NULL) != 0) fail(errfd, "bind network file");
    }
    /* Loopback up; other interfaces are the network sandbox's business. */
    if (s->net_mode == 0 && lo_up() != 0) fail(errfd, "bring lo up");
    if (chdir(s->rootfs) != 0) fail(errfd, "chdir rootfs");
    if (syscall(SYS_pivot_root, ".", ".") != 0) fail(errfd, "pivot_root");
    if (umount2(".", MNT_DETACH) != 0) fail(errfd, "detach old root");
    if (chdir("/") != 0) fail(errfd, "chdir /");
    for (const char *const *k = s->sysctls; k && k[0] && k[1]; k += 2) {
        char file[512];
        snprintf(file, sizeof file, "/proc/sys/%s", k[0]);
        for (char *c = file + 10; *c; c++) if (*c == '.') *c = '/';
        int fd = open(file, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, k[1], strlen(k[1])) < 0) {
            int saved = errno;
            char what[600];
            snprintf(what, sizeof what, "sysctl \"%s\" = \"%s\"", k[0], k[1]);
            report(errfd, 0, "%s: %s", what, strerror(saved));
            _exit(126);
        }
        close(fd);
    }
    if (s->readonly_rootfs && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
        fail(errfd, "remount / read-only");
    if (s->init) run_init(&s->process, errfd);
    exec_process(&s->process, errfd);
    return 127;
}

/* Waits for the error pipe: EOF means the child exec'd. */
static int await_exec(int pid, int readfd, char *err, int errlen, int *exec_errno) {
    struct child_error e;
    ssize_t n;
    do {
        n = read(readfd, &e, sizeof e);
    } while (n < 0 && errno == EINTR);
    close(readfd);
    if (n <= 0) return pid;
    e.text[sizeof e.text - 1] = 0;
    if (err && errlen > 0) snprintf(err, (size_t)errlen, "%s", e.text);
    if (exec_errno) *exec_errno = e.exec_errno;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return -1;
}

int berth_spawn_container(const struct berth_container_spec *spec, char *err, int errlen, int *exec_errno) {
    int pipefd[2];
    if (exec_errno) *exec_errno = 0;
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(err, (size_t)errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        snprintf(err, (size_t)errlen, "mmap stack: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    struct container_args args = {spec, pipefd[1]};
    int flags = CLONE_NEWNS | SIGCHLD;
    if (!(spec->share & BERTH_SHARE_PID)) flags |= CLONE_NEWPID;
    if (!(spec->share & BERTH_SHARE_UTS)) flags |= CLONE_NEWUTS;
    if (!(spec->share & BERTH_SHARE_IPC)) flags |= CLONE_NEWIPC;
    if (spec->net_mode == 0) flags |= CLONE_NEWNET;
    int pid = clone(container_main, (char *)stack + STACK_SIZE, flags, &args);
    int saved = errno;
    close(pipefd[1]);
    if (pid < 0) {
        snprintf(err, (size_t)errlen, "clone: %s", strerror(saved));
        close(pipefd[0]);
        munmap(stack, STACK_SIZE);
        return -1;
    }
    int result = await_exec(pid, pipefd[0], err, errlen, exec_errno);
    munmap(stack, STACK_SIZE);
    return result;
}

struct exec_args {
    int target_pid;
    const struct berth_process_spec *spec;
    int errfd;
};

static char grandchild_stack[STACK_SIZE] __attribute__((aligned(16)));

static int exec_grandchild(void *arg) {
    struct exec_args *a = arg;
    exec_process(a->spec, a->errfd);
    return 127;
}

static int exec_helper(void *arg) {
    struct exec_args *a = arg;
    static const char *kinds[] = {"ipc", "uts", "net", "pid", "mnt"};
    int fds[5];
    char path[64];
    join_cgroups(a->spec->cgroup_procs, a->errfd);
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", a->target_pid, kinds[i]);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) fail(a->errfd, "open namespace");
    }
    for (int i = 0; i < 5; i++) {
        if (setns(fds[i], 0) != 0) {
            int saved = errno;
            report(a->errfd, 0, "setns(%s): %s", kinds[i], strerror(saved));
            _exit(126);
        }
        close(fds[i]);
    }
    /* setns(mnt) put us at the container's root; the new process joins the PID namespace. */
    int pid = clone(exec_grandchild, grandchild_stack + STACK_SIZE, SIGCHLD, a);
    if (pid < 0) fail(a->errfd, "clone into namespace");
    close(a->errfd);
    /* Forward the usual termination signals to the process. */
    int status;
    for (;;) {
        int r = waitpid(pid, &status, 0);
        if (r == pid) break;
        if (r < 0 && errno != EINTR) _exit(126);
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
    _exit(126);
}

int berth_exec_in(int target_pid, const struct berth_process_spec *spec, char *err, int errlen, int *exec_errno) {
    int pipefd[2];
    if (exec_errno) *exec_errno = 0;
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(err, (size_t)errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        snprintf(err, (size_t)errlen, "mmap stack: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    struct exec_args args = {target_pid, spec, pipefd[1]};
    int pid = clone(exec_helper, (char *)stack + STACK_SIZE, SIGCHLD, &args);
    int saved = errno;
    close(pipefd[1]);
    if (pid < 0) {
        snprintf(err, (size_t)errlen, "clone: %s", strerror(saved));
        close(pipefd[0]);
        munmap(stack, STACK_SIZE);
        return -1;
    }
    int result = await_exec(pid, pipefd[0], err, errlen, exec_errno);
    munmap(stack, STACK_SIZE);
    return result;
}

/* Gives `dst` the owner, mode and times of `st` (without following a symbolic link). */
static int copy_attributes(const char *dst, const struct stat *st) {
    if (lchown(dst, st->st_uid, st->st_gid) != 0) return -1;
    if (!S_ISLNK(st->st_mode) && chmod(dst, st->st_mode & 07777) != 0) return -1;
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (utimensat(AT_FDCWD, dst, times, AT_SYMLINK_NOFOLLOW) != 0) return -1;
    return 0;
}

static int copy_file(const char *src, const char *dst, const struct stat *st) {
    int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0) return -1;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return -1;
    }
    int rc = 0;
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0) break;
        if (n > 0) continue;
        if (errno == EINTR) continue;
        if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
            rc = -1;
            break;
        }
        char buf[65536];
        for (;;) {
            ssize_t r = read(in, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                if (r < 0) rc = -1;
                break;
            }
            for (ssize_t off = 0; off < r;) {
                ssize_t w = write(out, buf + off, (size_t)(r - off));
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) {
                    rc = -1;
                    break;
                }
                off += w;
            }
            if (rc) break;
        }
        break;
    }
    close(in);
    if (close(out) != 0) rc = -1;
    if (rc == 0) rc = copy_attributes(dst, st);
    return rc;
}

/* Copies the entries of directory `src` into the existing directory `dst`, recursively. */
static int copy_children(const char *src, const char *dst, char *err, int errlen) {
    DIR *d = opendir(src);
    if (!d) {
        snprintf(err, (size_t)errlen, "open %s: %s", src, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char s[4096], t[4096];
        if ((size_t)snprintf(s, sizeof s, "%s/%s", src, e->d_name) >= sizeof s ||
            (size_t)snprintf(t, sizeof t, "%s/%s", dst, e->d_name) >= sizeof t) {
            snprintf(err, (size_t)errlen, "path too long under %s", src);
            rc = -1;
            break;
        }
        struct stat st;
        if (lstat(s, &st) != 0) {
            snprintf(err, (size_t)errlen, "lstat %s: %s", s, strerror(errno));
            rc = -1;
            break;
        }
        int r = 0;
        if (S_ISDIR(st.st_mode)) {
            r = mkdir(t, 0700);
            if (r == 0) r = copy_children(s, t, err, errlen);
            if (r != 0 && err[0]) {
                rc = -1;
                break;
            }
        } else if (S_ISREG(st.st_mode)) {
            r = copy_file(s, t, &st);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlink(s, target, sizeof target - 1);
            if (n < 0) {
                r = -1;
            } else {
                target[n] = 0;
                r = symlink(target, t);
            }
        } else {
            r = mknod(t, st.st_mode, st.st_rdev);
        }
        if (r == 0) r = copy_attributes(t, &st);
        if (r != 0) {
            if (!err[0]) snprintf(err, (size_t)errlen, "copy %s: %s", s, strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

/* Runs fn(arg, msg, msglen) in a forked child, which may unshare namespaces and mount without touching the caller;
 * fn reports a failure by writing a message. Returns the child's wait status (0: it succeeded) with its message in
 * err (empty when it left none), or -1 with err set when there was no child. */
static int run_in_child(void (*fn)(void *arg, char *msg, int msglen), void *arg, char *err, int errlen) {
    int pipefd[2];
    err[0] = 0;
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(err, (size_t)errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, (size_t)errlen, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        char msg[512] = {0};
        fn(arg, msg, sizeof msg);
        if (msg[0]) {
            ssize_t ignored = write(pipefd[1], msg, strlen(msg));
            (void)ignored;
            _exit(1);
        }
        _exit(0);
    }
    close(pipefd[1]);
    ssize_t n;
    do {
        n = read(pipefd[0], err, (size_t)errlen - 1);
    } while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n > 0) err[n] = 0;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

struct copy_up_args {
    const char *rootfs, *overlay_options, *path, *dest;
};

/* The container's root mounted in a private mount namespace, then the image's directory at `path` copied into
 * `dest`. */
static void copy_up_child(void *arg, char *msg, int msglen) {
    const struct copy_up_args *a = arg;
    char src[4096];
    struct stat st;
    if (unshare(CLONE_NEWNS) != 0) {
        snprintf(msg, (size_t)msglen, "unshare: %s", strerror(errno));
    } else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        snprintf(msg, (size_t)msglen, "make / private: %s", strerror(errno));
    } else if (mkdir_p(a->rootfs, 0755) != 0) {
        snprintf(msg, (size_t)msglen, "mkdir %s: %s", a->rootfs, strerror(errno));
    } else if (a->overlay_options ? mount("overlay", a->rootfs, "overlay", MS_RDONLY, a->overlay_options) != 0
                                  : mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) != 0) {
        snprintf(msg, (size_t)msglen, "mount the container's root: %s", strerror(errno));
    } else {
        /* The image's path resolved inside its root: a symbolic link there cannot reach the host. */
        if (resolve_in_root(a->rootfs, a->path, 0, 0, src, sizeof src) == 0 && stat(src, &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            if (copy_children(src, a->dest, msg, msglen) == 0 && copy_attributes(a->dest, &st) != 0)
                snprintf(msg, (size_t)msglen, "copy attributes to %s: %s", a->dest, strerror(errno));
        }
    }
}

int berth_copy_up(const char *rootfs, const char *overlay_options, const char *path, const char *dest, char *err,
                  int errlen) {
    struct copy_up_args args = {rootfs, overlay_options, path, dest};
    int status = run_in_child(copy_up_child, &args, err, errlen);
    if (status == 0) return 0;
    if (!err[0]) snprintf(err, (size_t)errlen, "copy-up failed (status %d)", status);
    return -1;
}

int berth_daemonize(int *ready_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid > 0) {
        close(fds[1]);
        char byte = 0;
        ssize_t n;
        do { n = read(fds[0], &byte, 1); } while (n < 0 && errno == EINTR);
        _exit(n == 1 ? 0 : 1);
    }
    close(fds[0]);
    if (setsid() < 0) return -1;
    *ready_fd = fds[1];
    return 0;
}

void berth_notify_ready(int fd) {
    if (fd < 0) return;
    char byte = 'R';
    ssize_t ignored = write(fd, &byte, 1);
    (void)ignored;
    close(fd);
}

int berth_set_winsize(int fd, unsigned short rows, unsigned short cols) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = rows;
    ws.ws_col = cols;
    return ioctl(fd, TIOCSWINSZ, &ws);
}

int berth_openpty(int *master, int *slave) {
    return openpty(master, slave, NULL, NULL, NULL);
}

int berth_set_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int berth_close_from(int lowfd) {
    return (int)syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0U);
}
