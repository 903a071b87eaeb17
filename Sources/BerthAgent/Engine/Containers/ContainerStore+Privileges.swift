import BerthRuntime
import Glibc

/// What a container may do and which of the host's namespaces it shares, as dockerd reads `HostConfig`:
/// capabilities, `--ulimit`, `--sysctl`, `--shm-size`, `--pid/--uts/--ipc host` and `--device`.
extension ContainerStore {
    /// RLIMIT_* numbers on Linux, by docker's `--ulimit` names.
    static let ulimitResources: [String: Int32] = [
        "cpu": 0, "fsize": 1, "data": 2, "stack": 3, "core": 4, "rss": 5, "nproc": 6, "nofile": 7, "memlock": 8,
        "as": 9, "locks": 10, "sigpending": 11, "msgqueue": 12, "nice": 13, "rtprio": 14, "rttime": 15,
    ]

    /// Refuses at create what dockerd refuses: unknown capabilities, ulimits, modes; devices that are not there.
    static func validatePrivileges(_ h: HostConfig) throws {
        do { _ = try capabilities(h) } catch let error as Capabilities.Unknown {
            throw APIError.invalidArgument(error.description)
        }
        _ = try rlimits(h)
        for (key, _) in h.Sysctls ?? [:] where !namespacedSysctl(key) {
            throw APIError.invalidArgument("sysctl '\(key)' is not allowed")
        }
        if let mode = h.PidMode, !mode.isEmpty, mode != "host" {
            throw APIError.invalidArgument("invalid PID mode: \(mode)")
        }
        if let mode = h.UTSMode, !mode.isEmpty, mode != "host" {
            throw APIError.invalidArgument("invalid UTS mode: \(mode)")
        }
        if let mode = h.IpcMode, !["", "private", "shareable", "host", "none"].contains(mode) {
            throw APIError.invalidArgument("invalid IPC mode: \(mode)")
        }
        if let size = h.ShmSize, size < 0 { throw APIError.invalidArgument("SHM size can not be less than 0") }
        _ = try devices(h)
    }

    /// dockerd allows the sysctls of namespaces the container has: IPC (`kernel.msg*`, `kernel.sem`, `kernel.shm*`,
    /// `fs.mqueue.*`) and network (`net.*`).
    static func namespacedSysctl(_ key: String) -> Bool {
        key.hasPrefix("net.") || key.hasPrefix("fs.mqueue.") || key.hasPrefix("kernel.msg") || key.hasPrefix("kernel.shm")
            || key == "kernel.sem" || key == "kernel.domainname" || key == "kernel.hostname"
    }

    static func capabilities(_ h: HostConfig) throws -> UInt64 {
        try Capabilities.resolve(add: h.CapAdd ?? [], drop: h.CapDrop ?? [], privileged: h.Privileged ?? false)
    }

    static func rlimits(_ h: HostConfig) throws -> [ResourceLimit]? {
        guard let list = h.Ulimits, !list.isEmpty else { return nil }
        return try list.map { u in
            guard let resource = ulimitResources[u.Name] else { throw APIError.invalidArgument("invalid ulimit type: \(u.Name)") }
            guard u.Soft <= u.Hard || u.Hard < 0 else {
                throw APIError.invalidArgument("ulimit soft limit must be less than or equal to hard limit: \(u.Soft) > \(u.Hard)")
            }
            let value = { (v: Int64) in v < 0 ? UInt64.max : UInt64(v) }
            return ResourceLimit(resource: resource, soft: value(u.Soft), hard: value(u.Hard))
        }
    }

    /// `--device`: the host node's type and numbers, made at the container path (the host path by default).
    static func devices(_ h: HostConfig) throws -> [DeviceSpec]? {
        guard let list = h.Devices, !list.isEmpty else { return nil }
        return try list.map { d in
            var st = stat()
            guard stat(d.PathOnHost, &st) == 0 else {
                throw APIError.invalidArgument("error gathering device information while adding custom device \"\(d.PathOnHost)\": no such file or directory")
            }
            let type = st.st_mode & S_IFMT
            guard type == S_IFCHR || type == S_IFBLK else {
                throw APIError.invalidArgument("error gathering device information while adding custom device \"\(d.PathOnHost)\": not a device node")
            }
            let path = d.PathInContainer.flatMap { $0.isEmpty ? nil : $0 } ?? d.PathOnHost
            // glibc's major()/minor() are macros: the same arithmetic
            let dev = UInt64(st.st_rdev)
            let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
            let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
            return DeviceSpec(path: path, mode: UInt32(st.st_mode), major: UInt32(truncatingIfNeeded: major),
                              minor: UInt32(truncatingIfNeeded: minor), uid: st.st_uid, gid: st.st_gid)
        }
    }

    /// The container spec's share of `HostConfig`.
    static func applyPrivileges(_ h: HostConfig, to spec: inout ContainerSpec, domainname: String?) throws {
        spec.process.capabilities = try capabilities(h)
        spec.process.rlimits = try rlimits(h)
        spec.hostPID = h.PidMode == "host" ? true : nil
        spec.hostUTS = h.UTSMode == "host" ? true : nil
        spec.hostIPC = h.IpcMode == "host" ? true : nil
        spec.shmSize = (h.ShmSize ?? 0) > 0 ? h.ShmSize : nil
        spec.sysctls = (h.Sysctls ?? [:]).isEmpty ? nil : h.Sysctls
        spec.devices = try devices(h)
        spec.domainname = domainname.flatMap { $0.isEmpty ? nil : $0 }
    }
}
