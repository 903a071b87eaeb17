/// The attributes after a family header, by type (the first of each type wins). Pure.
public struct NetlinkAttributes: Sendable {
    public private(set) var values: [UInt16: [UInt8]] = [:]

    public init(_ data: ArraySlice<UInt8>) {
        var at = data.startIndex
        while data.endIndex - at >= 4 {
            let length = Int(Bytes.u16(data, at))
            // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top bits of the type.
            let type = Bytes.u16(data, at + 2) & 0x3fff
            guard length >= 4, at + length <= data.endIndex else { break }
            if values[type] == nil { values[type] = Array(data[(at + 4)..<(at + length)]) }
            at += (length + 3) & ~3
        }
    }

    public subscript(_ type: UInt16) -> [UInt8]? { values[type] }

    public func u8(_ type: UInt16) -> UInt8? { values[type].flatMap { $0.first } }
    public func u32(_ type: UInt16) -> UInt32? {
        guard let v = values[type], v.count >= 4 else { return nil }
        return Bytes.u32(v[...], 0)
    }
    public func be16(_ type: UInt16) -> UInt16? {
        guard let v = values[type], v.count >= 2 else { return nil }
        return UInt16(v[0]) << 8 | UInt16(v[1])
    }
    public func string(_ type: UInt16) -> String? {
        guard let v = values[type] else { return nil }
        return String(decoding: v.prefix { $0 != 0 }, as: UTF8.self)
    }
    public func nested(_ type: UInt16) -> NetlinkAttributes? { values[type].map { NetlinkAttributes($0[...]) } }
}
