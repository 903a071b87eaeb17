#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

extension HostFacts {
    /// Reads the facts from `uname`, `/proc/meminfo`, `/etc/os-release` and `sysconf`. Missing sources give
    /// empty or zero values, never an error: `/info` must answer on any host.
    public static func probe(hostnameOverride: String? = nil) -> HostFacts {
        var names = utsname()
        uname(&names)
        let meminfo = readText("/proc/meminfo") ?? ""
        let release = osRelease(readText("/etc/os-release") ?? readText("/usr/lib/os-release") ?? "")
        return HostFacts(
            kernelVersion: field(&names.release),
            machine: field(&names.machine),
            operatingSystem: release["PRETTY_NAME"] ?? release["NAME"] ?? "Linux",
            osVersion: release["VERSION_ID"] ?? "",
            hostname: hostnameOverride ?? field(&names.nodename),
            cpuCount: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryBytes: memTotal(meminfo: meminfo) ?? 0)
    }

    private static func readText(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A NUL-terminated `utsname` field as a String.
    private static func field<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
