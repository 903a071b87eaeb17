import Foundation

/// Carries out copies: plans them (`CopyPlanner`), skips unchanged files with `-d` (`DeltaDecision`),
/// and streams each file into a temporary name beside its destination, renaming it into place only once it
/// is complete and its SHA-256 (computed from the source bytes as they pass) matches the written file's.
///
/// When the source and destination are distinct sides, a reading thread and the writing thread are joined by
/// a `BlockPipe` of `blocks × blockSize` bytes: host to host, bytes go from one SFTP session to the other
/// through memory only. Any failure, or a cancellation, removes the temporary file and leaves the
/// destination as it was.
public final class Copier {
    public let options: CopyOptions
    public let cancellation: Cancellation
    public let temporaries: TemporaryFiles
    /// Called on the copying thread as the destination acknowledges bytes: (done, total) over the whole copy.
    public var onProgress: ((Int64, Int64) -> Void)?
    /// Called for each thing done.
    public var onEvent: ((CopyEvent) -> Void)?

    /// Relay buffers between the reading and the writing thread.
    public var blocks = 4
    public var blockSize = 2 << 20
    /// Below this many free bytes, a write failure without a precise cause is reported as a full disk.
    static let nearlyFull: UInt64 = 4 << 20

    /// The destination's clock when this copy created its first temporary file; older temporary files in
    /// the directories it writes to are left over from killed copies and are removed.
    private var startedAt: Int64?
    private var swept = Set<String>()

    public init(options: CopyOptions, cancellation: Cancellation = Cancellation(),
                temporaries: TemporaryFiles = TemporaryFiles()) {
        self.options = options
        self.cancellation = cancellation
        self.temporaries = temporaries
    }

    /// Plans and performs the copy of `sources` to `destination`.
    @discardableResult
    public func copy(_ sources: [Operand], to destination: Operand) throws -> CopySummary {
        var plan = try CopyPlanner.plan(sources: sources, destination: destination, options: options,
                                        cancellation: cancellation)
        if options.delta { try DeltaDecision.apply(to: &plan, cancellation: cancellation) }
        return try execute(plan)
    }

    /// Performs a plan, in order.
    @discardableResult
    public func execute(_ plan: CopyPlan) throws -> CopySummary {
        let dst = plan.destination
        let total = plan.bytesToSend
        var done: Int64 = 0
        var summary = CopySummary()
        onProgress?(0, total)
        for e in plan.entries {
            try cancellation.check(dst.display(e.destination))
            switch e.action {
            case .makeDirectory:
                guard e.existing?.kind != .directory else { continue }
                do {
                    try dst.makeDirectory(e.destination, mode: 0o700)
                } catch {
                    // Raced with someone making it: fine if it is a directory now.
                    guard try dst.info(e.destination, followLinks: false)?.kind == .directory else { throw error }
                }
                summary.directories += 1
                onEvent?(.madeDirectory(destination: dst.display(e.destination)))
            case .finishDirectory:
                if e.preserve {
                    try dst.setAttributes(e.destination, mode: e.info.mode, modificationTime: e.info.modificationTime,
                                          accessTime: e.info.accessTime)
                }
            case .makeSymbolicLink(let target):
                if try link(e, target: target, on: dst) {
                    summary.links += 1
                    onEvent?(.linked(destination: dst.display(e.destination), target: target))
                }
            case .copyFile:
                if e.unchanged {
                    if e.preserve, let ex = e.existing,
                       ex.mode != e.info.mode || ex.modificationTime != e.info.modificationTime {
                        try dst.setAttributes(e.destination, mode: e.info.mode,
                                              modificationTime: e.info.modificationTime, accessTime: e.info.accessTime)
                    }
                    summary.filesUnchanged += 1
                    onEvent?(.unchanged(destination: dst.display(e.destination)))
                    continue
                }
                let base = done
                let sent = try copyFile(e, to: dst, summary: &summary) { n in self.onProgress?(base + n, total) }
                done += sent
                summary.filesSent += 1
                summary.bytesSent += sent
                onProgress?(done, total)
                onEvent?(.sent(source: e.source.display, destination: dst.display(e.destination), bytes: sent))
            }
        }
        return summary
    }

    // MARK: files

