/// Just enough DER to walk an unencrypted PKCS#1 or PKCS#8 RSA private key.
struct DERReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    /// Reads one element; returns its tag and contents.
    mutating func element() -> (tag: UInt8, value: [UInt8])? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1])
        var p = offset + 2
        if length & 0x80 != 0 {
            let n = length & 0x7f
            guard n >= 1, n <= 4, p + n <= bytes.count else { return nil }
            length = 0
            for i in 0..<n { length = length << 8 | Int(bytes[p + i]) }
            p += n
        }
        guard length >= 0, p + length <= bytes.count else { return nil }
        offset = p + length
        return (tag, Array(bytes[p..<p + length]))
    }

    /// Reads an element with `tag`.
    mutating func element(tag: UInt8) -> [UInt8]? {
        guard let e = element(), e.tag == tag else { return nil }
        return e.value
    }

    /// Reads a non-negative INTEGER as its big-endian magnitude.
    mutating func unsignedInteger() -> [UInt8]? {
        element(tag: 0x02).map { Array($0.drop(while: { $0 == 0 })) }
    }
}
