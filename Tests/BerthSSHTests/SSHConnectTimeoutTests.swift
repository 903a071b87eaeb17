import BerthCore
import Foundation
import Testing
@testable import BerthSSH
#if canImport(Glibc)
import Glibc
#endif

/// Timeouts before SSH starts, against loopback sockets that never answer properly.
@Suite struct SSHConnectTimeoutTests {
    /// A 127.0.0.1 listener that never accepts.
    final class SilentListener {
        let fd: Int32
        let port: Int
        private var fillers: [Int32] = []

        init(backlog: Int32) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw TestFailure("socket") }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0 && listen(fd, backlog) == 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }
            guard ok, named == 0 else { close(fd); throw TestFailure("bind/listen") }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
        }

        /// Fills the accept queue so further SYNs are dropped.
        func fillQueue() {
            for _ in 0..<4 {
                let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                guard c >= 0 else { continue }
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_port = UInt16(port).bigEndian
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                _ = withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                fillers.append(c)
            }
            usleep(100_000)
        }

        deinit {
            fillers.forEach { close($0) }
            close(fd)
        }
    }

    @Test func tcpConnectTimesOutWithOneLine() throws {
        let listener = try SilentListener(backlog: 0)
        listener.fillQueue()
        let endpoint = SSHEndpoint(host: "127.0.0.1", port: listener.port, keyPath: "/nonexistent", label: "lab1",
                                   connectTimeout: 1)
        let start = Date()
        #expect {
            _ = try SSHSession.connect(endpoint)
        } throws: { error in
            (error as? SSHError)?.description == "ssh lab1 (127.0.0.1:\(listener.port)): connection timed out after 1s"
        }
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func silentServerFailsTheHandshakeInTime() throws {
        let listener = try SilentListener(backlog: 8)
        let endpoint = SSHEndpoint(host: "127.0.0.1", port: listener.port, keyPath: "/nonexistent", label: "lab1",
                                   connectTimeout: 1)
        let start = Date()
        #expect {
            _ = try SSHSession.connect(endpoint)
        } throws: { error in
            (error as? SSHError)?.description
                == "ssh lab1 (127.0.0.1:\(listener.port)): SSH handshake failed: no answer within 1s"
        }
        #expect(Date().timeIntervalSince(start) < 3)
    }
}
