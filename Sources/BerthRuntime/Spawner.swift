import CRuntimeShim
import Glibc

/// The standard streams of a process being started.
public struct StdioFDs: Sendable {
    public var stdin: Int32
    public var stdout: Int32
    public var stderr: Int32
    public init(stdin: Int32, stdout: Int32, stderr: Int32) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Starts container processes through the C shim (clone, mounts, pivot_root, setns).
public enum Spawner {
    /// Starts the init process of a container; returns its pid once it has exec'd.
    public static func spawnContainer(_ spec: ContainerSpec, paths: ContainerPaths, stdio: StdioFDs,
                                      cgroupProcs: [String] = []) throws -> Int32 {
        let overlay = "lowerdir=\(spec.lowerDirs.joined(separator: ":")),upperdir=\(paths.upper),workdir=\(paths.work)"
        return try withProcess(spec.process, stdio: stdio, cgroupProcs: cgroupProcs) { process, err, errlen, execErrno in
            paths.rootfs.withCString { rootfs in
                overlay.withCString { options in
                    spec.hostname.withCString { hostname in
                        var c = berth_container_spec(rootfs: rootfs, overlay_options: options, hostname: hostname,
                                                     process: process)
                        return berth_spawn_container(&c, err, errlen, execErrno)
                    }
                }
            }
        }
    }

    /// Starts a process in the namespaces of the container whose init is `pid`; returns the pid of its helper.
    public static func exec(in pid: Int32, _ process: ProcessSpec, stdio: StdioFDs,
                            cgroupProcs: [String] = []) throws -> Int32 {
        try withProcess(process, stdio: stdio, cgroupProcs: cgroupProcs) { process, err, errlen, execErrno in
            var p = process
            return berth_exec_in(pid, &p, err, errlen, execErrno)
        }
    }

    private static func withProcess(
        _ spec: ProcessSpec, stdio: StdioFDs, cgroupProcs: [String],
        _ body: (berth_process_spec, UnsafeMutablePointer<CChar>, Int32, UnsafeMutablePointer<Int32>) -> Int32
    ) throws -> Int32 {
        let argv = CStringArray(spec.args)
        let envp = CStringArray(spec.env)
        let procs = CStringArray(cgroupProcs)
        defer { argv.free(); envp.free(); procs.free() }
        var err = [CChar](repeating: 0, count: 512)
        var execErrno: Int32 = 0
        let pid = spec.cwd.withCString { cwd -> Int32 in
            let process = berth_process_spec(argv: argv.pointer, envp: envp.pointer, cwd: cwd, uid: spec.uid,
                                             gid: spec.gid, stdin_fd: stdio.stdin, stdout_fd: stdio.stdout,
                                             stderr_fd: stdio.stderr, tty: spec.tty ? 1 : 0,
                                             cgroup_procs: cgroupProcs.isEmpty ? nil : procs.pointer)
            return err.withUnsafeMutableBufferPointer { buf in
                body(process, buf.baseAddress!, Int32(buf.count), &execErrno)
            }
        }
        if pid < 0 {
            let message = String(cString: err)
            let code: Int32 = execErrno == ENOENT ? 127 : 126
            throw RuntimeError.startFailed(message: message, exitCode: code)
        }
        return pid
    }
}

/// A NULL-terminated `char *const *` built from Swift strings.
struct CStringArray {
    let storage: [UnsafeMutablePointer<CChar>?]
    let pointer: UnsafeMutablePointer<UnsafePointer<CChar>?>

    init(_ strings: [String]) {
        storage = strings.map { strdup($0) } + [nil]
        pointer = .allocate(capacity: storage.count)
        for (i, s) in storage.enumerated() { pointer[i] = UnsafePointer(s) }
    }

    func free() {
        for s in storage { Glibc.free(s) }
        pointer.deallocate()
    }
}

/// Terminal helpers.
public enum Terminal {
    /// Opens a pseudo-terminal pair (master, slave), both close-on-exec.
    public static func openPTY() throws -> (master: Int32, slave: Int32) {
        var master: Int32 = -1, slave: Int32 = -1
        guard berth_openpty(&master, &slave) == 0 else { throw RuntimeError.errno("openpty") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        return (master, slave)
    }

    public static func resize(_ fd: Int32, rows: UInt16, cols: UInt16) {
        _ = berth_set_winsize(fd, rows, cols)
    }
}
