/// `/proc/PID/net/dev` (the interfaces of that process's network namespace) read into docker's per-interface
/// `networks` of `docker stats`. Pure.
public struct InterfaceCounters: Codable, Sendable, Equatable {
    public var rx_bytes: UInt64
    public var rx_packets: UInt64
    public var rx_errors: UInt64
    public var rx_dropped: UInt64
    public var tx_bytes: UInt64
    public var tx_packets: UInt64
    public var tx_errors: UInt64
    public var tx_dropped: UInt64

    public init(rx_bytes: UInt64, rx_packets: UInt64, rx_errors: UInt64, rx_dropped: UInt64, tx_bytes: UInt64,
                tx_packets: UInt64, tx_errors: UInt64, tx_dropped: UInt64) {
        self.rx_bytes = rx_bytes
        self.rx_packets = rx_packets
        self.rx_errors = rx_errors
        self.rx_dropped = rx_dropped
        self.tx_bytes = tx_bytes
        self.tx_packets = tx_packets
        self.tx_errors = tx_errors
        self.tx_dropped = tx_dropped
    }

    /// Every interface but loopback, as dockerd reports them (nil when there is none: `--network none`).
    public static func parse(netDev text: String) -> [String: InterfaceCounters]? {
        var out: [String: InterfaceCounters] = [:]
        for line in text.split(separator: "\n").dropFirst(2) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].filter { $0 != " " }
            let f = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
            guard name != "lo", f.count >= 16 else { continue }
            out[String(name)] = InterfaceCounters(rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3],
                                                  tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11])
        }
        return out.isEmpty ? nil : out
    }
}
