#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Logging

/// The networks of this engine and the live endpoints and sandboxes of running containers (the CNM's network,
/// endpoint and sandbox). It decides; its parts do the work: the `NetworkRegistry` keeps the records, the
/// `EndpointAllocator` (BerthCore) chooses addresses and host ports, the drivers of the `NetworkDriverRegistry`
/// program the kernel, the `SandboxBuilder` makes namespaces and `/etc` files, `EmbeddedDNS` runs the DNS servers.
public actor NetworkStore {
    let logger: Logger
    let defaultBridge: String
    let defaultBIP: String?
    let defaultMTU: Int?
    let drivers: NetworkDriverRegistry
    let sandboxes: SandboxBuilder
    var registry: NetworkRegistry
    var loaded = false
    var dns = EmbeddedDNS()
    /// Networks whose bridge, rules and DNS server this agent process has set up (lazily, on first use).
    var up: Set<String> = []
    /// The cluster store's side of the overlay driver, once the cluster agent is attached.
    var overlay: OverlayStore?
    /// Every overlay endpoint the store holds (this machine's and the others'), fed by the watch.
    var peers = OverlayPeerTable(localNode: "")
    /// Per overlay network up here: the tunnel entries programmed on its VXLAN device.
    var programmed: [String: Set<TunnelEntry>] = [:]
    var overlayTasks: [Task<Void, Never>] = []
    /// flannel's view from the store and what this machine set up for it.
    var flannel = FlannelState()

    public init(dataRoot: String, execRoot: String, logger: Logger, bridge: String = "berth0", bip: String? = nil,
                mtu: Int? = nil) {
        self.init(dataRoot: dataRoot, execRoot: execRoot, logger: logger, bridge: bridge, bip: bip, mtu: mtu,
                  drivers: .standard(execRoot: execRoot))
    }

    init(dataRoot: String, execRoot: String, logger: Logger, bridge: String, bip: String?, mtu: Int?,
         drivers: NetworkDriverRegistry) {
        registry = NetworkRegistry(directory: dataRoot + "/network")
        sandboxes = SandboxBuilder(root: execRoot + "/netns")
        self.logger = logger
        self.drivers = drivers
        defaultBridge = bridge
        defaultBIP = bip
        defaultMTU = mtu
    }

    // MARK: loading and restoring

    func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        registry.load()
        ensurePredefined()
    }

    private func ensurePredefined() {
        for (name, driver) in NetworkRecord.predefinedNetworks where registry.predefined(name) == nil {
            var record = NetworkRecord.predefined(name: name, driver: driver)
            if name == "bridge" { record.configureDefaultBridge(bridge: defaultBridge, bip: defaultBIP, mtu: defaultMTU) }
            saveLogged(record)
        }
        // --bip/--mtu may have changed since the record was written.
        if var bridge = registry.predefined("bridge") {
            let before = bridge
            bridge.configureDefaultBridge(bridge: defaultBridge, bip: defaultBIP, mtu: defaultMTU)
            if bridge != before { saveLogged(bridge) }
        }
    }

    private func saveLogged(_ record: NetworkRecord) {
        do { try registry.save(record) } catch {
            logger.error("cannot save network", metadata: ["network": "\(record.name)", "error": "\(error)"])
        }
    }

    /// At agent start: drops Berth's firewall rules, re-creates bridges and rules, re-publishes the ports of running
    /// containers, restarts DNS servers and removes sandboxes and endpoints of containers no longer running.
    public func restore(running: Set<String>) {
        loadIfNeeded()
        // Nothing of ours on this host yet: touch nothing (a fresh agent makes the default bridge on first use).
        guard registry.networks.values.contains(where: { !$0.predefined }) || !registry.endpoints.isEmpty
            || !sandboxes.isEmpty else { return }
        for table in FirewallRules.tables {
            let listing = (try? NetKernel.iptables(["-t", table, "-S"])) ?? ""
            for deletion in FirewallRules.ownedRuleDeletions(table: table, listing: listing) {
                _ = try? NetKernel.iptables(deletion)
            }
        }
        let inUse = Set(registry.endpoints.filter { running.contains($0.key) }.values.flatMap { $0 }.map(\.networkID))
        for network in registry.networks.values
        where drivers.driver(for: network) != nil && (!network.predefined || inUse.contains(network.id)) {
            do { try ensureUp(network) } catch {
                logger.error("cannot restore network", metadata: ["network": "\(network.name)", "error": "\(error)"])
            }
        }
        for (containerID, list) in registry.endpoints {
            if running.contains(containerID) {
                for endpoint in list {
                    guard let network = registry.networks[endpoint.networkID],
                          let driver = drivers.driver(for: network) else { continue }
                    try? driver.restore(network, endpoint: endpoint)
                }
            } else {
                release(containerID)
            }
        }
        sandboxes.removeStale(running: running)
    }

    func ensureUp(_ network: NetworkRecord) throws {
        guard !up.contains(network.id) else { return }
        guard let driver = drivers.driver(for: network) else { return }
        try driver.createNetwork(network, allBridges: registry.bridges)
        let id = network.id
        let namespace = (driver as? OverlayDriver).map { $0.namespacePath(network) }
        dns.start(for: network, namespace: namespace, logger: logger) { [weak self] name, querier in
            await self?.answer(network: id, name: name, from: querier)
        }
        up.insert(network.id)
        if network.isGlobal {
            programmed[network.id] = []
            reprogram(network.id)
        }
    }

    // MARK: networks

    /// A network by full ID, name or unique ID prefix.
    func find(_ reference: String) throws -> NetworkRecord {
        loadIfNeeded()
        return try registry.find(reference)
    }

    func create(_ request: NetworkCreateRequest) async throws -> String {
        loadIfNeeded()
        let name = request.Name
        guard !name.isEmpty else { throw NetworkError.invalid("network name must not be empty") }
        // dockerd takes any name (spaces, slashes, any script); only control characters are refused here.
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw NetworkError.invalid("invalid network name \"\(name)\": control characters are not allowed")
        }
        if registry.network(named: name) != nil { throw NetworkError.nameInUse(name) }
        let driverName = request.Driver.flatMap { $0.isEmpty ? nil : $0 } ?? "bridge"
        guard let driver = drivers.driver(named: driverName) else {
            if driverName == "host" || driverName == "null" {
                throw APIError(.forbidden, "only one instance of \"\(driverName)\" network is allowed")
            }
            throw NetworkError.unsupportedDriver(driverName)
        }
        let all = request.IPAM?.Config ?? []
        let configs = all.filter { !($0.Subnet ?? "").contains(":") }
        let configs6 = all.filter { ($0.Subnet ?? "").contains(":") }
        guard configs.count <= 1 else { throw NetworkError.invalid("berthd supports one IPv4 subnet per network") }
        guard configs6.count <= 1 else { throw NetworkError.invalid("berthd supports one IPv6 subnet per network") }
        let enableIPv6 = request.EnableIPv6 ?? false
        if (enableIPv6 || !configs6.isEmpty), !["bridge", "macvlan"].contains(driverName) {
            throw NetworkError.invalid("IPv6 is supported on bridge and macvlan networks only (not \(driverName))")
        }
        if driver.scope == .global { return try await createGlobal(request, driver: driver, config: configs.first) }
        let pool = try Self.pool(configs.first, avoiding: registry.subnets)
        let pool6 = try configs6.first.map { try Self.pool6($0, avoiding: registry.networks.values.compactMap(\.pool6?.subnet)) }
        if enableIPv6, pool6 == nil {
            throw NetworkError.invalid("could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network (give one with --subnet)")
        }
        let id = EngineNaming.randomID()
        let options = request.Options ?? [:]
        var createdParent: Bool?
        if driverName == "macvlan" {
            let (parent, _) = try MacvlanDriver.settings(options)
            if let other = registry.networks.values.first(where: { $0.driver == "macvlan" && $0.options["parent"] == parent }) {
                throw APIError(.forbidden, "network \(other.name) is already using parent interface \(parent)")
            }
            if MacvlanDriver.vlan(parent) != nil, !FileManager.default.fileExists(atPath: "/sys/class/net/" + parent) {
                createdParent = true
            }
        }
        let mtu = options["com.docker.network.driver.mtu"].flatMap(Int.init) ?? defaultMTU
        var record = NetworkRecord(id: id, name: name, driver: driverName, created: Timestamp.now(), pool: pool,
                                   bridge: driverName != "bridge" ? nil
                                       : options["com.docker.network.bridge.name"] ?? "br-" + String(id.prefix(12)),
                                   mtu: mtu, internal: request.Internal ?? false,
                                   userSubnet: !(configs.first?.Subnet ?? "").isEmpty, predefined: false,
                                   labels: request.Labels ?? [:], options: options, scope: driver.scope)
        record.createdParent = createdParent
        record.pool6 = pool6
        record.enableIPv6 = enableIPv6 ? true : nil
        record.auxiliary = try Self.auxiliary(configs.first?.AuxiliaryAddresses, pool: pool)
        do {
            try ensureUp(record)
        } catch {
            try? driver.deleteNetwork(record)
            if let error = error as? NetworkError { throw error }
            throw NetworkError.kernel("\(error)")
        }
        do { try registry.save(record) } catch {
            takeDown(record)
            throw NetworkError.kernel("\(error)")
        }
        return id
    }

    /// The pool of a new network: the user's `--subnet/--ip-range/--gateway`, else the first free default pool.
    static func pool(_ config: IPAMPoolConfig?, avoiding used: [IPv4Network]) throws -> IPv4Pool {
        do {
            if let config, let subnetText = config.Subnet, !subnetText.isEmpty {
                let subnet = try network(subnetText)
                let range = try config.IPRange.flatMap { $0.isEmpty ? nil : try network($0) }
                let gateway = try config.Gateway.flatMap { text -> IPv4Address? in
                    if text.isEmpty { return nil }
                    guard let a = IPv4Address(text) else { throw NetworkError.invalid("invalid gateway address \(text)") }
                    return a
                }
                let pool = try IPv4Pool(subnet: subnet, range: range, gateway: gateway)
                try pool.checkOverlap(with: used)
                return pool
            }
            if let config, config.IPRange != nil || config.Gateway != nil {
                throw NetworkError.invalid("an ip-range or gateway needs a subnet")
            }
            guard let subnet = IPv4Pool.defaultSubnet(avoiding: used) else {
                throw NetworkError.invalid("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
            }
            return try IPv4Pool(subnet: subnet)
        } catch let failure as IPv4Pool.Failure {
            throw NetworkError.pool(failure)
        } catch let error as BerthError {
            throw NetworkError.invalid("\(error)")
        }
    }

    /// `--aux-address NAME=ADDR`: each in the subnet, as dockerd requires.
    static func auxiliary(_ given: [String: String]?, pool: IPv4Pool) throws -> [String: IPv4Address]? {
        guard let given, !given.isEmpty else { return nil }
        var out: [String: IPv4Address] = [:]
        for (name, text) in given {
            guard let a = IPv4Address(text) else { throw NetworkError.invalid("invalid auxiliary address \(name)=\(text)") }
            guard pool.subnet.contains(a) else { throw NetworkError.invalid("no matching subnet for aux-address \(a)") }
            out[name] = a
        }
        return out
    }

    /// The IPv6 pool of a new network from its `--subnet` and `--gateway`.
    static func pool6(_ config: IPAMPoolConfig, avoiding used: [IPv6Network]) throws -> IPv6Pool {
        let text = config.Subnet ?? ""
        let subnet: IPv6Network
        do { subnet = try IPv6Network(parsing: text, strict: false) } catch {
            throw NetworkError.invalid("invalid subnet \(text): invalid CIDR address: \(text)")
        }
        if let other = used.first(where: { $0.overlaps(subnet) }) {
            throw NetworkError.invalid("invalid pool request: Pool overlaps with other one on this address space (\(other))")
        }
        let range = try config.IPRange.flatMap { text -> IPv6Network? in
            if text.isEmpty { return nil }
            do { return try IPv6Network(parsing: text, strict: false) } catch {
                throw NetworkError.invalid("invalid ip-range \(text): invalid CIDR address: \(text)")
            }
        }
        let gateway = try config.Gateway.flatMap { text -> IPv6Address? in
            if text.isEmpty { return nil }
            guard let a = IPv6Address(text) else { throw NetworkError.invalid("invalid gateway address \(text)") }
            return a
        }
        do { return try IPv6Pool(subnet: subnet, gateway: gateway, range: range) } catch {
            throw NetworkError.invalid("\(error)")
        }
    }

    static func network(_ text: String) throws -> IPv4Network {
        do { return try IPv4Network(parsing: text, strict: false) } catch {
            throw NetworkError.invalid("invalid subnet \(text): invalid CIDR address: \(text)")
        }
    }

    func remove(_ reference: String) async throws {
        let record = try find(reference)
        if record.predefined { throw NetworkError.predefined(record.name) }
        if registry.hasEndpoints(on: record.id) { throw NetworkError.activeEndpoints(name: record.name, id: record.id) }
        if record.isGlobal { try await removeGlobal(record) }
        takeDown(record)
        registry.remove(network: record.id)
    }

    /// Stops the network's DNS server and removes what its driver made.
    private func takeDown(_ record: NetworkRecord) {
        dns.stop(networkID: record.id)
        up.remove(record.id)
        programmed[record.id] = nil
        try? drivers.driver(for: record)?.deleteNetwork(record)
    }

    /// `POST /networks/prune`: the unused networks `filter` lets go (`until`, `label`, `label!`), as dockerd.
    func prune(_ filter: PruneFilter = PruneFilter()) async -> [String] {
        loadIfNeeded()
        var deleted: [String] = []
        for record in registry.networks.values where !record.predefined
            && filter.matches(created: RFC3339Seconds.parse(record.created), labels: record.labels) {
            if (try? await remove(record.id)) != nil { deleted.append(record.name) }
        }
        return deleted.sorted()
    }

    func list() -> [NetworkResource] {
        loadIfNeeded()
        let endpoints = registry.allEndpoints
        return registry.networks.values.sorted { $0.name < $1.name }.map { NetworkResource($0, endpoints: endpoints) }
    }

    func inspect(_ reference: String) throws -> NetworkResource {
        NetworkResource(try find(reference), endpoints: registry.allEndpoints)
    }

    // MARK: sandboxes and endpoints

    /// Checks a container's network settings at create time (`endpointsConfig` keyed as the request has it).
    func validate(mode: NetworkMode, endpointsConfig: [String: EndpointSettings]) throws {
        loadIfNeeded()
        if case .container = mode { return }
        var names = mode.primaryNetwork.map { [$0] } ?? [mode.text]
        names += endpointsConfig.keys.filter { !names.contains($0) }
        for name in names {
            let network = try find(name)
            _ = try Self.macAddress(endpointsConfig[name]?.MacAddress)
            if let requested6 = endpointsConfig[name]?.IPAMConfig?.IPv6Address, !requested6.isEmpty {
                guard let a = IPv6Address(requested6) else { throw NetworkError.invalid("invalid IPv6 address: \(requested6)") }
                // dockerd takes an --ip6 on a network with an IPv6 subnet even when IPv6 is not enabled on it: the
                // address is kept in IPAMConfig and used once the network carries IPv6.
                guard let pool6 = network.pool6 else { throw NetworkError.staticIPOnDefault }
                guard pool6.subnet.contains(a) else {
                    throw NetworkError.invalid("invalid endpoint settings:\nno configured subnet or ip-range contain the IP address \(a)")
                }
            }
            _ = try Self.linkLocalAddresses(endpointsConfig[name]?.IPAMConfig?.LinkLocalIPs)
            if let requested = endpointsConfig[name]?.IPAMConfig?.IPv4Address, !requested.isEmpty {
                guard drivers.driver(for: network) != nil, !network.predefined, network.userSubnet else {
                    throw NetworkError.staticIPOnDefault
                }
                guard let a = IPv4Address(requested) else {
                    throw NetworkError.invalid("invalid IPv4 address: \(requested)")
                }
                if let pool = network.pool, !pool.subnet.contains(a) {
                    throw NetworkError.pool(.addressOutside(a))
                }
            }
        }
    }

    func sandbox(_ containerID: String) -> Sandbox { sandboxes.sandbox(containerID) }

    /// `--mac-address`: six colon-separated bytes, written lower-case; nil when none was asked for.
    static func macAddress(_ text: String?) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && UInt8($0, radix: 16) != nil }) else {
            throw NetworkError.invalid("invalid MAC address: \(text)")
        }
        return text.lowercased()
    }

    /// `--link-local-ip`: IPv4 addresses in 169.254.0.0/16 (IPv6 ones are not supported).
    static func linkLocalAddresses(_ list: [String]?) throws -> [IPv4Address] {
        try (list ?? []).map { text in
            guard let address = IPv4Address(text) else {
                throw NetworkError.invalid("invalid link-local IP address: \(text) (only IPv4 is supported)")
            }
            guard IPv4Network(address: IPv4Address("169.254.0.0")!, prefix: 16).contains(address) else {
                throw NetworkError.invalid("\(text) is not a link-local address (169.254.0.0/16)")
            }
            return address
        }
    }

    /// The `/etc/hosts` lines of `--add-host` (`host-gateway`: the default bridge's gateway) and of legacy links.
    func extraHostLines(_ request: ContainerNetworkRequest) throws -> [String] {
        let gateway = (try? find("bridge"))?.pool?.gateway
        return try request.extraHosts.map { try SandboxFiles.extraHostLine($0, gateway: gateway) } + request.linkLines
    }

    /// Builds the sandbox of a starting container and plugs its endpoints in; returns how it joins and its files.
    func prepare(_ request: ContainerNetworkRequest) async throws -> (NetworkJoin, [BindFile]) {
        loadIfNeeded()
        switch request.mode {
        case .host:
            return (.host, try sandboxes.writeHostFiles(directory: request.directory, hostname: request.hostname,
                                                        extraLines: try extraHostLines(request), dns: request.dns))
        case .container(let other):
            let shared = sandboxes.sharedFiles(of: request.joinedDirectory)
            let box = sandboxes.sandbox(other)
            return (sandboxes.exists(box) ? .path(box.path) : .host, shared)
        case .none, .bridge, .network:
            break
        }
        let box = sandboxes.sandbox(request.id)
        release(request.id)
        try sandboxes.create(box)
        do {
            var names = request.mode.primaryNetwork.map { [$0] } ?? []
            names += request.endpointsConfig.keys.filter { !names.contains($0) && $0 != "none" }.sorted()
            var viaGateway = false
            for (index, name) in names.enumerated() {
                let network = try find(name)
                // As dockerd: an overlay container reaches its machine and the outside (and publishes its ports)
                // through a second interface on the local docker_gwbridge.
                if index == 0, network.isGlobal, !network.internal { viaGateway = true }
                try await connect(request, network: network,
                                  settings: request.endpointsConfig[name] ?? EndpointSettings(), sandbox: box,
                                  publish: index == 0 && !viaGateway)
            }
            if viaGateway {
                try await connect(request, network: try await gatewayBridge(), settings: EndpointSettings(),
                                  sandbox: box, publish: true, defaultRoute: true)
            }
            let mine = registry.endpoints(of: request.id)
            let resolver = mine.first.flatMap { registry.networks[$0.networkID] }
                .flatMap { $0.resolvesNames ? $0.pool?.gateway : nil }
            return (.path(box.path), try sandboxes.writeFiles(directory: request.directory, hostname: request.hostname,
                                                               addresses: mine.map(\.address),
                                                               addresses6: mine.compactMap(\.address6), embeddedServer: resolver,
                                                               extraLines: try extraHostLines(request), dns: request.dns))
        } catch {
            release(request.id)
            throw error
        }
    }

    /// Allocates an address (and host ports) for `request` on `network` and plugs it into the sandbox.
    private func connect(_ request: ContainerNetworkRequest, network: NetworkRecord, settings: EndpointSettings,
                         sandbox box: Sandbox, publish: Bool, defaultRoute: Bool? = nil) async throws {
        guard let driver = drivers.driver(for: network), let pool = network.pool else {
            throw NetworkError.invalid("container cannot be connected to network \(network.name) with driver \(network.driver)")
        }
        var mine = registry.endpoints(of: request.id)
        if mine.contains(where: { $0.networkID == network.id }) {
            throw NetworkError.alreadyConnected(container: request.name, network: network.name)
        }
        let requested = settings.IPAMConfig?.IPv4Address.flatMap { $0.isEmpty ? nil : IPv4Address($0) }
        let endpointID = EngineNaming.randomID()
        let address: IPv4Address
        do {
            if network.isGlobal {
                address = try await claimGlobalAddress(network, pool: pool, requested: requested, endpoint: endpointID)
            } else {
                address = try EndpointAllocator.address(in: pool, requested: requested,
                                                        taken: registry.takenAddresses(on: network.id))
            }
        } catch let failure as IPv4Pool.Failure {
            throw NetworkError.pool(failure)
        }
        let ports: [PortMapping]
        do {
            ports = publish ? try EndpointAllocator.ports(request.hostBindings, exposed: request.exposed,
                                                          publishAll: request.publishAll, address: address,
                                                          inUse: registry.publishedPorts) : []
        } catch let failure as EndpointAllocator.Failure {
            throw NetworkError(failure)
        }
        var address6: IPv6Address?
        if let pool6 = network.activePool6 {
            let requested6 = try settings.IPAMConfig?.IPv6Address.flatMap { text -> IPv6Address? in
                if text.isEmpty { return nil }
                guard let a = IPv6Address(text) else { throw NetworkError.invalid("invalid IPv6 address: \(text)") }
                return a
            }
            let taken6 = Set(registry.allEndpoints.filter { $0.networkID == network.id }.compactMap(\.address6))
            do { address6 = try pool6.allocate(requested: requested6, taken: taken6) } catch {
                throw NetworkError.invalid("\(error)")
            }
        }
        let mac = try Self.macAddress(settings.MacAddress) ?? EndpointAllocator.mac(for: address)
        let linkLocal = try Self.linkLocalAddresses(settings.IPAMConfig?.LinkLocalIPs)
        var aliases = settings.Aliases ?? []
        if network.resolvesNames, !aliases.contains(String(request.id.prefix(12))) {
            aliases.append(String(request.id.prefix(12)))
        }
        let endpoint = EndpointRecord(id: endpointID, networkID: network.id, containerID: request.id,
                                      containerName: request.name,
                                      interface: EndpointAllocator.interface(used: Set(mine.map(\.interface))),
                                      hostVeth: EndpointAllocator.hostVeth(endpointID: endpointID), address: address,
                                      mac: mac, aliases: aliases, ports: ports,
                                      defaultRoute: defaultRoute, linkLocal: linkLocal.isEmpty ? nil : linkLocal,
                                      address6: address6, links: Self.links(settings.Links))
        do {
            do { try ensureUp(network) } catch { throw NetworkError.kernel("\(error)") }
            try sandboxes.plug(endpoint, network: network, driver: driver, into: box)
        } catch {
            if network.isGlobal { await overlay?.withdraw(network: network.id, endpoint: endpointID, address: address) }
            throw error
        }
        mine.append(endpoint)
        do { try registry.setEndpoints(mine, of: request.id) } catch {
            sandboxes.unplug(endpoint, network: network, driver: driver)
            if network.isGlobal { await overlay?.withdraw(network: network.id, endpoint: endpointID, address: address) }
            throw NetworkError.kernel("\(error)")
        }
        if network.isGlobal { await publishGlobal(endpoint) }
    }

    /// `docker network connect` on a running container: plugs a new endpoint into its sandbox.
    func connectRunning(_ request: ContainerNetworkRequest, network reference: String,
                        settings: EndpointSettings) async throws {
        let network = try find(reference)
        let box = sandboxes.sandbox(request.id)
        guard sandboxes.exists(box) else {
            throw NetworkError.invalid("container \(request.name) has no network sandbox of its own")
        }
        try await connect(request, network: network, settings: settings, sandbox: box, publish: false)
        if network.resolvesNames, let gateway = network.pool?.gateway {
            sandboxes.useEmbeddedServer(gateway, directory: request.directory)
        }
    }

    /// `docker network disconnect` on a running container.
    func disconnectRunning(containerID: String, name: String, network reference: String) throws {
        let network = try find(reference)
        var mine = registry.endpoints(of: containerID)
        guard let index = mine.firstIndex(where: { $0.networkID == network.id }) else {
            throw NetworkError.notConnected(container: name, network: network.name)
        }
        if let driver = drivers.driver(for: network) { sandboxes.unplug(mine[index], network: network, driver: driver) }
        if network.isGlobal { withdrawGlobal(mine[index]) }
        mine.remove(at: index)
        try? registry.setEndpoints(mine, of: containerID)
    }

    /// Unplugs every endpoint of a container and removes its sandbox. Quiet when there is nothing.
    func release(_ containerID: String) {
        let box = sandboxes.sandbox(containerID)
        let boxGoes = sandboxes.exists(box)
        for endpoint in registry.endpoints(of: containerID) {
            guard let network = registry.networks[endpoint.networkID], let driver = drivers.driver(for: network)
            else { continue }
            if boxGoes {
                sandboxes.retire(endpoint, network: network, driver: driver)
            } else {
                sandboxes.unplug(endpoint, network: network, driver: driver)
            }
            if network.isGlobal { withdrawGlobal(endpoint) }
        }
        try? registry.setEndpoints([], of: containerID)
        sandboxes.remove(box)
    }

    func endpoints(of containerID: String) -> [EndpointRecord] { registry.endpoints(of: containerID) }
    func network(id: String) -> NetworkRecord? { registry.networks[id] }

    /// `NAME:ALIAS` (or `NAME`) links as alias → name.
    static func links(_ given: [String]?) -> [String: String]? {
        guard let given, !given.isEmpty else { return nil }
        var out: [String: String] = [:]
        for link in given {
            let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
            let name = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
            out[(parts.count > 1 ? parts[1] : name).lowercased()] = name
        }
        return out
    }

    /// The embedded DNS server's answer: the IPv4 and IPv6 addresses of the containers on `network` called `name`
    /// (name, alias, short ID; overlay: on every machine); to a container that links to another on the network, the
    /// link's alias names that container too. Nil when no container has the name.
    func answer(network: String, name: String, from querier: IPv4Address? = nil) -> (v4: [IPv4Address], v6: [IPv6Address])? {
        var wanted = name.lowercased()
        if let querier, let asking = registry.endpoints(on: network).first(where: { $0.address == querier }),
           let target = asking.links?[wanted] {
            wanted = target.lowercased()
        }
        let local = registry.endpoints(on: network).filter { e in
            e.containerName.lowercased() == wanted || e.aliases.contains { $0.lowercased() == wanted }
        }
        var matches = local.map(\.address)
        // Overlay: every machine's endpoints on the network, as the store has them.
        if registry.networks[network]?.isGlobal == true {
            for a in peers.resolve(network: network, name: name) ?? [] where !matches.contains(a) { matches.append(a) }
        }
        return matches.isEmpty ? nil : (matches, local.compactMap(\.address6))
    }
}
