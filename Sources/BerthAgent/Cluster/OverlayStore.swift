import BerthCore

/// The overlay driver's conversation with the cluster store (layout in ``OverlayLayout``): claims that must be
/// unique across the cluster (a network's name, VNI and subnet; an endpoint's address) are keys taken with a
/// create-if-absent transaction, so of two machines racing for one, one wins. Endpoints and their address claims
/// live on this machine's node lease: when the agent stops or the lease expires, they go from every machine's table.
public struct OverlayStore: Sendable {
    public let cluster: ClusterAgent
    public let layout: OverlayLayout
    /// This machine's engine ID and VXLAN tunnel endpoint (its cluster-advertise address).
    public let node: String
    public let vtep: IPv4Address?

    public init(cluster: ClusterAgent, layout: OverlayLayout = OverlayLayout()) {
        self.cluster = cluster
        self.layout = layout
        node = cluster.node.id
        let host = cluster.node.address.split(separator: ":").first.map(String.init) ?? ""
        vtep = IPv4Address(host)
    }

    var store: any ClusterStore { cluster.store }

    /// The overlay networks the store holds now (listed, not from the watch: creation must not race the mirror).
    public func networks() async throws -> [OverlayNetworkSpec] {
        try await store.list(prefix: layout.networksPrefix).kvs.compactMap { OverlayNetworkSpec.parse($0.value) }
    }

    /// Writes a new network: claims its name, then its subnet and VNI (the lowest free one, retried when another
    /// machine took it first), then the network key. On any failure the claims made are given back, so nothing
    /// is left in the store.
    public func create(name: String, id: String, subnet requested: IPv4Pool?, avoiding local: [IPv4Network],
                       make: (Int, IPv4Pool) -> OverlayNetworkSpec) async throws -> OverlayNetworkSpec {
        guard try await store.createIfAbsent(layout.nameKey(name), id) else { throw NetworkError.nameInUse(name) }
        var claimed = [layout.nameKey(name)]
        do {
            let existing = try await networks()
            var pool: IPv4Pool
            if let requested {
                let others = existing.map(\.pool.subnet) + local
                do { try requested.checkOverlap(with: others) } catch let f as IPv4Pool.Failure {
                    throw NetworkError.pool(f)
                }
                pool = requested
                guard try await store.createIfAbsent(layout.subnetKey(pool.subnet), id) else {
                    throw NetworkError.pool(.overlaps(pool.subnet))
                }
                claimed.append(layout.subnetKey(pool.subnet))
            } else {
                var used = existing.map(\.pool.subnet) + local
                while true {
                    guard let subnet = OverlayAllocator.defaultSubnet(avoiding: used) else {
                        throw NetworkError.invalid("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
                    }
                    if try await store.createIfAbsent(layout.subnetKey(subnet), id) {
                        claimed.append(layout.subnetKey(subnet))
                        pool = try IPv4Pool(subnet: subnet)
                        break
                    }
                    used.append(subnet)
                }
            }
            var taken = Set(existing.map(\.vni))
            let vniKeys = try await store.list(prefix: layout.prefix + "/vnis/").kvs
            for kv in vniKeys { if let v = Int(kv.key.split(separator: "/").last ?? "") { taken.insert(v) } }
            var vni: Int
            while true {
                guard let candidate = OverlayAllocator.vni(taken: taken) else {
                    throw NetworkError.invalid("no free VXLAN network identifier")
                }
                if try await store.createIfAbsent(layout.vniKey(candidate), id) {
                    claimed.append(layout.vniKey(candidate))
                    vni = candidate
                    break
                }
                taken.insert(candidate)
            }
            let spec = make(vni, pool)
            try await store.put(layout.networkKey(id), spec.json())
            return spec
        } catch {
            for key in claimed.reversed() { try? await store.delete(key) }
            throw error
        }
    }

    /// Whether any machine has an endpoint on the network (as the store says now).
    public func hasEndpoints(network id: String) async throws -> Bool {
        !(try await store.list(prefix: layout.endpointsPrefix(network: id)).kvs.isEmpty)
    }

    /// Removes a network and its claims.
    public func remove(_ spec: OverlayNetworkSpec) async throws {
        try await store.delete(layout.networkKey(spec.id))
        try? await store.delete(layout.nameKey(spec.name))
        try? await store.delete(layout.vniKey(spec.vni))
        try? await store.delete(layout.subnetKey(spec.pool.subnet))
        for kv in (try? await store.list(prefix: layout.addressesPrefix(network: spec.id)).kvs) ?? [] {
            try? await store.delete(kv.key)
        }
    }

    /// The lease this machine's keys hang on; fails when the agent is not registered with the store (yet).
    func lease() async throws -> Int64 {
        for _ in 0..<30 {
            let lease = await cluster.lease
            if lease != 0, await cluster.registered { return lease }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterStoreError.unreachable(store: cluster.settings.store,
                                            reason: await cluster.lastError ?? "this agent is not registered with it")
    }

    /// Claims `address` on the network for `endpoint`; false when another endpoint holds it.
    public func claim(network id: String, address: IPv4Address, endpoint: String) async throws -> Bool {
        let key = layout.addressKey(network: id, address: address)
        let lease = try await lease()
        if try await store.createIfAbsent(key, endpoint, lease: lease) { return true }
        // Ours already (a re-publish after the lease came back)?
        return try await store.get(key)?.value == endpoint
    }

    /// The addresses claimed on the network, by anyone.
    public func claimedAddresses(network id: String) async throws -> Set<IPv4Address> {
        let prefix = layout.addressesPrefix(network: id)
        return Set(try await store.list(prefix: prefix).kvs.compactMap { IPv4Address(String($0.key.dropFirst(prefix.count))) })
    }

    /// Publishes an endpoint (and its address claim) on this machine's lease.
    public func publish(_ endpoint: OverlayEndpoint) async throws {
        let lease = try await lease()
        try await store.put(layout.addressKey(network: endpoint.networkID, address: endpoint.address), endpoint.id,
                            lease: lease)
        try await store.put(layout.endpointKey(network: endpoint.networkID, endpoint: endpoint.id), endpoint.json(),
                            lease: lease)
    }

    /// Withdraws an endpoint and gives back its address.
    public func withdraw(network id: String, endpoint: String, address: IPv4Address) async {
        try? await store.delete(layout.endpointKey(network: id, endpoint: endpoint))
        try? await store.delete(layout.addressKey(network: id, address: address))
    }
}
