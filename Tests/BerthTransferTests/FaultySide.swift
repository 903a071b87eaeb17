@testable import BerthTransfer
import Foundation

/// A local side that fails on purpose: after `failAfterBytes` bytes of a write, or with a wrong checksum.
final class FaultySide: FileSystemSide {
    let base = LocalSide()
    var failAfterBytes: Int64?
    var writeError = TransferError("", .other("injected write failure"))
    var corruptChecksums = false
    var onWrite: ((Int64) -> Void)?
    /// Claims to be remote, so the copier reads it on a thread of its own.
    var pretendsRemote = false

    // Stretches (see `StretchSide`): lanes offered (0: cannot), a stretch that fails, digests to spoil.
    var laneCount = 0
    var failStretchAt: UInt64?
    var corruptStretchAt: UInt64?
    private let stretchLock = NSLock()
    private(set) var stretchesDone: [UInt64] = []
    private(set) var lanesUsed: Set<Int> = []
    private(set) var abandoned = 0

    func display(_ path: String) -> String { base.display(path) }
    var isLocal: Bool { !pretendsRemote }
    func info(_ path: String, followLinks: Bool) throws -> FileInfo? { try base.info(path, followLinks: followLinks) }
    func list(_ directory: String) throws -> [DirectoryEntry] { try base.list(directory) }
    func readLink(_ path: String) throws -> String { try base.readLink(path) }
    func realPath(_ path: String) throws -> String { try base.realPath(path) }
    func makeDirectory(_ path: String, mode: Int32) throws { try base.makeDirectory(path, mode: mode) }
    func makeSymbolicLink(_ target: String, at path: String) throws { try base.makeSymbolicLink(target, at: path) }
    func openForReading(_ path: String) throws -> ReadableFile { try base.openForReading(path) }
    func setAttributes(_ path: String, mode: Int32?, modificationTime: Int64?, accessTime: Int64?) throws {
        try base.setAttributes(path, mode: mode, modificationTime: modificationTime, accessTime: accessTime)
    }
    func rename(_ from: String, to: String) throws { try base.rename(from, to: to) }
    func remove(_ path: String) throws { try base.remove(path) }
    func freeBytes(_ path: String) -> UInt64? { base.freeBytes(path) }
    /// Follows writes like the local side unless `noFollowing`.
    var noFollowing = false
    func sha256(following path: String, size: UInt64) throws -> String? {
        guard !noFollowing else { return nil }
        let h = try base.sha256(following: path, size: size)
        return corruptChecksums ? h.map { String($0.reversed()) } : h
    }

    /// Number of `sha256` calls (batches) and paths hashed.
    var checksumBatches = 0
    /// Corrupts only the checksums of temporary files of destinations whose name is this.
    var corruptName: String?

    func sha256(_ paths: [String]) throws -> [String: String] {
        checksumBatches += 1
        var real = try base.sha256(paths)
        if corruptChecksums { real = real.mapValues { String($0.reversed()) } }
        if let name = corruptName {
            for p in paths where CopyNaming.lastComponent(p).hasPrefix("." + name + ".berth-tmp-") {
                real[p] = String(repeating: "0", count: 64)
            }
        }
        return real
    }

    func createExclusive(_ path: String, mode: Int32) throws -> WritableFile {
        let file = try base.createExclusive(path, mode: mode)
        return Faulty(file: file, path: path, side: self)
    }

    final class Faulty: WritableFile {
        let file: WritableFile
        let path: String
        unowned let side: FaultySide

        init(file: WritableFile, path: String, side: FaultySide) {
            self.file = file
            self.path = path
            self.side = side
        }

        func write(from fill: (UnsafeMutableRawBufferPointer) throws -> Int, progress: (Int64) -> Void) throws -> Int64 {
            var fed: Int64 = 0
            return try file.write(from: { buffer in
                let n = try fill(buffer)
                fed += Int64(n)
                if let limit = side.failAfterBytes, fed > limit {
                    throw TransferError(side.display(path), side.writeError.cause)
                }
                return n
            }, progress: { n in
                progress(n)
                side.onWrite?(n)
            })
        }

        func close() throws { try file.close() }
    }
}


extension FaultySide: StretchSide {
    func openLanes(_ wanted: Int) -> Int { min(wanted, laneCount) }
    func abandonLanes() { abandoned += 1 }

    private func record(_ s: Stretch, lane: Int, path: String) throws {
        stretchLock.lock()
        stretchesDone.append(s.offset)
        lanesUsed.insert(lane)
        stretchLock.unlock()
        if s.offset == failStretchAt { throw TransferError(display(path), writeError.cause) }
    }

    private func spoil(_ digest: String, _ s: Stretch) -> String {
        s.offset == corruptStretchAt ? String(digest.reversed()) : digest
    }

    func readStretch(_ path: String, _ stretch: Stretch, lane: Int,
                     output: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        try record(stretch, lane: lane, path: path)
        return spoil(try base.readStretch(path, stretch, lane: lane, output: output), stretch)
    }

    func writeStretch(_ path: String, _ stretch: Stretch, lane: Int,
                      fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (written: UInt64, digest: String) {
        try record(stretch, lane: lane, path: path)
        let r = try base.writeStretch(path, stretch, lane: lane, fill: fill)
        return (r.written, spoil(r.digest, stretch))
    }
}
