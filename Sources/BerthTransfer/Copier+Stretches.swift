import Foundation

/// Large files in stretches over several lanes (see `StretchSide`): each lane is a reading and a writing thread
/// joined by a small `BlockPipe`, taking the next stretch when it is done with one. Both sides hash each stretch
/// where it lives; the file's digest on each side is `Stretches.combinedDigest` of its stretches' digests.
extension Copier {
    /// The two sides and the lane count for copying `e` in stretches, or nil to stream it as one.
    func stretchLanes(for e: CopyPlan.Entry, to destination: FileSystemSide) -> (StretchSide, StretchSide, Int)? {
        guard lanes > 1, e.info.size >= stretchMinimumSize,
              let src = e.source.side as? StretchSide, let dst = destination as? StretchSide,
              !(src.isLocal && dst.isLocal), src !== dst else { return nil }
        // The destination first: when it has no lanes, the source opens none either.
        let d = dst.openLanes(lanes)
        guard d > 1 else { return nil }
        let n = min(d, src.openLanes(d))
        return n > 1 ? (src, dst, n) : nil
    }

    /// Copies `e` into the existing temporary file `tmp` in stretches; returns the bytes written and the combined
    /// digests of the source and of the destination.
    func copyInStretches(_ e: CopyPlan.Entry, into tmp: String, from src: StretchSide, to dst: StretchSide, lanes n: Int,
                         progress: (Int64) -> Void) throws -> (written: Int64, source: String, destination: String) {
        let stretches = Stretches.split(size: e.info.size, lanes: n)
        let work = StretchWork(count: stretches.count, cancellation: cancellation, shown: dst.display(e.destination))
        let group = DispatchGroup()
        for lane in 0..<n {
            group.enter()
            let t = Thread {
                defer { group.leave() }
                while let i = work.next() {
                    do {
                        let (s, d) = try Self.copyStretch(stretches[i], path: e.source.path, into: tmp, from: src,
                                                          to: dst, lane: lane, work: work)
                        work.done(i, source: s, destination: d)
                    } catch {
                        work.fail(error)
                        return
                    }
                }
            }
            t.stackSize = 1 << 20
            t.start()
        }
        while group.wait(timeout: .now() + 0.1) == .timedOut { progress(work.bytes) }
        progress(work.bytes)
        if let error = work.error {
            // A lane stopped mid-command may have left its connection mid-packet.
            src.abandonLanes()
            dst.abandonLanes()
            throw error
        }
        for (i, s) in stretches.enumerated() where work.written[i] != s.length {
            throw TransferError(e.source.display, .other(
                "changed size while being copied (\(e.info.size) bytes when the copy started; \(s) gave \(work.written[i]))"))
        }
        if let now = try e.source.side.info(e.source.path, followLinks: true), now.size != e.info.size {
            throw TransferError(e.source.display, .other(
                "changed size while being copied (\(e.info.size) bytes when the copy started, \(now.size) now)"))
        }
        return (Int64(e.info.size), Stretches.combinedDigest(work.sourceDigests.map { $0! }),
                Stretches.combinedDigest(work.destinationDigests.map { $0! }))
    }

    /// One stretch on one lane: the source side reads on a thread of its own into the pipe, this thread writes.
    private static func copyStretch(_ s: Stretch, path: String, into tmp: String, from src: StretchSide,
                                    to dst: StretchSide, lane: Int, work: StretchWork)
        throws -> (source: String, destination: (written: UInt64, digest: String)) {
        try work.check()
        if let direct = src as? DirectStretchSide,
           let sent = try direct.sendStretch(path, s, lane: lane, to: dst, at: tmp) {
            work.add(Int(sent.destination.written))
            return sent
        }
        let pipe = BlockPipe(blocks: 4, blockSize: 1 << 20)
        let sourceDigest = DigestBox()
        let written = try pipe.relay(producer: {
            var block: BlockPipe.Block?
            do {
                sourceDigest.value = try src.readStretch(path, s, lane: lane) { bytes in
                    var at = 0
                    while at < bytes.count {
                        if block == nil {
                            guard let b = pipe.takeEmpty() else { throw LaneStopped() }
                            block = b
                        }
                        let b = block!
                        let n = min(bytes.count - at, b.buffer.count - b.count)
                        (b.buffer.baseAddress! + b.count).copyMemory(from: bytes.baseAddress! + at, byteCount: n)
                        b.count += n
                        at += n
                        if b.count == b.buffer.count {
                            pipe.put(b)
                            block = nil
                        }
                    }
                }
                if let b = block, b.count > 0 { pipe.put(b) }
                pipe.finish()
            } catch {
                pipe.fail(error)
            }
        }, consumer: {
            try dst.writeStretch(tmp, s, lane: lane) { buffer in
                try work.check()
                let n = try pipe.fill(buffer)
                work.add(n)
                return n
            }
        })
        guard let digest = sourceDigest.value else { throw LaneStopped() }
        return (digest, written)
    }
}

/// The reader's digest, read by the writer once the reader has left.
private final class DigestBox: @unchecked Sendable {
    var value: String?
}

/// Thrown inside a lane that stops because another one failed or the pipe closed; never the error reported.
struct LaneStopped: Error {}

/// The shared state of one file's stretches: which is next, what each gave, the first failure, bytes so far.
final class StretchWork: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    private let cancellation: Cancellation
    private let shown: String
    private(set) var sourceDigests: [String?]
    private(set) var destinationDigests: [String?]
    private(set) var written: [UInt64]
    private var firstError: Error?
    private var total: Int64 = 0

    init(count: Int, cancellation: Cancellation, shown: String) {
        self.count = count
        self.cancellation = cancellation
        self.shown = shown
        sourceDigests = Array(repeating: nil, count: count)
        destinationDigests = Array(repeating: nil, count: count)
        written = Array(repeating: 0, count: count)
    }

    /// The next stretch to copy, nil when none is left or the copy failed.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard firstError == nil, nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func done(_ i: Int, source: String, destination: (written: UInt64, digest: String)) {
        lock.lock()
        sourceDigests[i] = source
        destinationDigests[i] = destination.digest
        written[i] = destination.written
        lock.unlock()
    }

    /// Records a lane's failure; the first real one is what the copy reports.
    func fail(_ error: Error) {
        lock.lock()
        if firstError == nil || (firstError is LaneStopped && !(error is LaneStopped)) { firstError = error }
        lock.unlock()
    }

    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return firstError
    }

    /// Throws once the copy is cancelled or another lane failed.
    func check() throws {
        try cancellation.check(shown)
        if error != nil { throw LaneStopped() }
    }

    func add(_ n: Int) {
        lock.lock()
        total += Int64(n)
        lock.unlock()
    }

    var bytes: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}
