import Foundation

/// Runs `body` for each item on a thread of its own (blocking network work such as SSH connections, so not limited
/// to the core count), and returns the results in the items' order. One item runs on the calling thread.
public func parallelMap<T, R>(_ items: [T], _ body: @escaping (T) -> R) -> [R] {
    if items.count == 1 { return [body(items[0])] }
    let box = ParallelResults<R>(items.count)
    let group = DispatchGroup()
    for (i, item) in items.enumerated() {
        group.enter()
        let t = Thread {
            box.set(i, body(item))
            group.leave()
        }
        t.stackSize = 1 << 20
        t.start()
    }
    group.wait()
    return box.all()
}

private final class ParallelResults<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [R?]
    init(_ n: Int) { results = .init(repeating: nil, count: n) }

    func set(_ i: Int, _ r: R) {
        lock.lock()
        results[i] = r
        lock.unlock()
    }

    func all() -> [R] {
        lock.lock()
        defer { lock.unlock() }
        return results.map { $0! }
    }
}
