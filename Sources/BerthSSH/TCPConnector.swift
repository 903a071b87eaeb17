import BerthCore
#if canImport(Glibc)
import Glibc
#endif

/// Opens the TCP connection under an SSH session through BerthCore's `TCPConnect`, bounded by the endpoint's
/// timeout, and tunes the socket for SSH.
enum TCPConnector {
    static func connect(host: String, port: Int, timeout: Double, peer: SSHPeer) throws -> Int32 {
        let fd: Int32
        do { fd = try TCPConnect.open(host: host, port: port, timeout: timeout) } catch let failure as TCPConnect.Failure {
            switch failure {
            case .resolve(let reason): throw SSHError.resolveFailed(peer, reason: reason)
            case .refused: throw SSHError.connectionRefused(peer)
            case .timedOut: throw SSHError.connectTimedOut(peer, seconds: timeout)
            case .failed(let reason): throw SSHError.connectFailed(peer, reason: reason)
            }
        }
        var one: Int32 = 1
        // Best effort: small SSH packets (interactive keys, SFTP requests) should not wait for Nagle.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}
