import BerthCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private sshd for tests: 127.0.0.1 only, a free port, its own temporary directory with host key,
/// authorized_keys, pid file and log. Stopped by its own pid (never by name).
final class TestSSHD {
    static let sshdPath = "/usr/sbin/sshd"

    /// Real-sshd tests need root (sshd must be able to switch to the login user) and sshd itself.
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: sshdPath)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
    }

    let dir: String
    let port: Int
    private(set) var process: TestProcess?

    var hostKeyPath: String { dir + "/host_ed25519" }
    var logPath: String { dir + "/sshd.log" }

    /// RLIMIT_FSIZE for the server, in KiB (ulimit -f), to make writes fail part way.
    let fileSizeLimitKiB: Int?

    /// Starts sshd accepting the given public keys (contents of `.pub` files).
    init(authorizedKeys: [String], fileSizeLimitKiB: Int? = nil) throws {
        self.fileSizeLimitKiB = fileSizeLimitKiB
        dir = try TestFiles.makeTemporaryDirectory("berth-sshd")
        port = try TestSSHD.freePort()
        try authorizedKeys.joined(separator: "\n").appending("\n")
            .write(toFile: dir + "/authorized_keys", atomically: true, encoding: .utf8)
        try TestKeys.generate(type: "ed25519", path: hostKeyPath)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// An endpoint for this server.
    func endpoint(key: String?, knownHosts: String? = nil, label: String? = nil, timeout: Double = 5) -> SSHEndpoint {
        SSHEndpoint(host: "127.0.0.1", port: port, user: "root", keyPath: key, knownHostsPath: knownHosts,
                    label: label, connectTimeout: timeout)
    }

    func start() throws {
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = """
        ListenAddress 127.0.0.1
        Port \(port)
        HostKey \(hostKeyPath)
        PidFile \(dir)/sshd.pid
        AuthorizedKeysFile \(dir)/authorized_keys
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        Subsystem sftp internal-sftp
        LogLevel VERBOSE

        """
        try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        let arguments = ["-D", "-f", dir + "/sshd_config", "-E", logPath]
        let p: TestProcess
        if let limit = fileSizeLimitKiB {
            // The shell execs sshd, so the pid is sshd's.
            p = try TestProcess.spawn("/bin/sh", ["-c", "ulimit -f \(limit) && exec \(Self.sshdPath) \"$@\"", "sh"] + arguments)
        } else {
            p = try TestProcess.spawn(Self.sshdPath, arguments)
        }
        process = p
        // Wait until it listens.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !p.isRunning {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                process = nil
                throw TestFailure("sshd exited: \(log)")
            }
            if Self.canConnect(port) { return }
            usleep(20_000)
        }
        stop()
        throw TestFailure("sshd did not start listening on 127.0.0.1:\(port)")
    }

    /// Stops this sshd (SIGTERM to its pid) and waits for it.
    func stop() {
        guard let p = process else { return }
        process = nil
        p.terminate()
    }

    /// Stops, replaces the host key with a fresh one, and starts again on the same port.
    func restartWithNewHostKey() throws {
        stop()
        try? FileManager.default.removeItem(atPath: hostKeyPath)
        try? FileManager.default.removeItem(atPath: hostKeyPath + ".pub")
        try TestKeys.generate(type: "ed25519", path: hostKeyPath)
        try start()
    }

    /// A port that was free on 127.0.0.1 a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        defer { close(fd) }
        var addr = loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { throw TestFailure("getsockname failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = loopback(port: UInt16(port))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }
}

/// A test-side failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
