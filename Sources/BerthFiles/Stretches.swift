#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A part of a file: `length` bytes from `offset`.
public struct Stretch: Equatable, Sendable, CustomStringConvertible {
    public var offset: UInt64
    public var length: UInt64

    public init(offset: UInt64, length: UInt64) {
        self.offset = offset
        self.length = length
    }

    public var end: UInt64 { offset + length }
    public var description: String { "bytes \(offset)..<\(end)" }
}

/// How a large file is cut for a copy over several lanes (connections): into stretches that the lanes take in
/// turn, small enough that the lanes finish close together, large enough that the cost of a command per stretch
/// (a channel, two processes on the host) stays small next to its bytes.
public enum Stretches {
    /// Stretches are multiples of this (so the host's `dd` writes whole blocks).
    public static let granule: UInt64 = 1 << 20
    public static let minimumLength: UInt64 = 8 << 20
    public static let maximumLength: UInt64 = 64 << 20
    /// Rounds per lane: with three stretches a lane, one lane finishing early idles for a third of its share at most.
    static let roundsPerLane: UInt64 = 3

    /// Consecutive stretches covering `size` bytes exactly, none empty (none at all for an empty file).
    public static func split(size: UInt64, lanes: Int) -> [Stretch] {
        guard size > 0 else { return [] }
        let pieces = UInt64(max(lanes, 1)) * roundsPerLane
        var length = (size + pieces - 1) / pieces
        length = min(max(length, minimumLength), maximumLength)
        length = (length + granule - 1) / granule * granule
        var out: [Stretch] = []
        var offset: UInt64 = 0
        while offset < size {
            let n = min(length, size - offset)
            out.append(Stretch(offset: offset, length: n))
            offset += n
        }
        return out
    }

    /// One digest for a whole file from its stretches' digests (in file order), computed the same way on both
    /// sides of a copy: equal exactly when every stretch's digest is equal.
    public static func combinedDigest(_ digests: [String]) -> String {
        let d = SHA256Digest()
        for h in digests { d.update(Data((h + "\n").utf8)) }
        return "stretches:" + d.finalize()
    }
}
