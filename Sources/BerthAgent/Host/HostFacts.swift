/// Facts about the host the agent runs on, as `/info` and `/version` report them.
public struct HostFacts: Sendable, Equatable {
    /// `uname -r`.
    public var kernelVersion: String
    /// `uname -m`, e.g. `x86_64`.
    public var machine: String
    /// `PRETTY_NAME` from `/etc/os-release`, e.g. `Debian GNU/Linux 12 (bookworm)`.
    public var operatingSystem: String
    /// `VERSION_ID` from `/etc/os-release`, e.g. `12`.
    public var osVersion: String
    /// The host name (or the configured override).
    public var hostname: String
    /// Online CPUs.
    public var cpuCount: Int
    /// `MemTotal` from `/proc/meminfo`, in bytes.
    public var memoryBytes: Int64

    public init(kernelVersion: String, machine: String, operatingSystem: String, osVersion: String, hostname: String,
                cpuCount: Int, memoryBytes: Int64) {
        self.kernelVersion = kernelVersion
        self.machine = machine
        self.operatingSystem = operatingSystem
        self.osVersion = osVersion
        self.hostname = hostname
        self.cpuCount = cpuCount
        self.memoryBytes = memoryBytes
    }

    /// Go's `GOARCH` name for ``machine``, which docker reports as `Arch`.
    public var goArch: String {
        switch machine {
        case "x86_64", "amd64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        case "armv7l", "armv6l", "arm": return "arm"
        case "i386", "i686": return "386"
        case "ppc64le": return "ppc64le"
        case "s390x": return "s390x"
        case "riscv64": return "riscv64"
        default: return machine
        }
    }
}
