import BerthCore

/// `HostConfig` as `GET /containers/{id}/json` reports it: every field dockerd writes, with its zero value (or
/// `null` where dockerd's is a nil slice or map) when the container did not set it. Clients read some of them
/// unconditionally (docker-py's `containers.run()` reads `LogConfig.Type`).
public struct HostConfigInspect: EncodesNulls, Sendable {
    public struct LogConfigView: Encodable, Sendable, Equatable {
        public var `Type`: String
        public var Config: [String: String]
    }
    public struct RestartPolicyView: Encodable, Sendable, Equatable {
        public var Name: String
        public var MaximumRetryCount: Int
    }

    public var Binds: [String]?
    public var ContainerIDFile = ""
    public var LogConfig: LogConfigView
    public var NetworkMode: String
    public var PortBindings: [String: [PortBinding]]
    public var RestartPolicy: RestartPolicyView
    public var AutoRemove: Bool
    public var VolumeDriver = ""
    public var VolumesFrom: [String]?
    public var ConsoleSize = [0, 0]
    public var CapAdd: [String]? = nil
    public var CapDrop: [String]? = nil
    public var CgroupnsMode = "private"
    public var Dns: [String] = []
    public var DnsOptions: [String] = []
    public var DnsSearch: [String] = []
    public var ExtraHosts: [String]? = nil
    public var GroupAdd: [String]? = nil
    public var IpcMode = "private"
    public var Cgroup = ""
    public var Links: [String]? = nil
    public var OomScoreAdj = 0
    public var PidMode = ""
    public var Privileged = false
    public var PublishAllPorts: Bool
    public var ReadonlyRootfs = false
    public var SecurityOpt: [String]? = nil
    /// dockerd leaves it out when empty; here it is `null` then.
    public var Sysctls: [String: String]? = nil
    public var Tmpfs: [String: String]? = nil
    public var UTSMode = ""
    public var UsernsMode = ""
    public var ShmSize: Int64 = 67_108_864
    public var Runtime = "runc"
    public var Isolation = ""
    public var CpuShares: Int64
    public var Memory: Int64
    public var NanoCpus: Int64
    public var CgroupParent = ""
    /// API < 1.42 (dockerd 20.10 still writes them).
    public var KernelMemory: Int64 = 0
    public var KernelMemoryTCP: Int64 = 0
    public var BlkioWeight = 0
    public var BlkioWeightDevice: [EmptyObject] = []
    public var BlkioDeviceReadBps: [EmptyObject] = []
    public var BlkioDeviceWriteBps: [EmptyObject] = []
    public var BlkioDeviceReadIOps: [EmptyObject] = []
    public var BlkioDeviceWriteIOps: [EmptyObject] = []
    public var CpuPeriod: Int64
    public var CpuQuota: Int64
    public var CpuRealtimePeriod: Int64 = 0
    public var CpuRealtimeRuntime: Int64 = 0
    public var CpusetCpus = ""
    public var CpusetMems = ""
    public var Devices: [DeviceView] = []
    public struct DeviceView: Encodable, Sendable, Equatable {
        public var PathOnHost: String
        public var PathInContainer: String
        public var CgroupPermissions: String
    }
    public var DeviceCgroupRules: [String]? = nil
    public var DeviceRequests: [EmptyObject]? = nil
    public var MemoryReservation: Int64
    public var MemorySwap: Int64
    public var MemorySwappiness: Int64? = nil
    public var OomKillDisable: Bool? = nil
    public var PidsLimit: Int64?
    public var Ulimits: [HostConfig.Ulimit]? = nil
    public var CpuCount = 0
    public var CpuPercent = 0
    public var IOMaximumIOps = 0
    public var IOMaximumBandwidth = 0
    public var Mounts: [MountRequest]?
    public var Init: Bool?
    public var MaskedPaths: [String]? = nil
    public var ReadonlyPaths: [String]? = nil

