#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// Fills an ``EngineInfo`` with this host's real values where they are cheap to get.
enum EngineInfoBuilder {
    static func build(context: EngineContext) -> EngineInfo {
        let configuration = context.configuration
        let host = context.host
        let kernel = KernelFeatures.probe()
        var info = EngineInfo()
        info.id = context.engineID
        info.name = host.hostname
        info.serverVersion = AgentBuild.version
        info.driver = context.storageDriver.rawValue
        info.driverStatus = context.storageDriver == .vfs ? [] : [
            ["Backing Filesystem", FilesystemType.name(at: configuration.dataRoot)],
            ["Supports d_type", "true"],
            ["Using metacopy", "false"],
            ["Native Overlay Diff", "true"],
            ["userxattr", "false"],
        ]
        info.plugins = EngineInfo.Plugins(volume: ["local"], network: ["bridge", "host", "null"],
                                          log: ["json-file", "local"])
        info.memoryLimit = kernel.memoryLimit
        info.swapLimit = kernel.swapLimit
        info.cpuCfsPeriod = kernel.cpuCfsPeriod
        info.cpuCfsQuota = kernel.cpuCfsQuota
        info.cpuShares = kernel.cpuShares
        info.cpuSet = kernel.cpuSet
        info.pidsLimit = kernel.pidsLimit
        info.ipv4Forwarding = kernel.ipv4Forwarding
        info.kernelMemory = access("/sys/fs/cgroup/memory/memory.kmem.limit_in_bytes", F_OK) == 0
        info.kernelMemoryTCP = access("/sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes", F_OK) == 0
        let procSys = { (key: String) in
            ((try? String(contentsOfFile: "/proc/sys/net/bridge/" + key, encoding: .utf8)) ?? "").hasPrefix("1")
        }
        info.bridgeNfIptables = procSys("bridge-nf-call-iptables")
        info.bridgeNfIp6tables = procSys("bridge-nf-call-ip6tables")
        info.cgroupVersion = kernel.cgroupVersion
        info.cgroupDriver = "cgroupfs"
        info.loggingDriver = "json-file"
        info.debug = configuration.loggerLevel <= .debug
        info.nFd = countEntries("/proc/self/fd")
        info.nGoroutines = countEntries("/proc/self/task")
        info.systemTime = RFC3339.now()
        info.kernelVersion = host.kernelVersion
        info.operatingSystem = host.operatingSystem
        info.osVersion = host.osVersion
        info.osType = "linux"
        info.architecture = host.machine
        info.indexServerAddress = "https://index.docker.io/v1/"
        info.registryConfig = context.registry.infoConfig()
        info.ncpu = host.cpuCount
        info.memTotal = host.memoryBytes
        info.dockerRootDir = configuration.dataRoot
        info.httpProxy = environment("HTTP_PROXY", "http_proxy")
        info.httpsProxy = environment("HTTPS_PROXY", "https_proxy")
        info.noProxy = environment("NO_PROXY", "no_proxy")
        info.labels = configuration.labels
        info.clusterStore = context.cluster?.settings.store
        info.clusterAdvertise = context.cluster?.settings.advertise
        info.runtimes = ["berth": EngineInfo.Runtime(path: "berthd")]
        info.defaultRuntime = "berth"
        info.securityOptions = []
        if !kernel.memoryLimit { info.warnings.append("WARNING: No memory limit support") }
        if !kernel.ipv4Forwarding { info.warnings.append("WARNING: IPv4 forwarding is disabled") }
        return info
    }

    private static func countEntries(_ directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).count) ?? 0
    }

    private static func environment(_ names: String...) -> String {
        for name in names {
            if let value = getenv(name) { return String(cString: value) }
        }
        return ""
    }
}
