/// Builds one netlink message in the host's byte order: the 16-byte `nlmsghdr`, a family header, then attributes
/// (each a 4-byte `rtattr` and its payload, padded to 4 bytes; ``nest(_:_:)`` for nested ones). Pure.
public struct NetlinkWriter {
    public private(set) var bytes: [UInt8] = []

    public init(type: UInt16, flags: UInt16, sequence: UInt32) {
        u32(0) // nlmsg_len, set by ``finish()``
        u16(type)
        u16(flags)
        u32(sequence)
        u32(0) // nlmsg_pid: the kernel
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }

    mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }

    public mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        u16(UInt16(4 + payload.count))
        u16(type)
        bytes.append(contentsOf: payload)
        pad()
    }

    public mutating func attribute(_ type: UInt16, u8 v: UInt8) { attribute(type, [v]) }
    /// A 16-bit value in host byte order (a VLAN ID).
    public mutating func attribute(_ type: UInt16, u16 v: UInt16) {
        attribute(type, withUnsafeBytes(of: v.littleEndian) { Array($0) })
    }
    public mutating func attribute(_ type: UInt16, u32 v: UInt32) {
        attribute(type, withUnsafeBytes(of: v.littleEndian) { Array($0) })
    }
    /// A 16-bit value in network byte order (ports).
    public mutating func attribute(_ type: UInt16, be16 v: UInt16) {
        attribute(type, withUnsafeBytes(of: v.bigEndian) { Array($0) })
    }
    /// A NUL-terminated string.
    public mutating func attribute(_ type: UInt16, string: String) { attribute(type, Array(string.utf8) + [0]) }

    /// A nested attribute whose payload `body` writes.
    public mutating func nest(_ type: UInt16, _ body: (inout NetlinkWriter) -> Void) {
        let start = bytes.count
        u16(0)
        u16(type)
        body(&self)
        pad()
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(start..<start + 2, with: $0) }
    }

    /// The message with its length filled in.
    public func finish() -> [UInt8] {
        var out = bytes
        withUnsafeBytes(of: UInt32(out.count).littleEndian) { out.replaceSubrange(0..<4, with: $0) }
        return out
    }
}
