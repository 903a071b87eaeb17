import Foundation

/// A bounded relay between a reading thread and a writing thread: a fixed set of blocks handed back and
/// forth, so memory stays at `blocks × blockSize` whatever the file size.
public final class BlockPipe: @unchecked Sendable {
    public final class Block {
        public let buffer: UnsafeMutableRawBufferPointer
        public var count = 0
        var consumed = 0

        init(size: Int) { buffer = .allocate(byteCount: size, alignment: 16) }
        deinit { buffer.deallocate() }
    }

    private let condition = NSCondition()
    private var free: [Block]
    private var full: [Block] = []
    private var current: Block?
    private var finished = false
    private var failure: Error?
    private var cancelled = false

    public init(blocks: Int, blockSize: Int) {
        free = (0..<blocks).map { _ in Block(size: blockSize) }
    }

    // MARK: producer

    /// The next empty block, or nil when the consumer has stopped.
    public func takeEmpty() -> Block? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        if cancelled { return nil }
        let b = free.removeLast()
        b.count = 0
        b.consumed = 0
        return b
    }

    /// Hands a filled block to the consumer.
    public func put(_ block: Block) {
        condition.lock()
        full.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// The producer reached the end of the data.
    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The producer failed: the consumer's next `fill` throws `error`.
    public func fail(_ error: Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    // MARK: consumer

    /// Copies up to `buffer.count` bytes out; 0 at the end. Throws the producer's error.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var copied = 0
        condition.lock()
        defer { condition.unlock() }
        while copied < buffer.count {
            if current == nil {
                // Return what we have rather than wait while holding bytes the writer could send.
                while full.isEmpty && !finished && failure == nil {
                    if copied > 0 { return copied }
                    condition.wait()
                }
                if let failure { throw failure }
                if full.isEmpty { return copied }
                current = full.removeFirst()
            }
            let b = current!
            let n = min(b.count - b.consumed, buffer.count - copied)
            if n > 0 {
                (buffer.baseAddress! + copied).copyMemory(from: b.buffer.baseAddress! + b.consumed, byteCount: n)
                b.consumed += n
                copied += n
            }
            if b.consumed == b.count {
                current = nil
                free.append(b)
                condition.broadcast()
            }
        }
        return copied
    }

    /// Runs `producer` on a thread of its own (it fills the pipe and ends with `finish` or `fail`) and `consumer`
    /// on the calling thread; once the consumer returns or throws, stops the producer and waits for it to leave.
    public func relay<T>(producer: @escaping () -> Void, consumer: () throws -> T) throws -> T {
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            producer()
        }
        thread.stackSize = 1 << 20
        thread.start()
        defer {
            cancel()
            finished.wait()
        }
        return try consumer()
    }

    /// The consumer stopped (done or failed): wakes the producer so it can leave.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
