/// One message received from the kernel: its header fields and the payload after the 16-byte header.
public struct NetlinkMessage: Sendable, Equatable {
    public var type: UInt16
    public var flags: UInt16
    public var sequence: UInt32
    public var payload: [UInt8]

    public init(type: UInt16, flags: UInt16, sequence: UInt32, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.payload = payload
    }

    /// Splits a datagram into its messages (each padded to 4 bytes). Pure.
    public static func split(_ data: ArraySlice<UInt8>) throws -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        var at = data.startIndex
        while data.endIndex - at >= 16 {
            let length = Int(Bytes.u32(data, at))
            guard length >= 16, at + length <= data.endIndex else {
                throw NetlinkError.malformed("message of \(length) bytes in a datagram of \(data.count)")
            }
            out.append(NetlinkMessage(type: Bytes.u16(data, at + 4), flags: Bytes.u16(data, at + 6),
                                      sequence: Bytes.u32(data, at + 8), payload: Array(data[(at + 16)..<(at + length)])))
            at += (length + 3) & ~3
        }
        return out
    }

    /// For an NLMSG_ERROR: the (negative) errno, 0 for an acknowledgement, and the extended-ack message if any.
    public func errorReply() throws -> (code: Int32, message: String?) {
        guard payload.count >= 4 else { throw NetlinkError.malformed("short error message") }
        let code = Int32(bitPattern: Bytes.u32(payload[...], 0))
        guard flags & RTNL.NLM_F_ACK_TLVS != 0, payload.count >= 20 else { return (code, nil) }
        // NLM_F_CAPPED (0x100): only the original header was echoed, else the whole request.
        let echoed = flags & 0x100 != 0 ? 16 : Int(Bytes.u32(payload[...], 4))
        let attributes = NetlinkAttributes(payload[min(payload.count, 4 + echoed)...])
        return (code, attributes.string(RTNL.NLMSGERR_ATTR_MSG))
    }
}

/// Reads host-order (little-endian) integers at absolute indices of a byte slice.
enum Bytes {
    static func u16(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt16 { UInt16(d[i]) | UInt16(d[i + 1]) << 8 }
    static func u32(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }
}
