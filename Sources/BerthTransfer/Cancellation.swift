import Foundation

/// A flag the copier checks between chunks; set from a signal handler's queue to stop a copy cleanly.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: Int32?

    public init() {}

    /// Asks running copies to stop; `signal` is remembered for the exit status.
    public func cancel(signal: Int32 = 0) {
        lock.lock()
        if reason == nil { reason = signal }
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return reason != nil
    }

    /// The signal given to `cancel(signal:)`, if cancelled.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return reason
    }

    /// Throws `TransferError` with cause `.interrupted` for `location` once cancelled.
    func check(_ location: String) throws {
        if isCancelled { throw TransferError(location, .interrupted) }
    }
}
