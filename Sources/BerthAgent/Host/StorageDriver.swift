#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthKernel
import Glibc

/// How a container's root filesystem is made from its image's layers (docker's graph drivers).
public enum StorageDriver: String, Sendable, CaseIterable {
    /// The layers stacked by overlayfs under a per-container upper directory.
    case overlay2
    /// A full copy of the layers per container, where overlayfs is not available (docker's copying driver).
    case vfs

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The configured driver, else overlay2 when overlayfs works on `dataRoot`, else vfs.
    static func choose(configured: String?, dataRoot: String) -> StorageDriver {
        if let configured, let driver = StorageDriver(rawValue: configured) { return driver }
        return overlaySupported(dataRoot: dataRoot) ? .overlay2 : .vfs
    }

    /// Whether the kernel has overlayfs and a test mount with its directories on `dataRoot` works. Without the
    /// privilege to mount (unit tests) only the kernel's list of filesystems decides.
    static func overlaySupported(dataRoot: String, mounts: any Mounts = SystemMounts()) -> Bool {
        guard kernelFilesystems().contains("overlay") else { return false }
        let fm = FileManager.default
        let probe = dataRoot + "/tmp/overlay-probe-\(getpid())"
        defer { try? fm.removeItem(atPath: probe) }
        do {
            for name in ["lower", "upper", "work", "merged"] {
                try fm.createDirectory(atPath: probe + "/" + name, withIntermediateDirectories: true)
            }
        } catch {
            return true  // the data root is not writable yet: trust the kernel's list
        }
        let stack = OverlayStack(lower: [probe + "/lower"], upper: probe + "/upper", work: probe + "/work")
        do {
            try mounts.mountOverlay(stack, at: probe + "/merged")
            mounts.unmount(probe + "/merged", detach: true)
            return true
        } catch let failure as MountFailure {
            return failure.errno == EPERM
        } catch {
            return false
        }
    }

    /// The names in `/proc/filesystems` (a proc file: read to its end, its size says nothing).
    static func kernelFilesystems() -> Set<String> {
        guard let file = fopen("/proc/filesystems", "r") else { return [] }
        defer { fclose(file) }
        var names: Set<String> = []
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            if let name = String(cString: line).split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == " " }).last {
                names.insert(String(name))
            }
        }
        return names
    }
}
