import BerthKernel
import BerthRuntime
import Glibc

/// Starts `berthd shim <dir>`, which daemonizes and lets its first process exit once its socket accepts connections.
enum ShimLauncher {
    static func launch(binary: String, paths: ContainerPaths, spawner: any Spawner = SystemSpawner()) async throws {
        // The first process exits once the daemonized supervisor listens (0), or when it ended before (1).
        let status = try await Blocking.run {
            try spawner.run(SpawnRequest([binary, "shim", paths.directory], stdout: .discard, stderr: .discard,
                                         searchPath: false)).status
        }
        if status == 0, canConnect(paths.socket) { return }
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
