/// The body of `GET /info`, with dockerd's keys: what `docker info` and docker-py read.
///
/// Every field has a neutral default; ``EngineInfoBuilder`` fills in the real values.
public struct EngineInfo: Codable, Equatable, Sendable {
    public var id: String = ""
    public var containers: Int = 0
    public var containersRunning: Int = 0
    public var containersPaused: Int = 0
    public var containersStopped: Int = 0
    public var images: Int = 0
    public var driver: String = ""
    /// Pairs shown under "Storage Driver", e.g. `[["Backing Filesystem", "extfs"]]`.
    public var driverStatus: [[String]] = []
    public var plugins = Plugins()
    public var memoryLimit: Bool = false
    public var swapLimit: Bool = false
    public var cpuCfsPeriod: Bool = false
    public var cpuCfsQuota: Bool = false
    public var cpuShares: Bool = false
    public var cpuSet: Bool = false
    public var pidsLimit: Bool = false
    /// API < 1.42: kernel memory accounting (cgroup v1's kmem), as dockerd 20.10 reports it.
    public var kernelMemory: Bool = false
    public var kernelMemoryTCP: Bool = false
    /// Whether bridged traffic passes iptables (br_netfilter's sysctls).
    /// Left out from API 1.50, as dockerd does.
    public var bridgeNfIptables: Bool? = false
    public var bridgeNfIp6tables: Bool? = false
    /// API ≥ 1.49.
    public var firewallBackend: FirewallBackend?
    /// Swarm's generic resources; none.
    public var genericResources: [String] = []
    public var ipv4Forwarding: Bool = false
    public var debug: Bool = false
    public var nFd: Int = 0
    public var oomKillDisable: Bool = false
    public var nGoroutines: Int = 0
    /// RFC 3339 with nanoseconds, like Go's `time.Time`.
    public var systemTime: String = ""
    public var loggingDriver: String = ""
    public var cgroupDriver: String = ""
    public var cgroupVersion: String = ""
    public var nEventsListener: Int = 0
    public var kernelVersion: String = ""
    public var operatingSystem: String = ""
    public var osVersion: String = ""
    public var osType: String = "linux"
    public var architecture: String = ""
    public var indexServerAddress: String = ""
    public var registryConfig = RegistryConfig()
    public var ncpu: Int = 0
    public var memTotal: Int64 = 0
    public var dockerRootDir: String = ""
    public var httpProxy: String = ""
    public var httpsProxy: String = ""
    public var noProxy: String = ""
    public var name: String = ""
    public var labels: [String] = []
    public var experimentalBuild: Bool = false
    public var serverVersion: String = ""
    public var runtimes: [String: Runtime] = [:]
    public var defaultRuntime: String = ""
    public var swarm = Swarm()
    /// `cluster-store` as configured, left out when none (dockerd 20.10's `ClusterStore`).
    public var clusterStore: String?
    /// The advertised `IP:port`, left out when none (dockerd 20.10's `ClusterAdvertise`).
    public var clusterAdvertise: String?
    public var liveRestoreEnabled: Bool = false
    public var isolation: String = ""
    public var initBinary: String = ""
    public var containerdCommit = Commit()
    public var runcCommit = Commit()
    public var initCommit = Commit()
    /// `name=<option>[,key=value...]` entries, the format `docker info` decodes.
    public var securityOptions: [String] = []
    public var cdiSpecDirs: [String] = []
    public var warnings: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case id = "ID", containers = "Containers", containersRunning = "ContainersRunning"
        case containersPaused = "ContainersPaused", containersStopped = "ContainersStopped", images = "Images"
        case driver = "Driver", driverStatus = "DriverStatus", plugins = "Plugins", memoryLimit = "MemoryLimit"
        case swapLimit = "SwapLimit", cpuCfsPeriod = "CpuCfsPeriod", cpuCfsQuota = "CpuCfsQuota"
        case cpuShares = "CPUShares", cpuSet = "CPUSet", pidsLimit = "PidsLimit", ipv4Forwarding = "IPv4Forwarding"
        case kernelMemory = "KernelMemory", kernelMemoryTCP = "KernelMemoryTCP"
        case bridgeNfIptables = "BridgeNfIptables", bridgeNfIp6tables = "BridgeNfIp6tables"
        case firewallBackend = "FirewallBackend"
        case genericResources = "GenericResources"
        case debug = "Debug", nFd = "NFd", oomKillDisable = "OomKillDisable", nGoroutines = "NGoroutines"
        case systemTime = "SystemTime", loggingDriver = "LoggingDriver", cgroupDriver = "CgroupDriver"
        case cgroupVersion = "CgroupVersion", nEventsListener = "NEventsListener", kernelVersion = "KernelVersion"
        case operatingSystem = "OperatingSystem", osVersion = "OSVersion", osType = "OSType"
        case architecture = "Architecture", indexServerAddress = "IndexServerAddress"
        case registryConfig = "RegistryConfig", ncpu = "NCPU", memTotal = "MemTotal"
        case dockerRootDir = "DockerRootDir", httpProxy = "HttpProxy", httpsProxy = "HttpsProxy"
        case noProxy = "NoProxy", name = "Name", labels = "Labels", experimentalBuild = "ExperimentalBuild"
        case serverVersion = "ServerVersion", runtimes = "Runtimes", defaultRuntime = "DefaultRuntime"
        case swarm = "Swarm", clusterStore = "ClusterStore", clusterAdvertise = "ClusterAdvertise"
        case liveRestoreEnabled = "LiveRestoreEnabled", isolation = "Isolation"
        case initBinary = "InitBinary", containerdCommit = "ContainerdCommit", runcCommit = "RuncCommit"
        case initCommit = "InitCommit", securityOptions = "SecurityOptions", cdiSpecDirs = "CDISpecDirs"
        case warnings = "Warnings"
    }
}
