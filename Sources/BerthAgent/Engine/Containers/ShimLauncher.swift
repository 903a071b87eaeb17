import BerthRuntime
import Glibc

/// Starts `berthd shim <dir>` (which daemonizes) and waits until its socket accepts connections.
enum ShimLauncher {
    static func launch(binary: String, paths: ContainerPaths) async throws {
        let argv = [binary, "shim", paths.directory]
        try await Blocking.run {
            var pid: pid_t = 0
            var cargs = argv.map { strdup($0) } + [nil]
            defer { for p in cargs { free(p) } }
            let rc = posix_spawn(&pid, binary, nil, nil, &cargs, environ)
            guard rc == 0 else { throw RuntimeError.system(step: "spawn \(binary) shim", errno: rc) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        }
        for _ in 0..<500 {
            if canConnect(paths.socket) { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw APIError.internal("the container supervisor did not start; see \(paths.shimLog)")
    }

    static func canConnect(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
