/// One published port: `hostPort` on the host goes to `containerPort` of `containerIP`.
public struct PortMapping: Codable, Hashable, Sendable {
    public var proto: String
    public var hostIP: String
    public var hostPort: Int
    public var containerIP: IPv4Address
    public var containerPort: Int
    public init(proto: String, hostIP: String, hostPort: Int, containerIP: IPv4Address, containerPort: Int) {
        self.proto = proto
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerIP = containerIP
        self.containerPort = containerPort
    }
}

/// The iptables rules of Berth's bridge networks, as argument lists for `iptables`. Every rule carries the comment
/// `berth`, so the agent finds and removes its own (``ownedRuleDeletions(table:listing:)``). Pure.
public enum FirewallRules {
    public static let tag = ["-m", "comment", "--comment", "berth"]
    public static let tables = ["nat", "filter"]

    /// A bridge network: masquerade what leaves the host, accept traffic within the bridge, isolate it from other
    /// Berth bridges (`bridgePrefixes`), and for an internal network drop everything crossing the bridge.
    public static func network(bridge: String, subnet: IPv4Network, isInternal: Bool, bridgePrefixes: [String])
        -> [[String]] {
        var rules: [[String]] = []
        rules.append(["-t", "filter", "-A", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"] + tag)
        if isInternal {
            rules.append(["-t", "filter", "-A", "FORWARD", "-i", bridge, "!", "-o", bridge, "-j", "DROP"] + tag)
            rules.append(["-t", "filter", "-A", "FORWARD", "-o", bridge, "!", "-i", bridge, "-j", "DROP"] + tag)
            return rules
        }
        for other in bridgePrefixes {
            rules.append(["-t", "filter", "-A", "FORWARD", "-i", bridge, "-o", other, "-j", "DROP"] + tag)
        }
        rules.append(["-t", "nat", "-A", "POSTROUTING", "-s", subnet.description, "!", "-o", bridge,
                      "-j", "MASQUERADE"] + tag)
        // Published ports reached through 127.0.0.1 on the host (route_localnet is set on the bridge).
        rules.append(["-t", "nat", "-A", "POSTROUTING", "-s", "127.0.0.0/8", "-o", bridge, "-j", "MASQUERADE"] + tag)
        return rules
    }

    /// A published port: DNAT for packets arriving at the host and for the host's own connections, and masquerade
    /// for a container reaching itself through the host port.
    public static func port(_ m: PortMapping) -> [[String]] {
        let destination = m.hostIP.isEmpty || m.hostIP == "0.0.0.0"
            ? ["-m", "addrtype", "--dst-type", "LOCAL"] : ["-d", m.hostIP]
        let dnat = ["-p", m.proto, "--dport", String(m.hostPort), "-j", "DNAT",
                    "--to-destination", "\(m.containerIP):\(m.containerPort)"] + tag
        return [
            ["-t", "nat", "-A", "PREROUTING"] + destination + dnat,
            ["-t", "nat", "-A", "OUTPUT"] + destination + dnat,
            ["-t", "nat", "-A", "POSTROUTING", "-s", m.containerIP.description, "-d", m.containerIP.description,
             "-p", m.proto, "--dport", String(m.containerPort), "-j", "MASQUERADE"] + tag,
        ]
    }

    /// The same rule as a deletion (`-A` becomes `-D`).
    public static func deletion(_ rule: [String]) -> [String] {
        rule.map { $0 == "-A" ? "-D" : $0 }
    }

    /// From `iptables -t TABLE -S` output, the deletions of every rule tagged `berth`.
    public static func ownedRuleDeletions(table: String, listing: String) -> [[String]] {
        listing.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map { String($0) }
            guard fields.first == "-A", let i = fields.firstIndex(of: "--comment"), i + 1 < fields.count,
                  fields[i + 1] == "berth" || fields[i + 1] == "\"berth\"" else { return nil }
            return ["-t", table, "-D"] + fields.dropFirst()
        }
    }
}
