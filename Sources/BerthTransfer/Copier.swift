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

    /// Relay buffers between the reading and the writing thread (32 MiB). `SFTPFile.write(from:)` refills its
    /// 16 MiB buffer in one go whenever half of it is acknowledged, blocking in `fill` until it is full, so the
    /// relay holds more than that: a reader that keeps up never leaves the SFTP writer idle.
    public var blocks = 8
    public var blockSize = 4 << 20
    /// Lanes (connections per host) for a large file copied in stretches; 1 streams every file as one.
    /// `BERTH_SCP_LANES` overrides it (0 or 1 turns stretches off).
    public var lanes = Copier.defaultLanes
    /// Files from this size on are copied in stretches when both sides can (see `StretchSide`).
    public var stretchMinimumSize: UInt64 = 32 << 20
    public static var defaultLanes: Int {
        if let v = ProcessInfo.processInfo.environment["BERTH_SCP_LANES"], let n = Int(v) { return max(n, 1) }
        // Measured on a 2-core machine with both ends on it: 2 beat 1 and 3 in every direction.
        return 2
    }
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
    ///
    /// Files are streamed one after the other into temporary names; their checksums are then checked in one batch
    /// per `maxPendingFiles` files or `maxPendingBytes` bytes (one command on a host, however many files), and
    /// each is renamed into place. Directories get their final mode and times after their contents are renamed.
    @discardableResult
    public func execute(_ plan: CopyPlan) throws -> CopySummary {
        let dst = plan.destination
        let total = plan.bytesToSend
        var done: Int64 = 0
        var summary = CopySummary()
        var queue = CommitQueue()
        onProgress?(0, total)
        do {
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
                    if e.preserve { queue.items.append(.directory(e)) }
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
                    let file = try transfer(e, to: dst, summary: &summary) { n in self.onProgress?(base + n, total) }
                    done += file.written
                    onProgress?(done, total)
                    queue.add(file)
                    if queue.files >= maxPendingFiles || queue.bytes >= maxPendingBytes {
                        try commit(&queue, on: dst, summary: &summary)
                    }
                }
            }
            try commit(&queue, on: dst, summary: &summary)
        } catch {
            for case .file(let f) in queue.items {
                try? dst.remove(f.temporary)
                temporaries.remove(dst, f.temporary)
            }
            throw error
        }
        return summary
    }

    /// Files written but not yet checked and renamed, held to check their checksums in one batch.
    public var maxPendingFiles = 256
    public var maxPendingBytes: Int64 = 256 << 20
    /// Files from this size on are hashed on the destination while they are written
    /// (`FileSystemSide.sha256(following:size:)`), so their check is done soon after their last byte lands.
    public var followMinimumSize: UInt64 = 8 << 20

    /// A file in its temporary name, waiting for its checksum check and rename.
    struct PendingFile {
        var entry: CopyPlan.Entry
        var temporary: String
        var hash: String
        var written: Int64
        var mode: Int32
        var started: Date
        /// The destination's hash when it was taken while writing.
        var followed: String?
        /// Connections the file went over (see `StretchSide`).
        var lanes = 1
    }

    /// What `commit` will do, in plan order.
    struct CommitQueue {
        enum Item {
            case file(PendingFile)
            case directory(CopyPlan.Entry)
        }
        var items: [Item] = []
        var files = 0
        var bytes: Int64 = 0

        mutating func add(_ f: PendingFile) {
            items.append(.file(f))
            files += 1
            bytes += f.written
        }
    }

    /// Checks the pending files' checksums (one batch), renames each into place, then sets directories' modes and
    /// times. Items are taken off the queue as they are done; on an error the caller removes what is left.
    private func commit(_ queue: inout CommitQueue, on dst: FileSystemSide, summary: inout CopySummary) throws {
        let temporaryPaths = queue.items.compactMap { item -> String? in
            if case .file(let f) = item, f.followed == nil { return f.temporary }
            return nil
        }
        var hashes: [String: String] = [:]
        if !temporaryPaths.isEmpty {
            try cancellation.check("")
            hashes = try dst.sha256(temporaryPaths)
        }
        while !queue.items.isEmpty {
            let item = queue.items.removeFirst()
            switch item {
            case .directory(let e):
                try dst.setAttributes(e.destination, mode: e.info.mode, modificationTime: e.info.modificationTime,
                                      accessTime: e.info.accessTime)
            case .file(let f):
                let e = f.entry
                let shown = dst.display(e.destination)
                do {
                    let actual = f.followed ?? hashes[f.temporary]
                    guard actual == f.hash else {
                        throw TransferError(shown, .checksumMismatch(expected: f.hash, actual: actual ?? "unreadable"))
                    }
                    try dst.setAttributes(f.temporary, mode: f.mode,
                                          modificationTime: e.preserve ? e.info.modificationTime : nil,
                                          accessTime: e.preserve ? e.info.accessTime : nil)
                    try cancellation.check(shown)
                    try dst.rename(f.temporary, to: e.destination)
                    temporaries.remove(dst, f.temporary)
                } catch {
                    let explained = explain(error, temporary: f.temporary, shown: shown, on: dst, checkSpace: false)
                    try? dst.remove(f.temporary)
                    temporaries.remove(dst, f.temporary)
                    throw explained
                }
                summary.filesSent += 1
                summary.bytesSent += f.written
                onEvent?(.sent(source: e.source.display, destination: shown, bytes: f.written,
                               seconds: Date().timeIntervalSince(f.started), lanes: f.lanes))
            }
        }
        queue = CommitQueue()
    }

    // MARK: files

    /// Streams one file into a new temporary name beside its destination and closes it; returns it for `commit`.
    /// On failure the temporary file is removed.
    private func transfer(_ e: CopyPlan.Entry, to dst: FileSystemSide, summary: inout CopySummary,
                          progress: @escaping (Int64) -> Void) throws -> PendingFile {
        let started = Date()
        let shown = dst.display(e.destination)
        let finalMode: Int32
        if e.preserve { finalMode = e.info.mode }
        else if let ex = e.existing, ex.kind == .regular { finalMode = ex.mode }
        else { finalMode = e.info.mode & 0o777 }

        let stretched = stretchLanes(for: e, to: dst)
        let input = try e.source.side.openForReading(e.source.path)
        defer { try? input.close() }
        let tmp = TemporaryName.make(for: e.destination)
        let out: WritableFile
        do {
            out = try dst.createExclusive(tmp, mode: 0o600)
        } catch {
            throw explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: false)
        }
        temporaries.add(dst, tmp)
        var open = true
        let follower = stretched == nil && e.info.size >= followMinimumSize && !out.hashesWhileWriting
            ? ChecksumFollower(side: dst, path: tmp, size: e.info.size) : nil
        do {
            summary.staleRemoved += sweep(CopyNaming.parent(e.destination), ownTemporary: tmp, on: dst)
            if let (src, sdst, n) = stretched {
                open = false
                try out.close()
                let r = try copyInStretches(e, into: tmp, from: src, to: sdst, lanes: n, progress: progress)
                return PendingFile(entry: e, temporary: tmp, hash: r.source, written: r.written, mode: finalMode,
                                   started: started, followed: r.destination, lanes: n)
            }
            // A local source is read on the writing thread, straight into the writer's buffer: reading from the page
            // cache is quick next to the network, and it saves a copy and a thread. A remote source gets a thread.
            let threaded = e.source.side !== dst && !(e.source.side.isLocal && dst.isLocal)
            let (written, hash) = try pump(input, to: out, threaded: threaded, shown: shown, progress: progress)
            open = false
            try out.close()
            if follower != nil && written != Int64(e.info.size) {
                throw TransferError(e.source.display, .other(
                    "changed size while being copied (\(e.info.size) bytes when the copy started, \(written) read)"))
            }
            return PendingFile(entry: e, temporary: tmp, hash: hash, written: written, mode: finalMode, started: started,
                               followed: follower?.wait() ?? out.writtenHash)
        } catch {
            if open { try? out.close() }
            let explained = explain(error, temporary: tmp, shown: shown, on: dst, checkSpace: true)
            try? dst.remove(tmp)
            temporaries.remove(dst, tmp)
            _ = follower?.wait() // it stops once the file is gone
            throw explained
        }
    }

    /// Moves the bytes and hashes them on the way; returns (bytes written, hex SHA-256).
    private func pump(_ input: ReadableFile, to out: WritableFile, threaded: Bool, shown: String,
                      progress: @escaping (Int64) -> Void) throws -> (Int64, String) {
        let digest = SHA256Digest()
        let cancellation = self.cancellation
        guard threaded else {
            let n = try out.write(from: { buffer in
                try cancellation.check(shown)
                let n = try input.read(into: buffer)
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                return n
            }, progress: progress)
            return (n, digest.finalize())
        }
        let pipe = BlockPipe(blocks: blocks, blockSize: blockSize)
        let written = try pipe.relay(producer: {
            while let block = pipe.takeEmpty() {
                do {
                    try cancellation.check(shown)
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
        }, consumer: {
            try out.write(from: { buffer in
                try cancellation.check(shown)
                return try pipe.fill(buffer)
            }, progress: progress)
        })
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
