#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Opens a TCP connection with a real connect timeout: resolves the name, tries each address with a non-blocking
/// connect bounded by what is left of `timeout`, and returns a blocking socket. The one connect-with-timeout of
/// Berth (SSH sessions, the generic driver's reachability check).
public enum TCPConnect {
    /// Why no connection was made; `reason` is strerror's text.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case resolve(String)
        case refused
        case timedOut
        case failed(String)

        public var description: String {
            switch self {
            case .resolve(let reason): return "cannot resolve: \(reason)"
            case .refused: return "connection refused"
            case .timedOut: return "connection timed out"
            case .failed(let reason): return reason
            }
        }
    }

    public static func open(host: String, port: Int, timeout: Double) throws -> Int32 {
        let end = now() + max(0, timeout)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        if rc != 0 {
            throw Failure.resolve(rc == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var lastError = Failure.failed("no usable address")
        var cursor = list
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            if now() >= end { throw Failure.timedOut }
            do {
                return try attempt(ai.pointee, end: end)
            } catch let error as Failure {
                lastError = error
                if error == .timedOut { throw error }
            }
        }
        throw lastError
    }

    private static func attempt(_ ai: addrinfo, end: Double) throws -> Int32 {
        let fd = socket(ai.ai_family, ai.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.ai_protocol)
        if fd < 0 { throw Failure.failed("socket: " + String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { close(fd) } }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw Failure.failed("fcntl: " + String(cString: strerror(errno)))
        }
        if connect(fd, ai.ai_addr, ai.ai_addrlen) != 0 {
            let e = errno
            guard e == EINPROGRESS || e == EINTR else { throw failure(e) }
            try waitConnected(fd, end: end)
        }
        guard fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw Failure.failed("fcntl: " + String(cString: strerror(errno)))
        }
        ok = true
        return fd
    }

    private static func waitConnected(_ fd: Int32, end: Double) throws {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let left = end - now()
            let n = left <= 0 ? 0 : poll(&pfd, 1, Int32(min(left * 1000 + 0.999, Double(Int32.max))))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw Failure.failed("poll: " + String(cString: strerror(e)))
            }
            if n == 0 { throw Failure.timedOut }
            break
        }
        var soError: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len) != 0 {
            throw Failure.failed("getsockopt: " + String(cString: strerror(errno)))
        }
        if soError != 0 { throw failure(soError) }
    }

    private static func failure(_ e: Int32) -> Failure {
        switch e {
        case ECONNREFUSED: return .refused
        case ETIMEDOUT: return .timedOut
        default: return .failed(String(cString: strerror(e)).lowercased())
        }
    }

    /// Monotonic seconds.
    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
