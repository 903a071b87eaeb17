/// The table `berth etcd ls` prints: one row per member with its health, whether it leads, and its DB size.
public struct ClusterListing: Sendable {
    /// One member as it answered (or did not).
    public struct Row: Equatable, Sendable {
        public var name: String
        public var endpoint: String
        /// nil when the member did not answer; then `error` says why.
        public var status: EtcdGateway.Status?
        public var error: String?

        public init(name: String, endpoint: String, status: EtcdGateway.Status?, error: String? = nil) {
            self.name = name
            self.endpoint = endpoint
            self.status = status
            self.error = error
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// The leader's member ID, as the answering members agree on it (the most frequent non-zero answer).
    public var leaderID: UInt64? {
        var votes: [UInt64: Int] = [:]
        for r in rows { if let l = r.status?.leader, l != 0 { votes[l, default: 0] += 1 } }
        return votes.max { $0.value < $1.value }?.key
    }

    /// healthy (answered, and knows a leader), unhealthy (answered without a leader) or unreachable.
    public static func health(_ row: Row) -> String {
        guard let s = row.status else { return "unreachable" }
        return s.leader == 0 ? "unhealthy" : "healthy"
    }

    public var allHealthy: Bool { !rows.isEmpty && rows.allSatisfy { ClusterListing.health($0) == "healthy" } }

    /// `NAME ENDPOINT HEALTH LEADER DB SIZE VERSION ERRORS`, aligned like `berth ls`.
    public func render() -> String {
        let leader = leaderID
        var text = "NAME\tENDPOINT\tHEALTH\tLEADER\tDB SIZE\tVERSION\tERRORS\n"
        for r in rows {
            let isLeader = r.status.map { leader != nil && $0.memberID == leader } ?? false
            let cells = [r.name, r.endpoint, ClusterListing.health(r), isLeader ? "*" : "-",
                         r.status.map { ClusterListing.bytes($0.dbSize) } ?? "Unknown",
                         r.status.map { $0.version.isEmpty ? "Unknown" : "v" + $0.version } ?? "Unknown", r.error ?? ""]
            text += cells.joined(separator: "\t") + "\n"
        }
        return TabWriter().format(text)
    }

    /// A size as etcdctl's table prints it (go-humanize's `Bytes`, SI units): `9 B`, `1.2 MB`, `20 kB`.
    public static func bytes(_ n: Int64) -> String {
        if n < 10 { return "\(n) B" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var e = 0
        var scaled = Double(n)
        while scaled >= 1000 && e < units.count - 1 {
            scaled /= 1000
            e += 1
        }
        let tenths = Int((scaled * 10 + 0.5).rounded(.down))
        let text = tenths < 100 ? "\(tenths / 10).\(tenths % 10)" : String(Int((Double(tenths) / 10).rounded(.toNearestOrEven)))
        return "\(text) \(units[e])"
    }
}
