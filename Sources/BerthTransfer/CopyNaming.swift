/// Path arithmetic for copies, the way scp names things. Pure; paths are POSIX (`/`-separated) on every side.
public enum CopyNaming {
    /// The last component of `path` ignoring trailing slashes; nil for `/`, `.`, `..` and the empty path,
    /// which need resolving (`realPath`) before they can name a copy.
    public static func baseName(_ path: String) -> String? {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        let name = p.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        if name.isEmpty || name == "." || name == ".." { return nil }
        return name
    }

    /// `directory/name`, without doubling a slash.
    public static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The directory holding `path`: `a/b` → `a`, `b` → `.`, `/b` → `/`; trailing slashes are ignored.
    public static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        var dir = p[..<slash]
        while dir.count > 1 && dir.hasSuffix("/") { dir = dir.dropLast() }
        return String(dir)
    }

    /// The last component of `path` (after trailing slashes are dropped), for building temporary names.
    public static func lastComponent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        return p.split(separator: "/").last.map(String.init) ?? String(p)
    }

    /// Where one source lands: inside `destination` when that is an existing directory (keeping the source's
    /// name), otherwise at `destination` itself.
    public static func target(sourceName: String, destination: String, destinationIsDirectory: Bool) -> String {
        destinationIsDirectory ? join(destination, sourceName) : destination
    }
}
