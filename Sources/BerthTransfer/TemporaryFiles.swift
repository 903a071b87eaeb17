import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The temporary files of copies in flight, so a signal handler can remove the local ones even when the
/// copying thread cannot finish its own cleanup in time.
public final class TemporaryFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(side: ObjectIdentifier, local: Bool, path: String)] = []

    public init() {}

    func add(_ side: FileSystemSide, _ path: String) {
        lock.lock()
        entries.append((ObjectIdentifier(side), side.isLocal, path))
        lock.unlock()
    }

    func remove(_ side: FileSystemSide, _ path: String) {
        lock.lock()
        entries.removeAll { $0.side == ObjectIdentifier(side) && $0.path == path }
        lock.unlock()
    }

    /// Paths of the temporary files on this machine.
    public var localPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries.filter(\.local).map(\.path)
    }

    /// Number of temporary files in flight on any side.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// Unlinks the local temporary files now (last resort before exiting on a signal).
    public func removeLocalNow() {
        for p in localPaths { unlink(p) }
    }
}
