import BerthCore

/// The part of docker's `HostConfig` berthd honours; other keys are ignored.
public struct HostConfig: Codable, Sendable, Equatable {
    public struct RestartPolicy: Codable, Sendable, Equatable {
        public var Name: String?
        public var MaximumRetryCount: Int?
    }

    public var AutoRemove: Bool?
    public var Memory: Int64?
    public var PidsLimit: Int64?
    /// `--network`, parsed when the request is decoded; records written as docker's string decode too.
    public var NetworkMode: BerthCore.NetworkMode?
    public var RestartPolicy: RestartPolicy?
    /// `-v SRC:DST[:OPTS]`: a volume name or an absolute host path.
    public var Binds: [String]?
    /// `--mount type=volume|bind,...`.
    public var Mounts: [MountRequest]?
    /// `--volumes-from CONTAINER[:ro|:rw]`.
    public var VolumesFrom: [String]?
    /// `-p`: `"80/tcp": [{"HostIp": "", "HostPort": "8080"}]`.
    public var PortBindings: [String: [PortBinding]]?
    /// `-P`.
    public var PublishAllPorts: Bool?
    /// `--cpu-shares` (recorded; applied as cgroup v2 `cpu.weight`).
    public var CpuShares: Int64?
    /// `--cpus` in 1e-9 CPUs (recorded).
    public var NanoCpus: Int64?
    public var CpuQuota: Int64?
    public var CpuPeriod: Int64?
    public var MemoryReservation: Int64?
    public var MemorySwap: Int64?
    /// `--init` (recorded and reported).
    public var Init: Bool?
    /// `--group-add`: supplementary groups by name or number.
    public var GroupAdd: [String]?
    /// `--log-driver`/`--log-opt`; berthd writes json-file logs only.
    public var LogConfig: LogConfig?
    /// `--add-host NAME:ADDRESS`: extra `/etc/hosts` lines.
    public var ExtraHosts: [String]?
    /// `--dns`, `--dns-search`, `--dns-option`: the container's `/etc/resolv.conf`.
    public var Dns: [String]?
    public var DnsSearch: [String]?
    public var DnsOptions: [String]?
    /// `--link NAME[:ALIAS]` (legacy links, default bridge).
    public var Links: [String]?
    /// `--read-only`: the container's root filesystem is mounted read-only.
    public var ReadonlyRootfs: Bool?
    /// `--tmpfs DEST[:OPTIONS]`.
    public var Tmpfs: [String: String]?
    /// `--cap-add`, `--cap-drop` (docker's names, `CAP_` optional, `ALL`), `--privileged` (every capability).
    public var CapAdd: [String]?
    public var CapDrop: [String]?
    public var Privileged: Bool?
    /// `--sysctl KEY=VALUE` (namespaced ones: `net.*`, `kernel.shm*`, ...).
    public var Sysctls: [String: String]?
    /// `--ulimit NAME=SOFT[:HARD]`.
    public var Ulimits: [Ulimit]?
    /// `--shm-size` in bytes (0: 64 MiB).
    public var ShmSize: Int64?
    /// `--pid host`, `--uts host`, `--ipc host|private|shareable|none`.
    public var PidMode: String?
    public var UTSMode: String?
    public var IpcMode: String?
    /// `--device HOST[:CONTAINER[:PERMISSIONS]]`.
    public var Devices: [DeviceMapping]?

    /// Kept as given and reported by inspect, as dockerd echoes them; berthd does not act on them (no cpuset, blkio
    /// or device cgroup controllers are set up, no volume plugins, no other isolation than Linux's default).
    public var VolumeDriver: String?
    public var Isolation: String?
    public var CpusetCpus: String?
    public var CpusetMems: String?
    public var DeviceCgroupRules: [String]?
    public var BlkioWeight: Int?
    public var OomScoreAdj: Int?
    public var OomKillDisable: Bool?
    public var MemorySwappiness: Int64?
    public var CgroupParent: String?
    public var SecurityOpt: [String]?
    public var UsernsMode: String?
    public var CpuRealtimePeriod: Int64?
    public var CpuRealtimeRuntime: Int64?
    public var ContainerIDFile: String?

    public struct Ulimit: Codable, Sendable, Equatable {
        public var Name: String
        public var Soft: Int64
        public var Hard: Int64
    }

    public struct DeviceMapping: Codable, Sendable, Equatable {
        public var PathOnHost: String
        public var PathInContainer: String?
        public var CgroupPermissions: String?
    }

    /// docker's `{Type, Config}` of a container's log driver.
    public struct LogConfig: Codable, Sendable, Equatable {
        public var `Type`: String?
        public var Config: [String: String]?
    }

    public init() {}
}
