import Glibc

/// Prepares and secures the path of the local unix socket.
enum UnixSocketPath {
    /// Creates the missing parent directories of `socketPath` with mode 0700 (existing ones are left as they are).
    static func prepareParent(of socketPath: String) throws {
        var directories: [String] = []
        var current = parent(of: socketPath)
        while current != "/", access(current, F_OK) != 0 {
            directories.append(current)
            current = parent(of: current)
        }
        for directory in directories.reversed() where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw ServerError.listener(step: "mkdir(\(directory))", reason: String(cString: strerror(errno)))
        }
    }

    /// Restricts the bound socket to its owner (root): mode 0600.
    static func restrict(_ socketPath: String) throws {
        guard chmod(socketPath, 0o600) == 0 else {
            throw ServerError.listener(step: "chmod(\(socketPath), 0600)", reason: String(cString: strerror(errno)))
        }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
