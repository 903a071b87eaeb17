import Glibc

/// Names the filesystem holding a path, as dockerd's `Backing Filesystem` does.
enum FilesystemType {
    /// The name for the filesystem at `path` (or its nearest existing ancestor), from `/proc/self/mounts`.
    static func name(at path: String, mounts: String? = nil) -> String {
        guard let table = mounts ?? readMounts() else { return "unknown" }
        let target = resolvedExistingAncestor(of: path)
        var best: (mountPoint: String, type: String)?
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = unescape(fields[1])
            guard contains(mountPoint, target), mountPoint.count >= (best?.mountPoint.count ?? 0) else { continue }
            best = (mountPoint, String(fields[2]))
        }
        return best.map { name(type: $0.type) } ?? "unknown"
    }

    /// dockerd's name for a kernel filesystem type.
    static func name(type: String) -> String {
        switch type {
        case "ext2", "ext3", "ext4": return "extfs"
        case "overlay": return "overlayfs"
        default: return type
        }
    }

    private static func contains(_ mountPoint: String, _ path: String) -> Bool {
        mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
    }

    /// The real path of `path`, or of the nearest ancestor that exists.
    private static func resolvedExistingAncestor(of path: String) -> String {
        var candidate = path.isEmpty ? "/" : path
        while true {
            if let resolved = realpath(candidate, nil) {
                defer { free(resolved) }
                return String(cString: resolved)
            }
            guard candidate != "/", let slash = candidate.dropLast().lastIndex(of: "/") else { return "/" }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }

    /// `/proc/self/mounts` escapes spaces and friends as `\040` octal.
    private static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func readMounts() -> String? {
        guard let file = fopen("/proc/self/mounts", "r") else { return nil }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            text += String(cString: buffer)
        }
        return text
    }
}
