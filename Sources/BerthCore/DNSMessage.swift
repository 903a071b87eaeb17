/// The small part of DNS (RFC 1035) the agent's embedded resolver needs: parse a query, answer it with A or AAAA
/// records (RFC 3596) or a name error. Pure bytes in, bytes out.
public struct DNSQuery: Equatable, Sendable {
    public var id: UInt16
    public var flags: UInt16
    /// Lower-cased, without the trailing dot.
    public var name: String
    public var type: UInt16
    public var qclass: UInt16
    /// The question section as received, echoed in the answer.
    public var question: [UInt8]

    public static let typeA: UInt16 = 1
    public static let typeAAAA: UInt16 = 28

    /// Parses a standard query with one question; nil for anything else.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 12 else { return nil }
        func u16(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) }
        id = u16(0)
        flags = u16(2)
        guard flags & 0x8000 == 0, (flags >> 11) & 0xf == 0, u16(4) == 1 else { return nil }
        var labels: [String] = []
        var i = 12
        while true {
            guard i < bytes.count else { return nil }
            let len = Int(bytes[i])
            if len == 0 { i += 1; break }
            guard len < 64, i + 1 + len <= bytes.count else { return nil }
            labels.append(String(decoding: bytes[(i + 1)..<(i + 1 + len)], as: UTF8.self).lowercased())
            i += 1 + len
        }
        guard i + 4 <= bytes.count else { return nil }
        type = u16(i)
        qclass = u16(i + 2)
        name = labels.joined(separator: ".")
        question = Array(bytes[12..<(i + 4)])
    }

    /// The response: `addresses` as A records and `addresses6` as AAAA records (TTL 600), each for a question of
    /// its type, when the name is known; NXDOMAIN when `addresses` is nil; an empty NOERROR answer for a known name
    /// asked for a type it has none of.
    public func response(addresses: [IPv4Address]?, addresses6: [IPv6Address] = []) -> [UInt8] {
        let recursionDesired = flags & 0x0100
        var out: [UInt8] = []
        func put16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xff)] }
        let answers: [[UInt8]]
        switch (type, qclass, addresses) {
        case (Self.typeA, 1, let found?):
            answers = found.map { a in [UInt8(a.value >> 24), UInt8(a.value >> 16 & 0xff), UInt8(a.value >> 8 & 0xff), UInt8(a.value & 0xff)] }
        case (Self.typeAAAA, 1, .some): answers = addresses6.map(\.bytes)
        default: answers = []
        }
        let rcode: UInt16 = addresses == nil ? 3 : 0
        put16(id)
        put16(0x8000 | 0x0400 | recursionDesired | 0x0080 | rcode)  // QR, AA, RD echoed, RA
        put16(1)
        put16(UInt16(answers.count))
        put16(0)
        put16(0)
        out += question
        for data in answers {
            put16(0xC00C)  // pointer to the question's name
            put16(type)
            put16(1)
            put16(0)
            put16(600)
            put16(UInt16(data.count))
            out += data
        }
        return out
    }

    /// A query for `name` (tests and probes).
    public static func encode(id: UInt16, name: String, type: UInt16 = typeA) -> [UInt8] {
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            out.append(UInt8(label.utf8.count))
            out += Array(label.utf8)
        }
        out += [0, UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
        return out
    }
}

/// The files docker writes for a container's network sandbox.
public enum SandboxFiles {
    /// `/etc/hosts`: loopback lines, then the container's own address with its host name (and aliases).
    public static func hosts(hostname: String, addresses: [IPv4Address], extra: [String] = [],
                             addresses6: [IPv6Address] = []) -> String {
        var lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet",
                     "ff00::0\tip6-mcastprefix", "ff02::1\tip6-allnodes", "ff02::2\tip6-allrouters"]
        lines += extra
        for a in addresses { lines.append("\(a)\t\(hostname)") }
        for a in addresses6 { lines.append("\(a)\t\(hostname)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `--add-host NAME:ADDRESS` (also `NAME=ADDRESS`) as an `/etc/hosts` line, `ADDRESS\tNAME`; `host-gateway`
    /// stands for `gateway`. Throws dockerd's message for an address that is not IPv4 or IPv6.
    public static func extraHostLine(_ entry: String, gateway: IPv4Address? = nil) throws -> String {
        let separator = entry.firstIndex(where: { $0 == "=" }) ?? entry.firstIndex(of: ":")
        guard let separator, separator != entry.startIndex else {
            throw BerthError.invalidArgument("invalid extra host entry \"\(entry)\": expected NAME:ADDRESS")
        }
        let name = String(entry[..<separator])
        var address = String(entry[entry.index(after: separator)...])
        if address.hasPrefix("[") && address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        if address == "host-gateway", let gateway { address = gateway.description }
        guard IPv4Address(address) != nil || IPv6Address(address) != nil else {
            throw BerthError.invalidArgument("invalid IP address in add-host: \"\(address)\"")
        }
        return address + "\t" + name
    }

    /// `--dns`, `--dns-search` and `--dns-option` of a container; empty lists keep the host's.
    public struct DNSSettings: Sendable, Equatable {
        public var servers: [String]
        public var search: [String]
        public var options: [String]
        public init(servers: [String] = [], search: [String] = [], options: [String] = []) {
            self.servers = servers
            self.search = search
            self.options = options
        }
    }

    /// `/etc/resolv.conf`: the embedded server on user networks, else the host's servers minus loopback ones
    /// (`dns` replaces servers, search domains and options that it names).
    public static func resolvConf(hostResolvConf: String, embeddedServer: IPv4Address?,
                                  dns: DNSSettings = DNSSettings()) -> String {
        var search: [String] = []
        var options: [String] = []
        var servers: [String] = []
        for raw in hostResolvConf.split(separator: "\n") {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let key = fields.first, fields.count > 1 else { continue }
            switch key {
            case "nameserver" where !fields[1].hasPrefix("127.") && fields[1] != "::1": servers.append(fields[1])
            case "search", "domain": search = Array(fields.dropFirst())
            case "options": options += fields.dropFirst()
            default: break
            }
        }
        if !dns.servers.isEmpty { servers = dns.servers }
        if !dns.search.isEmpty { search = dns.search == ["."] ? [] : dns.search }
        if !dns.options.isEmpty { options = dns.options }
        var out: [String] = []
        if let embeddedServer {
            out.append("# Generated by berthd: the embedded DNS server resolves container names on this network.")
            out.append("nameserver \(embeddedServer)")
        } else {
            out += servers.map { "nameserver \($0)" }
        }
        if !search.isEmpty { out.append("search " + search.joined(separator: " ")) }
        if !options.isEmpty { out.append("options " + options.joined(separator: " ")) }
        return out.joined(separator: "\n") + "\n"
    }
}
