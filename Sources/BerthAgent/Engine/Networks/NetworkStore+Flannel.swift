#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthKernel
import Logging

/// What the agent holds of flannel: the store's view (config, leases, which machines have the role) and what this
/// machine set up for it.
struct FlannelState: Sendable {
    var configText: String?
    /// Machine names (host names) that have the flannel role: `/berth/flannel/members/<name>`.
    var members: Set<String> = []
    var leases: [IPv4Network: FlannelLease] = [:]
    /// The config this machine is set up for (its lease, device and bridge), nil when flannel is off here.
    var active: FlannelConfig?
    var own: IPv4Network?
    var etcdLease: Int64 = 0
    var programmed: Set<TunnelEntry> = []
    var busy = false
    var pending = false
    var renewal: Task<Void, Never>?
}

/// The agent as flanneld: with the flannel role (`berth flannel create` / `join`), it leases a subnet of the
/// network in flannel's own etcd layout (create-if-absent, its earlier lease preferred; flanneld's JSON; a 24 h
/// etcd lease it renews), writes `/run/flannel/subnet.env`, readdresses the default bridge with the lease's first
/// address and MTU (`dockerd --bip --mtu`), and programs what flanneld's backend would for every other lease:
/// vxlan, a `flannel.<VNI>` device with a neighbour, a forwarding entry and an onlink route per remote subnet;
/// host-gw, a route to each remote subnet via the remote host's address. All kept in step through the watch.
extension NetworkStore {
    static let flannelMembersPrefix = ClusterLayout().flannelMembersPrefix
    static let subnetEnvPath = "/run/flannel/subnet.env"
    static let flannelLeaseTTL = 24 * 3600

    func attachFlannel(cluster: ClusterAgent) {
        let layout = cluster.layout.flannel
        for prefix in [layout.prefix + "/", Self.flannelMembersPrefix] {
            overlayTasks.append(Task { [weak self] in
                for await event in await cluster.subscribe(prefix: prefix) {
                    guard let self else { return }
                    await self.applyFlannel(event, layout: layout)
                }
            })
        }
    }

    func applyFlannel(_ event: ClusterWatchEvent, layout: FlannelLayout) async {
        if event.key == layout.configKey {
            flannel.configText = event.kind == .put ? event.value : nil
        } else if let subnet = layout.subnet(ofLeaseKey: event.key) {
            if event.kind == .put, let lease = FlannelLease.parse(event.value) {
                flannel.leases[subnet] = lease
            } else {
                flannel.leases[subnet] = nil
            }
        } else if event.key.hasPrefix(Self.flannelMembersPrefix) {
            let name = String(event.key.dropFirst(Self.flannelMembersPrefix.count))
            if event.kind == .put { flannel.members.insert(name) } else { flannel.members.remove(name) }
        } else {
            return
        }
        await reconcileFlannel()
    }

    /// Brings this machine in line with the store; one pass at a time (a change during a pass runs another).
    func reconcileFlannel() async {
        if flannel.busy {
            flannel.pending = true
            return
        }
        flannel.busy = true
        defer { flannel.busy = false }
        repeat {
            flannel.pending = false
            await reconcileFlannelOnce()
        } while flannel.pending
    }

    private func reconcileFlannelOnce() async {
        guard let overlay else { return }
        let me = overlay.cluster.node.name
        var wanted: FlannelConfig?
        if flannel.members.contains(me), let text = flannel.configText {
            do { wanted = try FlannelConfig.parse(text) } catch {
                logger.error("flannel: bad network config", metadata: ["error": "\(error)"])
            }
        }
        if let active = flannel.active, active != wanted || lostLease() {
            await tearDownFlannel(active)
        }
        if let config = wanted, flannel.active == nil {
            do { try await setUpFlannel(config, overlay: overlay) } catch {
                logger.error("flannel: cannot set up", metadata: ["error": "\(error)"])
                return
            }
        }
        if let config = flannel.active { programFlannel(config) }
    }

    /// Our lease vanished from the store (expired, or removed by `berth flannel rm`).
    private func lostLease() -> Bool {
        guard let own = flannel.own else { return false }
        return flannel.leases[own] == nil
    }

    func flannelDevice(_ config: FlannelConfig) -> String { "flannel.\(config.backend.vni)" }