    /// Streams one file through a temporary name; returns the bytes written.
    private func copyFile(_ e: CopyPlan.Entry, to dst: FileSystemSide, summary: inout CopySummary,
                          progress: @escaping (Int64) -> Void) throws -> Int64 {
        let shown = dst.display(e.destination)
        let finalMode: Int32
        if e.preserve { finalMode = e.info.mode }
        else if let ex = e.existing, ex.kind == .regular { finalMode = ex.mode }
        else { finalMode = e.info.mode & 0o777 }

        let input = try e.source.side.openForReading(e.source.path)
        defer { try? input.close() }
        let tmp = TemporaryName.make(for: e.destination)
        temporaries.add(dst, tmp)
        defer { temporaries.remove(dst, tmp) }
        let out: WritableFile
        do {
            out = try dst.createExclusive(tmp, mode: 0o600)
        } catch {
            throw explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: false)
        }
        var open = true
        do {
            summary.staleRemoved += sweep(CopyNaming.parent(e.destination), ownTemporary: tmp, on: dst)
            let (written, hash) = try pump(input, to: out, threaded: e.source.side !== dst,
                                           source: e.source.display, progress: progress)
            open = false
            try out.close()
            try cancellation.check(shown)
            let actual = try dst.sha256(tmp)
            guard actual == hash else {
                throw TransferError(shown, .checksumMismatch(expected: hash, actual: actual ?? "unreadable"))
            }
            try dst.setAttributes(tmp, mode: finalMode, modificationTime: e.preserve ? e.info.modificationTime : nil,
                                  accessTime: e.preserve ? e.info.accessTime : nil)
            try cancellation.check(shown)
            try dst.rename(tmp, to: e.destination)
            return written
        } catch {
            if open { try? out.close() }
            let explained = explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: true)
            try? dst.remove(tmp)
            throw explained
        }
    }

    /// Moves the bytes and hashes them on the way; returns (bytes written, hex SHA-256).
    private func pump(_ input: ReadableFile, to out: WritableFile, threaded: Bool, source: String,
                      progress: @escaping (Int64) -> Void) throws -> (Int64, String) {
        let digest = SHA256Digest()
        let cancellation = self.cancellation
        guard threaded else {
            let n = try out.write(from: { buffer in
                try cancellation.check(source)
                let n = try input.read(into: buffer)
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                return n
            }, progress: progress)
            return (n, digest.finalize())
        }
        let pipe = BlockPipe(blocks: blocks, blockSize: blockSize)
        let finished = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { finished.signal() }
            while let block = pipe.takeEmpty() {
                do {
                    try cancellation.check(source)
                    let n = try input.read(into: block.buffer)
                    if n == 0 {
                        pipe.finish()
                        return
                    }
                    digest.update(UnsafeRawBufferPointer(rebasing: block.buffer[0..<n]))
                    block.count = n
                    pipe.put(block)
                } catch {
                    pipe.fail(error)
                    return
                }
            }
        }
        reader.stackSize = 1 << 20
        reader.start()
        let written: Int64
        do {
            written = try out.write(from: { buffer in
                try cancellation.check(source)
                return try pipe.fill(buffer)
            }, progress: progress)
        } catch {
            pipe.cancel()
            finished.wait()
            throw error
        }
        pipe.cancel()
        finished.wait()
        return (written, digest.finalize())
    }

    // MARK: links

    /// Creates or replaces a symbolic link (through a temporary name, so the old one is replaced atomically).
    /// Returns false when an identical link is already there.
    private func link(_ e: CopyPlan.Entry, target: String, on dst: FileSystemSide) throws -> Bool {
        if e.existing?.kind == .symbolicLink, (try? dst.readLink(e.destination)) == target { return false }
        let shown = dst.display(e.destination)
        let tmp = TemporaryName.make(for: e.destination)
        temporaries.add(dst, tmp)
        defer { temporaries.remove(dst, tmp) }
        do {
            try dst.makeSymbolicLink(target, at: tmp)
        } catch {
            throw explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: false)
        }
        do {
            try dst.rename(tmp, to: e.destination)
        } catch {
            try? dst.remove(tmp)
            throw explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: false)
        }
        return true
    }

    // MARK: cleanup

    /// Removes temporary files of killed copies from `directory` (once per directory): those older than this
    /// copy's start by the destination's own clock, read from the modification time of our first temporary
    /// file. A live copy keeps its temporary file's time current, so it is not touched.
    private func sweep(_ directory: String, ownTemporary: String, on dst: FileSystemSide) -> Int {
        guard !swept.contains(directory) else { return 0 }
        swept.insert(directory)
        if startedAt == nil {
            startedAt = (try? dst.info(ownTemporary, followLinks: false))?.modificationTime
        }
        guard let start = startedAt, let entries = try? dst.list(directory) else { return 0 }
        let own = CopyNaming.lastComponent(ownTemporary)
        var removed = 0
        for entry in entries where entry.name != own && TemporaryName.isTemporary(entry.name)
            && entry.info.kind != .directory && entry.info.modificationTime < start {
            let path = CopyNaming.join(directory, entry.name)
            if (try? dst.remove(path)) != nil {
                removed += 1
                onEvent?(.removedStale(path: dst.display(path)))
            }
        }
        return removed
    }

    /// Names the destination rather than its temporary file, and tells a full disk from other failures.
    private func explain(_ error: Error, temporary: String, shown: String, on dst: FileSystemSide,
                         checkSpace: Bool) -> Error {
        guard var t = error as? TransferError else { return TransferError(shown, .other("\(error)")) }
        guard t.location == dst.display(temporary) else { return t }
        t.location = shown
        if checkSpace, case .other = t.cause, let free = dst.freeBytes(temporary), free < Self.nearlyFull {
            t.cause = .noSpace
        }
        return t
    }
}
