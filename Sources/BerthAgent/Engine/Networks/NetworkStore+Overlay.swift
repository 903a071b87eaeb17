import BerthCore
import BerthRuntime
import Logging

/// Global (overlay) networks: written to the cluster store by whichever machine creates them, learnt by every
/// machine through the cluster agent's watch, and kept as local records so `network ls/inspect` show them. Each
/// machine publishes its own endpoints on its node lease and programs the other machines' endpoints on its VXLAN
/// devices.
extension NetworkStore {
    /// Plugs the cluster agent in: follows the overlay keys and keeps this machine's endpoints published (again
    /// after an agent restart, and after a lease that expired while the store was away).
    public func attach(cluster: ClusterAgent) {
        guard overlay == nil else { return }
        loadIfNeeded()
        let overlay = OverlayStore(cluster: cluster)
        self.overlay = overlay
        peers = OverlayPeerTable(localNode: overlay.node)
        let prefix = overlay.layout.prefix + "/"
        overlayTasks.append(Task { [weak self] in
            let events = await cluster.subscribe(prefix: prefix)
            for await event in events {
                guard let self else { return }
                await self.applyOverlay(event)
            }
        })
        attachFlannel(cluster: cluster)
        overlayTasks.append(Task { [weak self] in
            var published: Int64 = 0
            while !Task.isCancelled {
                let lease = await cluster.registered ? await cluster.lease : 0
                if lease != 0, lease != published {
                    published = lease
                    await self?.republishGlobal()
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        })
    }

    // MARK: the watch

    func applyOverlay(_ event: ClusterWatchEvent) {
        guard let overlay, let key = overlay.layout.classify(event.key) else { return }
        switch (key, event.kind) {
        case (.network(let id), .put):
            guard let spec = OverlayNetworkSpec.parse(event.value), spec.id == id else { return }
            adopt(spec)
        case (.network(let id), .delete):
            guard let record = registry.networks[id], record.isGlobal else { return }
            if up.contains(id) {
                dns.stop(networkID: id)
                up.remove(id)
                programmed[id] = nil
                try? drivers.driver(for: record)?.deleteNetwork(record)
            }
            peers.removeNetwork(id)
            registry.remove(network: id)
            logger.info("overlay network removed from the cluster", metadata: ["network": "\(record.name)"])
        case (.endpoint(let network, _), .put):
            guard let endpoint = OverlayEndpoint.parse(event.value), endpoint.networkID == network else { return }
            peers.upsert(endpoint)
            if endpoint.node != overlay.node { reprogram(network) }
        case (.endpoint(let network, let id), .delete):
            let gone = peers.remove(network: network, endpoint: id)
            if gone?.node != overlay.node { reprogram(network) }
        default:
            break
        }
    }

    /// A network the store holds becomes (or stays) a local record.
    func adopt(_ spec: OverlayNetworkSpec) {
        var record = NetworkRecord(id: spec.id, name: spec.name, driver: "overlay", created: spec.created,
                                   pool: spec.pool, bridge: nil, mtu: spec.mtu, internal: spec.isInternal,
                                   userSubnet: spec.userSubnet, predefined: false, labels: spec.labels,
                                   options: spec.options, scope: .global)
        record.vni = spec.vni
        record.attachable = spec.attachable
        if registry.networks[spec.id] == record { return }
        if let clash = registry.network(named: spec.name), clash.id != spec.id {
            logger.warning("overlay network name clashes with a local network; the local one keeps the name",
                           metadata: ["network": "\(spec.name)", "local": "\(clash.id)"])
        }
        do { try registry.save(record) } catch {
            logger.error("cannot save overlay network", metadata: ["network": "\(spec.name)", "error": "\(error)"])
        }
    }

    /// Programs the difference between the tunnel entries the network's VXLAN device holds and those the peer
    /// table wants (only where the network is up on this machine).
    func reprogram(_ networkID: String) {
        guard let already = programmed[networkID], let record = registry.networks[networkID],
              let driver = drivers.driver(for: record) as? OverlayDriver else { return }
        let wanted = peers.entries(network: networkID)
        let diff = TunnelDiff.between(programmed: already, wanted: wanted)
        guard !diff.isEmpty else { return }
        let failed = driver.program(record, diff)
        programmed[networkID] = wanted.subtracting(failed)
        if !failed.isEmpty {
            logger.warning("overlay entries not programmed",
                           metadata: ["network": "\(record.name)", "entries": "\(failed.map(\.description))"])
        }
    }

    // MARK: create and remove

    func createGlobal(_ request: NetworkCreateRequest, driver: any NetworkDriver,
                      config: IPAMPoolConfig?) async throws -> String {
        guard let overlay else {
            throw NetworkError.invalid("overlay networks need a cluster store: this agent has no cluster-store configured (berth etcd create, or --engine-opt cluster-store=etcd://IP:2379)")
        }
        let options = request.Options ?? [:]
        for key in options.keys where key != "com.docker.network.driver.mtu" && key != "com.docker.network.driver.overlay.vxlanid_list" {
            throw NetworkError.invalid("overlay: unknown option \(key)")
        }
        var mtu: Int?
        if let text = options["com.docker.network.driver.mtu"] {
            guard let value = Int(text), value >= 68, value <= 65535 else {
                throw NetworkError.invalid("invalid MTU \(text): must be a number between 68 and 65535")
            }
            mtu = value
        }
        let requested: IPv4Pool?
        if let config, let subnet = config.Subnet, !subnet.isEmpty {
            requested = try Self.pool(config, avoiding: [])
        } else {
            if let config, config.IPRange != nil || config.Gateway != nil {
                throw NetworkError.invalid("an ip-range or gateway needs a subnet")
            }
            requested = nil
        }
        let localSubnets = registry.networks.values.filter { !$0.isGlobal }.compactMap { $0.pool?.subnet }
        if let requested {
            do { try requested.checkOverlap(with: localSubnets) } catch let f as IPv4Pool.Failure {
                throw NetworkError.pool(f)
            }
        }
        let id = EngineNaming.randomID()
        let created = Timestamp.now()
        let spec: OverlayNetworkSpec
        do {
            spec = try await overlay.create(name: request.Name, id: id, subnet: requested, avoiding: localSubnets) {
                vni, pool in
                OverlayNetworkSpec(id: id, name: request.Name, vni: vni, pool: pool, userSubnet: requested != nil,
                                   mtu: mtu, isInternal: request.Internal ?? false,
                                   attachable: request.Attachable ?? false, labels: request.Labels ?? [:],
                                   options: options, created: created)
            }
        } catch let error as ClusterStoreError {
            throw NetworkError.kernel("\(error)")
        }
        adopt(spec)
        logger.info("overlay network created", metadata: ["network": "\(spec.name)", "vni": "\(spec.vni)",
                                                          "subnet": "\(spec.pool.subnet)"])
        return id
    }

    func removeGlobal(_ record: NetworkRecord) async throws {
        guard let overlay, let pool = record.pool, let vni = record.vni else {
            throw NetworkError.invalid("cannot remove overlay network \(record.name): this agent has no cluster store")
        }
        do {
            if try await overlay.hasEndpoints(network: record.id) {
                throw NetworkError.activeEndpoints(name: record.name, id: record.id)
            }
            let spec = OverlayNetworkSpec(id: record.id, name: record.name, vni: vni, pool: pool,
                                          userSubnet: record.userSubnet, created: record.created)
            try await overlay.remove(spec)
        } catch let error as ClusterStoreError {
            throw NetworkError.kernel("\(error)")
        }
        peers.removeNetwork(record.id)
    }

    // MARK: endpoints

    /// dockerd's `docker_gwbridge`: the local bridge (made on first use) that overlay containers leave by.
    func gatewayBridge() async throws -> NetworkRecord {
        if let gw = registry.network(named: Self.gatewayBridgeName) { return gw }
        let options = ["com.docker.network.bridge.name": Self.gatewayBridgeName,
                       "com.docker.network.bridge.enable_icc": "false",
                       "com.docker.network.bridge.enable_ip_masquerade": "true"]
        let id = try await create(NetworkCreateRequest(Name: Self.gatewayBridgeName, Driver: "bridge", Internal: false,
                                                       Attachable: nil, EnableIPv6: nil, IPAM: nil, Options: options,
                                                       Labels: nil))
        return try find(id)
    }

    static let gatewayBridgeName = "docker_gwbridge"

    /// An address on an overlay network no machine uses: the requested one (claimed, or refused as in use), else
    /// the lowest free one, claimed in the store (retried past addresses another machine claimed first).
    func claimGlobalAddress(_ network: NetworkRecord, pool: IPv4Pool, requested: IPv4Address?,
                            endpoint: String) async throws -> IPv4Address {
        guard let overlay else { throw NetworkError.invalid("overlay network \(network.name): no cluster store") }
        do {
            if let requested {
                _ = try EndpointAllocator.address(in: pool, requested: requested, taken: [])
                guard try await overlay.claim(network: network.id, address: requested, endpoint: endpoint) else {
                    throw IPv4Pool.Failure.addressInUse(requested)
                }
                return requested
            }
            var taken = registry.takenAddresses(on: network.id)
            taken.formUnion(peers.members(network: network.id).map(\.address))
            taken.formUnion(try await overlay.claimedAddresses(network: network.id))
            for _ in 0..<64 {
                let candidate = try EndpointAllocator.address(in: pool, requested: nil, taken: taken)
                if try await overlay.claim(network: network.id, address: candidate, endpoint: endpoint) {
                    return candidate
                }
                taken.insert(candidate)
            }
            throw IPv4Pool.Failure.exhausted(pool.subnet)
        } catch let error as ClusterStoreError {
            throw NetworkError.kernel("\(error)")
        }
    }

    func overlayEndpoint(_ endpoint: EndpointRecord) -> OverlayEndpoint? {
        guard let overlay, let vtep = overlay.vtep else { return nil }
        return OverlayEndpoint(id: endpoint.id, networkID: endpoint.networkID, containerID: endpoint.containerID,
                               containerName: endpoint.containerName, aliases: endpoint.aliases,
                               address: endpoint.address, mac: endpoint.mac, vtep: vtep, node: overlay.node)
    }

    func publishGlobal(_ endpoint: EndpointRecord) async {
        guard let overlay, let published = overlayEndpoint(endpoint) else { return }
        peers.upsert(published)
        do { try await overlay.publish(published) } catch {
            logger.error("cannot publish overlay endpoint", metadata: ["container": "\(endpoint.containerName)",
                                                                       "error": "\(error)"])
        }
    }

    func withdrawGlobal(_ endpoint: EndpointRecord) {
        peers.remove(network: endpoint.networkID, endpoint: endpoint.id)
        guard let overlay else { return }
        Task { await overlay.withdraw(network: endpoint.networkID, endpoint: endpoint.id, address: endpoint.address) }
    }

    /// Publishes every live overlay endpoint of this machine again (the lease they hung on is new).
    func republishGlobal() async {
        let mine = registry.allEndpoints.filter { registry.networks[$0.networkID]?.isGlobal == true }
        for endpoint in mine { await publishGlobal(endpoint) }
        if !mine.isEmpty { logger.info("overlay endpoints published", metadata: ["count": "\(mine.count)"]) }
    }
}
