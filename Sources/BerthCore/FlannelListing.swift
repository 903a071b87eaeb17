/// What `berth flannel ls` prints: one row per lease in the store, named by the machine whose address it carries.
public struct FlannelListing: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var machine: String
        public var subnet: IPv4Network
        public var backend: String
        public var publicIP: IPv4Address
        /// Seconds the lease has left, nil when unknown.
        public var expiresIn: Int64?

        public init(machine: String, subnet: IPv4Network, backend: String, publicIP: IPv4Address, expiresIn: Int64?) {
            self.machine = machine
            self.subnet = subnet
            self.backend = backend
            self.publicIP = publicIP
            self.expiresIn = expiresIn
        }
    }

    public var network: IPv4Network
    public var rows: [Row]

    public init(network: IPv4Network, rows: [Row]) {
        self.network = network
        self.rows = rows.sorted { ($0.machine, $0.subnet.address) < ($1.machine, $1.subnet.address) }
    }

    /// `23h59m`-style.
    public static func duration(_ seconds: Int64?) -> String {
        guard let s = seconds, s >= 0 else { return "-" }
        return s >= 3600 ? "\(s / 3600)h\((s % 3600) / 60)m" : s >= 60 ? "\((s / 60))m\(s % 60)s" : "\(s)s"
    }

    public func render() -> String {
        let header = ["MACHINE", "SUBNET", "BACKEND", "PUBLIC IP", "EXPIRES IN"]
        let table = [header] + rows.map {
            [$0.machine, "\($0.subnet)", $0.backend, "\($0.publicIP)", Self.duration($0.expiresIn)]
        }
        let widths = header.indices.map { i in table.map { $0[i].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] + 3 - cell.count)
            }
                .joined()
        }.joined(separator: "\n") + "\n"
    }
}
