import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of another local port, which a test can cut (every connection dropped,
/// nothing accepted) and restore: how a test takes the store away from an agent while the store runs on.
final class CuttableProxy: @unchecked Sendable {
    let port: Int
    private let target: Int
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var open: Set<Int32> = []

    init(target: Int) throws {
        self.target = target
        var chosen = 0
        for _ in 0..<50 {
            let candidate = Int.random(in: 40000...49000)
            if let fd = Self.listen(candidate) {
                chosen = candidate
                listener = fd
                break
            }
        }
        guard chosen != 0 else { throw POSIXError(.EADDRINUSE) }
        port = chosen
        acceptLoop(listener)
    }

    /// Drops every relayed connection and stops accepting (connections are refused).
    func cut() {
        lock.lock()
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }  // under the lock: none of these is closed yet
        let l = listener
        listener = -1
        lock.unlock()
        if l >= 0 {
            shutdown(l, Int32(SHUT_RDWR))
            close(l)
        }
    }

    /// Accepts again on the same port.
    func restore() {
        guard let fd = Self.listen(port) else { return }
        lock.lock()
        listener = fd
        lock.unlock()
        acceptLoop(fd)
    }

    private func acceptLoop(_ fd: Int32) {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                guard let upstream = Self.connect(target) else {
                    close(client)
                    continue
                }
                lock.lock()
                open.insert(client)
                open.insert(upstream)
                lock.unlock()
                let pair = Pair(a: client, b: upstream)
                pump(from: client, to: upstream, pair)
                pump(from: upstream, to: client, pair)
            }
        }
    }

    /// Both ends of one relayed connection, closed once both pumps have ended.
    private final class Pair: @unchecked Sendable {
        let a: Int32
        let b: Int32
        var running = 2
        init(a: Int32, b: Int32) {
            self.a = a
            self.b = b
        }
    }

    /// Copies bytes one way; at the end shuts both sides down; the second pump to end closes them.
    private func pump(from source: Int32, to destination: Int32, _ pair: Pair) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(source, &buffer, buffer.count)
                if n <= 0 { break }
                var sent = 0
                while sent < n {
                    let w = buffer[sent..<n].withUnsafeBytes { write(destination, $0.baseAddress, n - sent) }
                    if w <= 0 { break }
                    sent += w
                }
                if sent < n { break }
            }
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(destination, Int32(SHUT_RDWR))
            lock.lock()
            pair.running -= 1
            let last = pair.running == 0
            if last {
                open.remove(pair.a)
                open.remove(pair.b)
            }
            lock.unlock()
            if last {
                close(pair.a)
                close(pair.b)
            }
        }
    }

    private static func listen(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = address(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func connect(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = address(port)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private static func address(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    deinit { cut() }
}
