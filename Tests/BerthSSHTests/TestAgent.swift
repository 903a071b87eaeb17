import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private ssh-agent (`ssh-agent -D -a <socket>`), stopped by its pid.
final class TestAgent {
    let dir: String
    let socket: String
    private let process: TestProcess

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-agent")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-add")
    }

    /// Starts the agent and adds `keys` (private key paths).
    init(keys: [String]) throws {
        dir = try TestFiles.makeTemporaryDirectory("berth-agent")
        socket = dir + "/agent.sock"
        process = try TestProcess.spawn("/usr/bin/ssh-agent", ["-D", "-a", socket])
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: socket) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw TestFailure("ssh-agent did not start")
            }
            usleep(10_000)
        }
        for key in keys {
            let r = try TestFiles.runTool("/usr/bin/ssh-add", ["-q", key], environment: ["SSH_AUTH_SOCK": socket])
            guard r.status == 0 else {
                stop()
                throw TestFailure("ssh-add \(key): \(r.output)")
            }
        }
    }

    deinit { stop() }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(atPath: dir)
    }
}
