import Foundation

/// Conversions between textual IPv4/IPv6 addresses and their network-order bytes, as carried in an IP SAN.
enum IPAddressText {
    /// The 4 or 16 bytes of `text` if it is an IPv4 or IPv6 literal, else nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The canonical text of 4 or 16 address bytes, or a hex dump for any other length.
    static func text<Bytes: Collection>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let raw = Array(bytes)
        let family: Int32
        switch raw.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return raw.map { String(format: "%02x", $0) }.joined()
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = raw.withUnsafeBytes { source in
            inet_ntop(family, source.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return raw.map { String(format: "%02x", $0) }.joined() }
        return String(cString: buffer)
    }
}
