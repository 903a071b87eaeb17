import Glibc
/// Everything the supervisor needs to start a container; written as `spec.json` in the container's directory.
public struct ContainerSpec: Codable, Sendable, Equatable {
    public var id: String
    public var hostname: String
    /// Image layer directories, topmost first (overlayfs `lowerdir` order).
    public var lowerDirs: [String]
    public var process: ProcessSpec
    /// cgroup v1 limits; nil or 0 means none.
    public var memoryLimit: Int64?
    public var pidsLimit: Int64?
    /// Volumes and host paths bind-mounted into the container, in order (nil: none).
    public var mounts: [MountSpec]?
    /// How the container gets its network namespace; nil: a new one with loopback only.
    public var network: NetworkJoin?
    /// Files of the network sandbox bind-mounted into the container (/etc/hosts, /etc/resolv.conf, /etc/hostname).
    public var networkFiles: [BindFile]?
    /// The root filesystem is already a full copy at `ContainerPaths.rootfs` (the vfs storage driver): it is
    /// bind-mounted as is instead of stacking `lowerDirs` with overlayfs. nil: overlayfs.
    public var rootfsCopied: Bool?
    /// `--read-only`: the root filesystem is remounted read-only after pivot_root (mounts on it stay as they are).
    public var readOnlyRoot: Bool?
    /// `--init`: PID 1 is a minimal init that runs the process as its child.
    public var initProcess: Bool?
    /// `--pid host`, `--uts host`, `--ipc host`: the host's namespace instead of a new one.
    public var hostPID: Bool?
    public var hostUTS: Bool?
    public var hostIPC: Bool?
    /// `--shm-size` in bytes; nil: 64 MiB.
    public var shmSize: Int64?
    /// `--domainname`.
    public var domainname: String?
    /// `--sysctl KEY=VALUE`, written after pivot_root.
    public var sysctls: [String: String]?
    /// `--device HOST[:CONTAINER]`.
    public var devices: [DeviceSpec]?

    public init(id: String, hostname: String, lowerDirs: [String], process: ProcessSpec, memoryLimit: Int64? = nil,
                pidsLimit: Int64? = nil, mounts: [MountSpec]? = nil) {
        self.id = id
        self.hostname = hostname
        self.lowerDirs = lowerDirs
        self.process = process
        self.memoryLimit = memoryLimit
        self.pidsLimit = pidsLimit
        self.mounts = mounts
    }
}

/// A bind mount of a host path (a volume's directory or a bind source) at `destination` inside the container.
public struct MountSpec: Codable, Sendable, Equatable {
    public var source: String
    public var destination: String
    public var readOnly: Bool
    /// A bind's propagation (`rprivate`, `rslave`, `rshared`, ...); nil: rprivate.
    public var propagation: String?
    /// A tmpfs at `destination` (`--tmpfs`, `--mount type=tmpfs`) with these mount options instead of a bind of
    /// `source`: `size=65536k,mode=1777` and the flag words `noexec`, `nosuid`, `nodev`, `ro`.
    public var tmpfsOptions: String?

    public init(source: String, destination: String, readOnly: Bool = false, propagation: String? = nil,
                tmpfsOptions: String? = nil) {
        self.source = source
        self.destination = destination
        self.readOnly = readOnly
        self.propagation = propagation
        self.tmpfsOptions = tmpfsOptions
    }

    /// A tmpfs's mount(2) flags and data from `tmpfsOptions`: flag words become flags, the rest is data.
    public var tmpfsFlagsAndData: (flags: UInt, data: String) {
        var flags: UInt = 0
        var data: [Substring] = []
        for word in (tmpfsOptions ?? "").split(separator: ",") {
            switch word {
            case "noexec": flags |= UInt(MS_NOEXEC)
            case "exec": flags &= ~UInt(MS_NOEXEC)
            case "nosuid": flags |= UInt(MS_NOSUID)
            case "suid": flags &= ~UInt(MS_NOSUID)
            case "nodev": flags |= UInt(MS_NODEV)
            case "dev": flags &= ~UInt(MS_NODEV)
            case "ro": flags |= UInt(MS_RDONLY)
            case "rw": flags &= ~UInt(MS_RDONLY)
            case "rprivate", "private", "shared", "rshared", "slave", "rslave": break
            default: data.append(word)
            }
        }
        return (flags, data.joined(separator: ","))
    }

    /// The mount(2) flags of `propagation`.
    public var propagationFlags: UInt {
        switch propagation {
        case "private": return UInt(MS_PRIVATE)
        case "shared": return UInt(MS_SHARED)
        case "rshared": return UInt(MS_SHARED) | UInt(MS_REC)
        case "slave": return UInt(MS_SLAVE)
        case "rslave": return UInt(MS_SLAVE) | UInt(MS_REC)
        default: return UInt(MS_PRIVATE) | UInt(MS_REC)
        }
    }
}

/// How a container joins a network namespace (docker's network modes, seen from the runtime).
public enum NetworkJoin: Codable, Sendable, Equatable {
    /// A fresh namespace with loopback only (what `none` used to be).
    case new
    /// The namespace bind-mounted at a path: a sandbox made by the agent, or another container's.
    case path(String)
    /// The host's namespace (`--network host`).
    case host
}

/// A file bind-mounted over `target` (a path inside the container).
public struct BindFile: Codable, Sendable, Equatable {
    public var source: String
    public var target: String
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }
}
