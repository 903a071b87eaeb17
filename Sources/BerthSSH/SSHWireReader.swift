import Foundation

/// Reads the SSH wire encodings of RFC 4251 §5 (uint32, string, mpint) from a byte buffer.
/// Every read returns nil instead of trapping when the input is short.
struct SSHWireReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A length-prefixed byte string.
    mutating func string() -> [UInt8]? {
        let save = offset
        guard let n = uint32(), let s = bytes(Int(n)) else { offset = save; return nil }
        return s
    }

    /// A length-prefixed string decoded as UTF-8.
    mutating func text() -> String? {
        string().map { String(decoding: $0, as: UTF8.self) }
    }

    /// An mpint as unsigned big-endian magnitude without leading zero bytes (SSH keys never hold negatives).
    mutating func mpint() -> [UInt8]? {
        guard let raw = string() else { return nil }
        return Array(raw.drop(while: { $0 == 0 }))
    }
}
