import Foundation

/// Runs `body` on every item at once (each on its own thread) and returns the results in item order.
func concurrently<T, R>(_ items: [T], _ body: (T) -> R) -> [R] {
    let lock = NSLock()
    var results = [R?](repeating: nil, count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
        let r = body(items[i])
        lock.lock()
        results[i] = r
        lock.unlock()
    }
    return results.map { $0! }
}
