import Foundation

/// What to undo when `berth volume` is interrupted: receives to give up on the agents, a local temporary file.
/// Steps are added as they begin and removed once done; ``runAll()`` (from a signal handler's queue) runs what is
/// left.
public final class Cleanups: @unchecked Sendable {
    private var steps: [Int: () -> Void] = [:]
    private var next = 0
    private let lock = NSLock()

    public init() {}

    @discardableResult
    func add(_ step: @escaping () -> Void) -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        steps[next] = step
        return next
    }

    func remove(_ id: Int) {
        lock.lock()
        steps.removeValue(forKey: id)
        lock.unlock()
    }

    /// Runs and forgets every step still registered.
    public func runAll() {
        lock.lock()
        let pending = steps.values
        steps = [:]
        lock.unlock()
        for step in pending { step() }
    }
}
