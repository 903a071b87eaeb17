import CKernelShim
import Glibc

/// Network namespaces through unshare(2) on a dedicated thread and a bind mount, as `ip netns add` makes them.
public struct SystemNamespaces: NetworkNamespaces {
    public init() {}

    public func create(at path: String) throws {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        FileSystem.makeDirectories(dir)
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw NetlinkError.system(step: "create \(path)", errno: errno) }
        close(fd)
        do {
            try NamespaceThread.onThread {
                let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
                guard original >= 0 else {
                    throw NetlinkError.system(step: "open /proc/thread-self/ns/net", errno: errno)
                }
                defer {
                    _ = berth_kernel_setns(original, berth_kernel_clone_newnet())
                    close(original)
                }
                guard berth_kernel_unshare(berth_kernel_clone_newnet()) == 0 else {
                    throw NetlinkError.system(step: "create network namespace \(path): unshare", errno: errno)
                }
                guard mount("/proc/thread-self/ns/net", path, nil, UInt(MS_BIND), nil) == 0 else {
                    throw NetlinkError.system(step: "create network namespace \(path): bind mount", errno: errno)
                }
                let lo = NetlinkSocket(fd: try NetlinkSocket.makeSocket(), namespace: .path(path))
                defer { lo.close() }
                try lo.setLink(.name("lo"), LinkChange(up: true))
            }
        } catch {
            _ = umount2(path, Int32(MNT_DETACH))
            unlink(path)
            throw error
        }
    }

    public func remove(at path: String) {
        _ = umount2(path, Int32(MNT_DETACH))
        unlink(path)
    }

    public func isNamespace(_ path: String) -> Bool {
        berth_kernel_is_nsfs(path) == 1
    }

    @discardableResult
    public func sysctl(_ key: String, _ value: String, in namespace: NetworkNamespace = .current) -> Bool {
        let path = "/proc/sys/" + key.split(separator: ".").joined(separator: "/")
        let write = { () -> Bool in
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            return FileSystem.writeAll(fd, Array((value + "\n").utf8))
        }
        return (try? NamespaceThread.run(in: namespace, write)) ?? false
    }

    /// The pids of processes whose network namespace is the one at `path` (what `ip netns pids` prints).
    public func pids(of path: String) -> [Int32] {
        var target = stat()
        guard stat(path, &target) == 0 else { return [] }
        var out: [Int32] = []
        for entry in FileSystem.entries("/proc") {
            guard let pid = Int32(entry) else { continue }
            var st = stat()
            if stat("/proc/\(pid)/ns/net", &st) == 0, st.st_dev == target.st_dev, st.st_ino == target.st_ino {
                out.append(pid)
            }
        }
        return out.sorted()
    }
}
