import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks that a TCP port answers, with a real connect timeout.
public enum TCPProbe {
    public static func check(host: String, port: Int, timeout: Double) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let ai = res else {
            throw FileOps.Failure(description: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(res) }
        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FileOps.Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return }
        guard errno == EINPROGRESS else {
            throw FileOps.Failure(description: "cannot reach \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let n = poll(&pfd, 1, Int32(timeout * 1000))
        guard n > 0 else { throw FileOps.Failure(description: "cannot reach \(host):\(port): connection timed out after \(Int(timeout))s") }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        guard err == 0 else { throw FileOps.Failure(description: "cannot reach \(host):\(port): \(String(cString: strerror(err)))") }
    }
}
