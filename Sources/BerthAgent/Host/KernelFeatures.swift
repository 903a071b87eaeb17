import Glibc

/// Which resource controls and networking switches the kernel offers, as `/info` reports them.
struct KernelFeatures: Sendable, Equatable {
    /// `1` for the legacy or hybrid hierarchy, `2` for the unified one.
    var cgroupVersion: String
    var memoryLimit: Bool
    var swapLimit: Bool
    var cpuCfsPeriod: Bool
    var cpuCfsQuota: Bool
    var cpuShares: Bool
    var cpuSet: Bool
    var pidsLimit: Bool
    var ipv4Forwarding: Bool

    /// Looks at `/sys/fs/cgroup` and `/proc/sys/net/ipv4/ip_forward` under `root` (for tests).
    static func probe(root: String = "") -> KernelFeatures {
        let cgroup = root + "/sys/fs/cgroup"
        let unified = exists(cgroup + "/cgroup.controllers") && !exists(cgroup + "/memory")
        let forwarding = read(root + "/proc/sys/net/ipv4/ip_forward")?.hasPrefix("1") ?? false
        if unified {
            let controllers = read(cgroup + "/cgroup.controllers")?.split(separator: " ").map {
                $0.trimmingNewlines()
            } ?? []
            return KernelFeatures(
                cgroupVersion: "2", memoryLimit: controllers.contains("memory"),
                swapLimit: exists(cgroup + "/memory.swap.max") || controllers.contains("memory"),
                cpuCfsPeriod: controllers.contains("cpu"), cpuCfsQuota: controllers.contains("cpu"),
                cpuShares: controllers.contains("cpu"), cpuSet: controllers.contains("cpuset"),
                pidsLimit: controllers.contains("pids"), ipv4Forwarding: forwarding)
        }
        return KernelFeatures(
            cgroupVersion: "1", memoryLimit: exists(cgroup + "/memory/memory.limit_in_bytes"),
            swapLimit: exists(cgroup + "/memory/memory.memsw.limit_in_bytes"),
            cpuCfsPeriod: exists(cgroup + "/cpu/cpu.cfs_period_us"),
            cpuCfsQuota: exists(cgroup + "/cpu/cpu.cfs_quota_us"),
            cpuShares: exists(cgroup + "/cpu/cpu.shares"),
            cpuSet: exists(cgroup + "/cpuset/cpuset.cpus"),
            pidsLimit: exists(cgroup + "/pids/pids.max"),
            ipv4Forwarding: forwarding)
    }

    private static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(cString: buffer)
    }
}

private extension Substring {
    func trimmingNewlines() -> String {
        String(self.filter { $0 != "\n" && $0 != "\r" })
    }
}
