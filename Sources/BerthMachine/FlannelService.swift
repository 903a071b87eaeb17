import BerthCore
import Foundation

/// The controller's key-value seam to the cluster store (libcurl's EtcdClient in `berth`, a fake in tests).
public protocol ClusterKV: Sendable {
    func put(_ key: String, _ value: String) throws
    func list(prefix: String) throws -> [EtcdGateway.KeyValue]
    func delete(_ key: String) throws
    func delete(prefix: String) throws
    /// Seconds left on `lease`, -1 when it is gone.
    func timeToLive(_ lease: Int64) throws -> Int64
}

/// `berth flannel create|join|ls|rm`: flannel's network config written where flanneld reads it
/// (`/coreos.com/network/config`), and the flannel role turned on per machine (`/berth/flannel/members/<name>`);
/// each agent then leases its subnet, programs its backend and readdresses its default bridge.
public struct FlannelService: Sendable {
    public static let membersPrefix = ClusterLayout().flannelMembersPrefix
    public let machines: MachineService
    public let kv: any ClusterKV
    public let layout: FlannelLayout

    public init(machines: MachineService, kv: any ClusterKV, layout: FlannelLayout = FlannelLayout()) {
        self.machines = machines
        self.kv = kv
        self.layout = layout
    }

    /// The named machines (all of the store's when none is named), checked to exist.
    func targets(_ names: [String]) throws -> [MachineRecord] {
        if names.isEmpty { return machines.store.records() }
        return try names.map { try machines.load($0) }
    }

    /// Writes the config (refused when one is there) and gives the role to `names`; waits up to `timeout` for each
    /// machine's lease and returns the listing.
    public func create(_ config: FlannelConfig, on names: [String], timeout: Double = 20) throws -> FlannelListing {
        let records = try targets(names)
        guard !records.isEmpty else { throw BerthError.invalidArgument("flannel: no machines in the store") }
        if !(try kv.list(prefix: layout.configKey)).filter({ $0.key == layout.configKey }).isEmpty {
            throw BerthError.invalidArgument("flannel: a network config exists already in the cluster store (berth flannel rm first)")
        }
        try kv.put(layout.configKey, config.json())
        return try join(records.map(\.name), timeout: timeout)
    }

    /// Whether the store holds a flannel network config.
    public func hasConfig() throws -> Bool {
        try kv.list(prefix: layout.configKey).contains { $0.key == layout.configKey }
    }

    /// Gives the role to more machines and waits for their leases.
    public func join(_ names: [String], timeout: Double = 20) throws -> FlannelListing {
        let records = try targets(names)
        for record in records { try kv.put(Self.membersPrefix + record.name, record.ssh.ipAddress) }
        let wanted = Set(records.compactMap { IPv4Address($0.ssh.ipAddress) })
        let deadline = Date().addingTimeInterval(timeout)
        var listing = try ls()
        while Date() < deadline, !wanted.isSubset(of: Set(listing.rows.map(\.publicIP))) {
            Thread.sleep(forTimeInterval: 0.1)
            listing = try ls()
        }
        let missing = records.filter { r in !listing.rows.contains { "\($0.publicIP)" == r.ssh.ipAddress } }.map(\.name)
        if !missing.isEmpty {
            throw BerthError.failed("flannel: no subnet lease from \(missing.joined(separator: ", ")) within \(Int(timeout)) s (is the agent pointed at the cluster store?)")
        }
        return listing
    }

    public func ls() throws -> FlannelListing {
        guard let text = try kv.list(prefix: layout.configKey).first(where: { $0.key == layout.configKey })?.value else {
            throw BerthError.notFound("flannel: no network config in the cluster store (berth flannel create --network CIDR)")
        }
        let config = try FlannelConfig.parse(text)
        let byIP = Dictionary(machines.store.records().map { ($0.ssh.ipAddress, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = try kv.list(prefix: layout.subnetsPrefix).compactMap { kv -> FlannelListing.Row? in
            guard let subnet = layout.subnet(ofLeaseKey: kv.key), let lease = FlannelLease.parse(kv.value) else { return nil }
            let ttl = kv.lease != 0 ? try? self.kv.timeToLive(kv.lease) : nil
            return FlannelListing.Row(machine: byIP["\(lease.publicIP)"] ?? "-", subnet: subnet,
                                      backend: lease.backendType, publicIP: lease.publicIP, expiresIn: ttl)
        }
        return FlannelListing(network: config.network, rows: rows)
    }

    /// Takes the role from every machine, then removes the config and every lease: agents tear down their devices
    /// and routes and give their bridges back their own address.
    public func remove() throws {
        try kv.delete(prefix: Self.membersPrefix)
        // The agents see the role go and revoke their leases; give them a moment before the rest goes.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !(try kv.list(prefix: layout.subnetsPrefix)).isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
        }
        try kv.delete(prefix: layout.subnetsPrefix)
        try kv.delete(layout.configKey)
    }
}
