import BerthKernel
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

/// Starts container processes through the C shim (clone, mounts, pivot_root, setns): what posix_spawn and so
/// BerthKernel's ``Spawner`` cannot do.
public enum ContainerSpawner {
    /// Starts the init process of a container; returns its pid once it has exec'd.
    public static func spawnContainer(_ spec: ContainerSpec, paths: ContainerPaths, stdio: StdioFDs,
                                      cgroupProcs: [String] = []) throws -> Int32 {
        let overlay: String? = spec.rootfsCopied == true ? nil
            : OverlayStack(lower: spec.lowerDirs, upper: paths.upper, work: paths.work).options
        let mounts = CMounts(spec.mounts ?? [])
        defer { mounts.free() }
        return try withProcess(spec.process, stdio: stdio, cgroupProcs: cgroupProcs) { process, err, errlen, execErrno in
            paths.rootfs.withCString { rootfs in
                withOptionalCString(overlay) { options in
                    spec.hostname.withCString { hostname in
                        let files = CStringArray((spec.networkFiles ?? []).flatMap { [$0.source, $0.target] })
                        defer { files.free() }
                        let sysctls = CStringArray((spec.sysctls ?? [:]).sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
                        defer { sysctls.free() }
                        let devicePaths = CStringArray((spec.devices ?? []).map(\.path))
                        defer { devicePaths.free() }
                        let devices = (spec.devices ?? []).enumerated().map { i, d in
                            berth_device(path: devicePaths.pointer[i], mode: d.mode, major: d.major, minor: d.minor,
                                         uid: d.uid, gid: d.gid)
                        }
                        let (mode, nsPath): (Int32, String) = {
                            switch spec.network ?? .new {
                            case .new: return (0, "")
                            case .path(let path): return (1, path)
                            case .host: return (2, "")
                            }
                        }()
                        return nsPath.withCString { ns in
                            var c = berth_container_spec()
                            c.rootfs = rootfs
                            c.overlay_options = options
                            c.hostname = hostname
                            c.process = process
                            c.mounts = UnsafePointer(mounts.pointer)
                            c.mount_count = Int32(mounts.count)
                            c.net_mode = mode
                            c.netns_path = ns
                            c.net_files = UnsafePointer(files.pointer)
                            c.readonly_rootfs = spec.readOnlyRoot == true ? 1 : 0
                            c.`init` = spec.initProcess == true ? 1 : 0
                            c.share = (spec.hostPID == true ? Int32(BERTH_SHARE_PID) : 0)
                                | (spec.hostUTS == true ? Int32(BERTH_SHARE_UTS) : 0)
                                | (spec.hostIPC == true ? Int32(BERTH_SHARE_IPC) : 0)
                            c.shm_size = UInt64(max(spec.shmSize ?? 0, 0))
                            c.sysctls = UnsafePointer(sysctls.pointer)
                            return withOptionalCString(spec.domainname) { domain in
                                c.domainname = domain
                                return devices.withUnsafeBufferPointer { list in
                                    c.devices = list.baseAddress
                                    c.device_count = Int32(list.count)
                                    return berth_spawn_container(&c, err, errlen, execErrno)
                                }
                            }
                        }
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
        let groups = spec.groups ?? []
        let limits = (spec.rlimits ?? []).map { berth_rlimit(resource: $0.resource, soft: $0.soft, hard: $0.hard) }
        let caps = spec.capabilities ?? Capabilities.dockerDefault
        let pid = spec.cwd.withCString { cwd -> Int32 in
            groups.withUnsafeBufferPointer { gids -> Int32 in
                limits.withUnsafeBufferPointer { rlimits -> Int32 in
                    let process = berth_process_spec(argv: argv.pointer, envp: envp.pointer, cwd: cwd, uid: spec.uid,
                                                     gid: spec.gid, stdin_fd: stdio.stdin, stdout_fd: stdio.stdout,
                                                     stderr_fd: stdio.stderr, tty: spec.tty ? 1 : 0,
                                                     cgroup_procs: cgroupProcs.isEmpty ? nil : procs.pointer,
                                                     groups: gids.baseAddress, group_count: Int32(gids.count),
                                                     caps_set: 1, caps: caps, rlimits: rlimits.baseAddress,
                                                     rlimit_count: Int32(rlimits.count))
                    return err.withUnsafeMutableBufferPointer { buf in
                        body(process, buf.baseAddress!, Int32(buf.count), &execErrno)
                    }
                }
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

/// Runs `body` with `string` as a C string, or with NULL when it is nil.
private func withOptionalCString<T>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}

/// The `berth_mount` array of a container spec, with its strings, freed by `free()`.
struct CMounts {
    let pointer: UnsafeMutablePointer<berth_mount>
    let count: Int

    init(_ mounts: [MountSpec]) {
        count = mounts.count
        pointer = .allocate(capacity: max(count, 1))
        for (i, m) in mounts.enumerated() {
            let tmpfs = m.tmpfsOptions.map { _ in m.tmpfsFlagsAndData }
            pointer[i] = berth_mount(source: UnsafePointer(strdup(m.source)), target: UnsafePointer(strdup(m.destination)),
                                     readonly: m.readOnly ? 1 : 0, propagation: UInt(m.propagationFlags),
                                     tmpfs: tmpfs == nil ? 0 : 1, tmpfs_flags: tmpfs?.flags ?? 0,
                                     tmpfs_data: tmpfs.map { UnsafePointer(strdup($0.data)) } ?? nil)
        }
    }

    func free() {
        for i in 0..<count {
            Glibc.free(UnsafeMutableRawPointer(mutating: pointer[i].source))
            Glibc.free(UnsafeMutableRawPointer(mutating: pointer[i].target))
            if let data = pointer[i].tmpfs_data { Glibc.free(UnsafeMutableRawPointer(mutating: data)) }
        }
        pointer.deallocate()
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

/// Docker's volume copy-up: what an image holds at a path is copied into a new, empty volume.
public enum CopyUp {
    /// Copies the tree at `path` in the root made of `lowerDirs` (topmost first) into the empty directory `dest`,
    /// keeping owners, modes, times and symbolic links. `mountPoint` is a scratch directory for the read-only
    /// overlay, mounted only in a child's private mount namespace. Nothing happens when `path` is not a directory.
    public static func copy(lowerDirs: [String], mountPoint: String, path: String, into dest: String) throws {
        let options: String? = lowerDirs.count == 1 ? nil : "lowerdir=" + lowerDirs.joined(separator: ":")
        let root = lowerDirs.count == 1 ? lowerDirs[0] : mountPoint
        var err = [CChar](repeating: 0, count: 512)
        let rc = err.withUnsafeMutableBufferPointer { buf in
            root.withCString { r in
                path.withCString { p in
                    dest.withCString { d in
                        if let options {
                            return options.withCString { berth_copy_up(r, $0, p, d, buf.baseAddress!, Int32(buf.count)) }
                        }
                        return berth_copy_up(r, nil, p, d, buf.baseAddress!, Int32(buf.count))
                    }
                }
            }
        }
        if rc != 0 { throw RuntimeError.copyUpFailed(path: path, message: String(cString: err)) }
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