    /// The report of `hostConfig` for a container in `networkMode`.
    public init(_ hostConfig: HostConfig, networkMode: String) {
        Binds = hostConfig.Binds
        self.LogConfig = LogConfigView(Type: hostConfig.LogConfig?.Type.flatMap { $0.isEmpty ? nil : $0 } ?? "json-file",
                          Config: hostConfig.LogConfig?.Config ?? [:])
        NetworkMode = networkMode
        PortBindings = hostConfig.PortBindings ?? [:]
        self.RestartPolicy = RestartPolicyView(Name: hostConfig.RestartPolicy?.Name.flatMap { $0.isEmpty ? nil : $0 } ?? "no",
                              MaximumRetryCount: hostConfig.RestartPolicy?.MaximumRetryCount ?? 0)
        AutoRemove = hostConfig.AutoRemove ?? false
        VolumesFrom = hostConfig.VolumesFrom
        PublishAllPorts = hostConfig.PublishAllPorts ?? false
        CpuShares = hostConfig.CpuShares ?? 0
        Memory = hostConfig.Memory ?? 0
        NanoCpus = hostConfig.NanoCpus ?? 0
        CpuPeriod = hostConfig.CpuPeriod ?? 0
        CpuQuota = hostConfig.CpuQuota ?? 0
        MemoryReservation = hostConfig.MemoryReservation ?? 0
        MemorySwap = hostConfig.MemorySwap ?? 0
        PidsLimit = hostConfig.PidsLimit.flatMap { $0 > 0 ? $0 : nil }
        Mounts = hostConfig.Mounts
        Init = hostConfig.Init
        GroupAdd = hostConfig.GroupAdd
        ExtraHosts = hostConfig.ExtraHosts.flatMap { $0.isEmpty ? nil : $0 }
        Dns = hostConfig.Dns ?? []
        DnsSearch = hostConfig.DnsSearch ?? []
        DnsOptions = hostConfig.DnsOptions ?? []
        ReadonlyRootfs = hostConfig.ReadonlyRootfs ?? false
        CapAdd = hostConfig.CapAdd.flatMap { $0.isEmpty ? nil : $0 }
        CapDrop = hostConfig.CapDrop.flatMap { $0.isEmpty ? nil : $0 }
        Privileged = hostConfig.Privileged ?? false
        Sysctls = hostConfig.Sysctls.flatMap { $0.isEmpty ? nil : $0 }
        Ulimits = hostConfig.Ulimits.flatMap { $0.isEmpty ? nil : $0 }
        if let size = hostConfig.ShmSize, size > 0 { ShmSize = size }
        PidMode = hostConfig.PidMode ?? ""
        UTSMode = hostConfig.UTSMode ?? ""
        if let mode = hostConfig.IpcMode, !mode.isEmpty { IpcMode = mode }
        Devices = (hostConfig.Devices ?? []).map {
            DeviceView(PathOnHost: $0.PathOnHost, PathInContainer: $0.PathInContainer.flatMap { $0.isEmpty ? nil : $0 } ?? $0.PathOnHost,
                       CgroupPermissions: $0.CgroupPermissions.flatMap { $0.isEmpty ? nil : $0 } ?? "rwm")
        }
        Tmpfs = hostConfig.Tmpfs.flatMap { $0.isEmpty ? nil : $0 }
        VolumeDriver = hostConfig.VolumeDriver ?? ""
        Isolation = hostConfig.Isolation ?? ""
        CpusetCpus = hostConfig.CpusetCpus ?? ""
        CpusetMems = hostConfig.CpusetMems ?? ""
        DeviceCgroupRules = hostConfig.DeviceCgroupRules.flatMap { $0.isEmpty ? nil : $0 }
        BlkioWeight = hostConfig.BlkioWeight ?? 0
        OomScoreAdj = hostConfig.OomScoreAdj ?? 0
        OomKillDisable = hostConfig.OomKillDisable
        MemorySwappiness = hostConfig.MemorySwappiness
        CgroupParent = hostConfig.CgroupParent ?? ""
        SecurityOpt = hostConfig.SecurityOpt.flatMap { $0.isEmpty ? nil : $0 }
        UsernsMode = hostConfig.UsernsMode ?? ""
        CpuRealtimePeriod = hostConfig.CpuRealtimePeriod ?? 0
        CpuRealtimeRuntime = hostConfig.CpuRealtimeRuntime ?? 0
        ContainerIDFile = hostConfig.ContainerIDFile ?? ""
    }

    public func encode(to encoder: Encoder) throws { try encodeAllProperties(to: encoder) }
}

extension ContainerConfig {
    /// `Config` as inspect reports it: dockerd's always-present keys filled with their zero values.
    public func inspectView(hostname: String) -> ContainerConfig {
        var view = self
        view.Hostname = Hostname.flatMap { $0.isEmpty ? nil : $0 } ?? hostname
        view.Domainname = Domainname ?? ""
        view.User = User ?? ""
        view.AttachStdin = AttachStdin ?? false
        view.AttachStdout = AttachStdout ?? false
        view.AttachStderr = AttachStderr ?? false
        view.Tty = Tty ?? false
        view.OpenStdin = OpenStdin ?? false
        view.StdinOnce = StdinOnce ?? false
        view.Env = Env ?? []
        view.Image = Image ?? ""
        view.WorkingDir = WorkingDir ?? ""
        view.Labels = Labels ?? [:]
        return view
    }
}
