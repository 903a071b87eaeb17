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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
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
    /* Raw syscalls: glibc's setgroups/setgid/setuid signal every thread the parent had (the child of a raw clone
       still lists them) and wait for answers that never come, hanging the child now and then. */
    if (syscall(SYS_setgroups, 0, NULL) != 0) fail(errfd, "setgroups");
    if (syscall(SYS_setgid, p->gid) != 0) fail(errfd, "setgid");
    if (syscall(SYS_setuid, p->uid) != 0) fail(errfd, "setuid");
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

struct container_args {
    const struct berth_container_spec *spec;
    int errfd;
};

static int mkdir_in(const char *root, const char *rel, mode_t mode, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s", root, rel);
    if (mkdir(buf, mode) != 0 && errno != EEXIST) return -1;
    return 0;
}

static int container_main(void *arg) {
    struct container_args *a = arg;
    const struct berth_container_spec *s = a->spec;
    int errfd = a->errfd;
    char path[4096];

    join_cgroups(s->process.cgroup_procs, errfd);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) fail(errfd, "make / private");
    if (s->overlay_options) {
        if (mount("overlay", s->rootfs, "overlay", 0, s->overlay_options) != 0) fail(errfd, "mount overlay");
    } else {
        if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) != 0) fail(errfd, "bind rootfs");
    }
    if (mkdir_in(s->rootfs, "proc", 0555, path, sizeof path) != 0) fail(errfd, "mkdir /proc");
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail(errfd, "mount /proc");
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
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") != 0)
        fail(errfd, "mount /dev/shm");
    static const struct { const char *target, *name; } links[] = {
        {"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(path, sizeof path, "%s/dev/%s", s->rootfs, links[i].name);
        if (symlink(links[i].target, path) != 0) fail(errfd, "symlink in /dev");
    }
    if (s->hostname && s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) != 0)
        fail(errfd, "sethostname");
    /* Loopback up; other interfaces are the network sandbox's business. */
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock >= 0) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
            ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
            if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) fail(errfd, "bring lo up");
        }
        close(sock);
    }
    if (chdir(s->rootfs) != 0) fail(errfd, "chdir rootfs");
    if (syscall(SYS_pivot_root, ".", ".") != 0) fail(errfd, "pivot_root");
    if (umount2(".", MNT_DETACH) != 0) fail(errfd, "detach old root");
    if (chdir("/") != 0) fail(errfd, "chdir /");
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
    int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD;
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

int berth_daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid > 0) _exit(0);
    if (setsid() < 0) return -1;
    return 0;
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
