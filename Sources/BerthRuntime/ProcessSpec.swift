/// A process to run in a container: its command line, environment, working directory and identity.
public struct ProcessSpec: Codable, Sendable, Equatable {
    public var args: [String]
    public var env: [String]
    public var cwd: String
    public var uid: UInt32
    public var gid: UInt32
    /// Runs on a new pseudo-terminal (docker `-t`).
    public var tty: Bool
    /// Keeps stdin open (docker `-i`); otherwise stdin is `/dev/null`.
    public var openStdin: Bool
    /// Closes the process's stdin when the first attached client's stdin ends.
    public var stdinOnce: Bool
    /// Supplementary groups (nil: none).
    public var groups: [UInt32]?
    /// The capabilities the process keeps (bit N = capability N; a non-root process keeps none, the bounding set
    /// is cut to these); nil: docker's default set.
    public var capabilities: UInt64?
    /// `--ulimit`s, set before exec.
    public var rlimits: [ResourceLimit]?
    /// Whether output travels in docker's stream frames; nil: when there is no terminal. An exec created with a
    /// terminal and started without one (docker-py's `exec_start(tty=False)`) runs on its pty, framed as stdout.
    public var framed: Bool?

    /// Whether output is sent in stream frames.
    public var framesOutput: Bool { framed ?? !tty }

    public init(args: [String], env: [String], cwd: String = "/", uid: UInt32 = 0, gid: UInt32 = 0, tty: Bool = false,
                openStdin: Bool = false, stdinOnce: Bool = false, groups: [UInt32]? = nil) {
        self.groups = groups
        self.args = args
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.gid = gid
        self.tty = tty
        self.openStdin = openStdin
        self.stdinOnce = stdinOnce
    }
}

/// One `--ulimit NAME=SOFT[:HARD]` as setrlimit(2) takes it.
public struct ResourceLimit: Codable, Sendable, Equatable {
    public var resource: Int32
    public var soft: UInt64
    public var hard: UInt64

    public init(resource: Int32, soft: UInt64, hard: UInt64) {
        self.resource = resource
        self.soft = soft
        self.hard = hard
    }
}

/// A device node made in the container's /dev (`--device`).
public struct DeviceSpec: Codable, Sendable, Equatable {
    public var path: String
    /// S_IFCHR or S_IFBLK with the permission bits.
    public var mode: UInt32
    public var major: UInt32
    public var minor: UInt32
    public var uid: UInt32
    public var gid: UInt32

    public init(path: String, mode: UInt32, major: UInt32, minor: UInt32, uid: UInt32 = 0, gid: UInt32 = 0) {
        self.path = path
        self.mode = mode
        self.major = major
        self.minor = minor
        self.uid = uid
        self.gid = gid
    }
}

/// Linux capabilities by docker's names (`CAP_` prefix optional, any case), and dockerd's default set.
public enum Capabilities {
    public static let names: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ]

    /// dockerd's defaults: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
    /// NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
    public static let dockerDefault: UInt64 = mask(["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
                                                    "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
                                                    "SYS_CHROOT", "KILL", "AUDIT_WRITE"])
    public static var all: UInt64 { (UInt64(1) << UInt64(names.count)) - 1 }

    /// The bit of a capability name, nil when unknown.
    public static func bit(_ name: String) -> UInt64? {
        var upper = name.uppercased()
        if upper.hasPrefix("CAP_") { upper = String(upper.dropFirst(4)) }
        return names.firstIndex(of: upper).map { UInt64(1) << UInt64($0) }
    }

    static func mask(_ list: [String]) -> UInt64 { list.reduce(0) { $0 | (bit($1) ?? 0) } }

    public struct Unknown: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "unknown capability: \"\(name)\"" }
    }

    /// The set of a container: the defaults (all with `privileged`), minus `drop`, plus `add`; `ALL` in either
    /// means every capability, as dockerd reads them (a drop of ALL then the adds).
    public static func resolve(add: [String], drop: [String], privileged: Bool) throws -> UInt64 {
        if privileged { return all }
        func bits(_ list: [String]) throws -> UInt64 {
            try list.reduce(0) { acc, name in
                if name.uppercased() == "ALL" { return all }
                guard let b = bit(name) else {
                    let upper = name.uppercased()
                    throw Unknown(name: upper.hasPrefix("CAP_") ? upper : "CAP_" + upper)
                }
                return acc | b
            }
        }
        return (dockerDefault & ~(try bits(drop))) | (try bits(add))
    }
}
