import Foundation

/// Builds SSH wire encodings (RFC 4251 §5).
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    var data: Data { Data(bytes) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func uint32(_ v: UInt32) {
        bytes.append(contentsOf: [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)])
    }

    mutating func string<S: Collection>(_ s: S) where S.Element == UInt8 {
        uint32(UInt32(s.count))
        bytes.append(contentsOf: s)
    }

    mutating func string(_ s: String) { string(Array(s.utf8)) }

    /// An unsigned big-endian magnitude as an mpint: leading zeros stripped, a zero byte added when the
    /// top bit is set.
    mutating func mpint<S: Collection>(_ magnitude: S) where S.Element == UInt8 {
        var m = Array(magnitude.drop(while: { $0 == 0 }))
        if let first = m.first, first & 0x80 != 0 { m.insert(0, at: 0) }
        string(m)
    }
}