    private func setUpFlannel(_ config: FlannelConfig, overlay: OverlayStore) async throws {
        guard let publicIP = overlay.vtep else {
            throw NetworkError.invalid("flannel: this agent has no cluster-advertise address to publish")
        }
        let store = overlay.cluster.store
        let layout = overlay.cluster.layout.flannel
        let netlink = SystemNetlink()
        let underlay = (try? netlink.withSession(in: .current) { s in
            try s.links().first { $0.name == "eth0" }?.mtu
        }) ?? nil
        let underlayMTU = underlay ?? 1500
        var mac: String?
        if config.backend.type == "vxlan" {
            let device = flannelDevice(config)
            mac = try netlink.withSession(in: .current) { host -> String? in
                if try host.link(.name(device)) == nil {
                    try host.addLink(LinkSpec(name: device, kind: .vxlan(VXLANOptions(
                        id: UInt32(config.backend.vni), local: publicIP, port: UInt16(config.backend.port),
                        learning: false)), mtu: underlayMTU - 50))
                }
                try host.setLink(.name(device), LinkChange(up: true))
                return try host.link(.name(device))?.address?.description
            }
        }
        // The lease: our earlier one (same PublicIP) when it is still there, else a free subnet at random. Read from
        // the store too: after a restart the watch may not have delivered the leases yet (flanneld keeps its subnet
        // across restarts the same way).
        let stored = try await store.list(prefix: layout.subnetsPrefix).kvs
        let previous = flannel.leases.first { $0.value.publicIP == publicIP }?.key
            ?? stored.first { FlannelLease.parse($0.value)?.publicIP == publicIP }.flatMap { layout.subnet(ofLeaseKey: $0.key) }
        let lease = FlannelLease(publicIP: publicIP, backendType: config.backend.type, vtepMAC: mac,
                                 vni: config.backend.type == "vxlan" ? config.backend.vni : nil)
        let ttl = try await store.grantLease(ttl: Self.flannelLeaseTTL)
        var chosen: IPv4Network?
        if let previous {
            try await store.put(layout.leaseKey(previous), lease.json(), lease: ttl)
            chosen = previous
        } else {
            var taken = Set(flannel.leases.keys)
            taken.formUnion(stored.compactMap { layout.subnet(ofLeaseKey: $0.key) })
            for _ in 0..<16 {
                guard let candidate = config.chooseLease(taken: taken, previous: nil) else { break }
                if try await store.createIfAbsent(layout.leaseKey(candidate), lease.json(), lease: ttl) {
                    chosen = candidate
                    break
                }
                taken.insert(candidate)
            }
        }
        guard let subnet = chosen else {
            try? await store.revokeLease(ttl)
            throw NetworkError.invalid("flannel: no free subnet left in \(config.network)")
        }
        flannel.leases[subnet] = lease
        flannel.own = subnet
        flannel.etcdLease = ttl
        flannel.active = config
        flannel.programmed = []
        flannel.renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(600))
                _ = try? await store.keepAlive(lease: ttl)
            }
        }
        if config.backend.type == "vxlan" {
            try netlink.withSession(in: .current) { host in
                try host.replaceAddress(InterfaceAddress(address: subnet.address, prefix: 32,
                                                         device: .name(flannelDevice(config))))
            }
        }
        let env = config.subnetEnv(lease: subnet, underlayMTU: underlayMTU, ipMasq: true)
        try? FileManager.default.createDirectory(atPath: "/run/flannel", withIntermediateDirectories: true)
        try? env.write(toFile: Self.subnetEnvPath, atomically: true, encoding: .utf8)
        let mtu = config.backend.type == "vxlan" ? underlayMTU - 50 : underlayMTU
        readdressDefaultBridge(bip: "\(subnet.firstHost)/\(subnet.prefix)", mtu: mtu)
        ensureFlannelMasquerade(config.network, present: true)
        logger.info("flannel: subnet leased", metadata: ["subnet": "\(subnet)", "backend": "\(config.backend.type)",
                                                          "public-ip": "\(publicIP)"])
    }

    private func tearDownFlannel(_ config: FlannelConfig) async {
        flannel.renewal?.cancel()
        flannel.renewal = nil
        let netlink = SystemNetlink()
        if config.backend.type == "vxlan" {
            _ = try? netlink.withSession(in: .current) { try $0.deleteLinkIfPresent(.name(flannelDevice(config))) }
        } else {
            for case .route(let subnet, let via, _) in flannel.programmed {
                _ = try? netlink.withSession(in: .current) {
                    try $0.deleteRoute(IPv4Route(destination: subnet, gateway: via))
                }
            }
        }
        if flannel.etcdLease != 0, let overlay { try? await overlay.cluster.store.revokeLease(flannel.etcdLease) }
        if let own = flannel.own { flannel.leases[own] = nil }
        flannel.etcdLease = 0
        flannel.own = nil
        flannel.active = nil
        flannel.programmed = []
        try? FileManager.default.removeItem(atPath: Self.subnetEnvPath)
        ensureFlannelMasquerade(config.network, present: false)
        readdressDefaultBridge(bip: defaultBIP, mtu: defaultMTU)
        logger.info("flannel: off on this machine")
    }

    /// The routes, neighbours and forwarding entries for the other leases, as flanneld's backend programs them.
    private func programFlannel(_ config: FlannelConfig) {
        var leases = flannel.leases
        if config.backend.type == "host-gw" {
            let connected = ((try? SystemNetlink().withSession(in: .current) { try $0.addresses() }) ?? [])
                .map { IPv4Network(address: $0.address, prefix: $0.prefix) }
            for (subnet, lease) in leases where subnet != flannel.own {
                do { try FlannelRoutes.checkHostGateway(lease: lease, connected: connected) } catch {
                    logger.error("flannel: \(error)", metadata: ["subnet": "\(subnet)"])
                    leases[subnet] = nil
                }
            }
        }
        let wanted = FlannelRoutes.entries(config: config, leases: leases, own: flannel.own)
        let diff = TunnelDiff.between(programmed: flannel.programmed, wanted: wanted)
        guard !diff.isEmpty else { return }
        let device = LinkReference.name(flannelDevice(config))
        var failed: [TunnelEntry] = []
        _ = try? SystemNetlink().withSession(in: .current) { host in
            for entry in diff.remove {
                switch entry {
                case .neighbour(let ip, let mac):
                    try? host.deleteNeighbour(Neighbour(address: ip, lladdr: MACAddress(mac), device: device))
                case .forwarding(let mac, let vtep):
                    if let m = MACAddress(mac) { try? host.deleteFDB(FDBEntry(lladdr: m, device: device, destination: vtep)) }
                case .route(let subnet, let via, _):
                    try? host.deleteRoute(IPv4Route(destination: subnet, gateway: via))
                }
            }
            for entry in diff.add {
                do {
                    switch entry {
                    case .neighbour(let ip, let mac):
                        try host.replaceNeighbour(Neighbour(address: ip, lladdr: MACAddress(mac), device: device))
                    case .forwarding(let mac, let vtep):
                        guard let m = MACAddress(mac) else { failed.append(entry); continue }
                        try host.replaceFDB(FDBEntry(lladdr: m, device: device, destination: vtep))
                    case .route(let subnet, let via, let onlink):
                        try host.replaceRoute(IPv4Route(destination: subnet, gateway: via,
                                                        device: onlink ? device : nil, onlink: onlink))
                    }
                } catch {
                    logger.warning("flannel: entry not programmed", metadata: ["entry": "\(entry)", "error": "\(error)"])
                    failed.append(entry)
                }
            }
        }
        flannel.programmed = wanted.subtracting(failed)
    }

    /// Traffic between flannel subnets keeps its container addresses; what leaves the flannel network is
    /// masqueraded by the bridge's own rule (FLANNEL_IPMASQ=true).
    private func ensureFlannelMasquerade(_ network: IPv4Network, present: Bool) {
        let match = ["POSTROUTING", "-s", "\(network)", "-d", "\(network)", "-m", "comment", "--comment", "berth",
                     "-j", "RETURN"]
        let there = (try? NetKernel.iptables(["-t", "nat", "-C"] + match)) != nil
        if present, !there {
            _ = try? NetKernel.iptables(["-t", "nat", "-I", match[0], "1"] + match.dropFirst())
        } else if !present, there {
            _ = try? NetKernel.iptables(["-t", "nat", "-D"] + match)
        }
    }

    /// The default bridge takes a new address and MTU (as dockerd restarted with `--bip --mtu`): its record is
    /// rewritten and, when it is up, it is made again with them. Containers still on it keep the old address until
    /// they restart.
    func readdressDefaultBridge(bip: String?, mtu: Int?) {
        loadIfNeeded()
        guard var bridge = registry.predefined("bridge") else { return }
        let before = bridge
        bridge.configureDefaultBridge(bridge: defaultBridge, bip: bip, mtu: mtu)
        guard bridge != before else { return }
        let wasUp = up.contains(bridge.id)
        if wasUp {
            dns.stop(networkID: before.id)
            up.remove(before.id)
            try? drivers.driver(for: before)?.deleteNetwork(before)
        }
        do { try registry.save(bridge) } catch {
            logger.error("cannot save the default bridge", metadata: ["error": "\(error)"])
        }
        if wasUp { try? ensureUp(bridge) }
        logger.info("default bridge readdressed", metadata: ["bip": "\(bip ?? "172.17.0.1/16")", "mtu": "\(mtu ?? 1500)"])
    }
}
