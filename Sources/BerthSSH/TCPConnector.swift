import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens the TCP connection under an SSH session: resolves the name, then tries each address with a
/// non-blocking connect bounded by the endpoint's timeout, and returns a blocking socket.
enum TCPConnector {
    static func connect(host: String, port: Int, timeout: Double, peer: SSHPeer) throws -> Int32 {
        let deadline = Deadline(seconds: timeout)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        if rc != 0 {
            let reason = rc == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(rc))
            throw SSHError.resolveFailed(peer, reason: reason)
        }
        defer { freeaddrinfo(list) }

        var lastError: SSHError = .connectFailed(peer, reason: "no usable address")
        var cursor = list
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            if deadline.isExpired { throw SSHError.connectTimedOut(peer, seconds: timeout) }
            do {
                return try attempt(ai.pointee, deadline: deadline, timeout: timeout, peer: peer)
            } catch let error as SSHError {
                lastError = error
                if case .connectTimedOut = error { throw error }
            }
        }
        throw lastError
    }

    private static func attempt(_ ai: addrinfo, deadline: Deadline, timeout: Double, peer: SSHPeer) throws -> Int32 {
        let fd = socket(ai.ai_family, ai.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.ai_protocol)
        if fd < 0 {
            let e = errno
            throw SSHError.connectFailed(peer, reason: "socket: " + String(cString: strerror(e)))
        }
        var ok = false
        defer { if !ok { Glibc.close(fd) } }

        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let e = errno
            throw SSHError.connectFailed(peer, reason: "fcntl: " + String(cString: strerror(e)))
        }
        if Glibc.connect(fd, ai.ai_addr, ai.ai_addrlen) != 0 {
            let e = errno
            guard e == EINPROGRESS || e == EINTR else { throw failure(e, peer: peer, timeout: timeout) }
            try waitConnected(fd, deadline: deadline, timeout: timeout, peer: peer)
        }
        guard fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            let e = errno
            throw SSHError.connectFailed(peer, reason: "fcntl: " + String(cString: strerror(e)))
        }
        var one: Int32 = 1
        // Best effort: small SSH packets (interactive keys, SFTP requests) should not wait for Nagle.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        ok = true
        return fd
    }

    private static func waitConnected(_ fd: Int32, deadline: Deadline, timeout: Double, peer: SSHPeer) throws {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let n = poll(&pfd, 1, deadline.pollTimeout)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw SSHError.connectFailed(peer, reason: "poll: " + String(cString: strerror(e)))
            }
            if n == 0 { throw SSHError.connectTimedOut(peer, seconds: timeout) }
            break
        }
        var soError: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len) != 0 {
            let e = errno
            throw SSHError.connectFailed(peer, reason: "getsockopt: " + String(cString: strerror(e)))
        }
        if soError != 0 { throw failure(soError, peer: peer, timeout: timeout) }
    }

    private static func failure(_ e: Int32, peer: SSHPeer, timeout: Double) -> SSHError {
        switch e {
        case ECONNREFUSED: return .connectionRefused(peer)
        case ETIMEDOUT: return .connectTimedOut(peer, seconds: timeout)
        default: return .connectFailed(peer, reason: String(cString: strerror(e)).lowercased())
        }
    }
}
