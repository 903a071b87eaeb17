#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Glibc
import Logging

/// The networks of this engine and the live endpoints and sandboxes of running containers (the CNM's network,
/// endpoint and sandbox). Networks persist under `<dataRoot>/network/`, endpoints of running containers under
/// `<dataRoot>/network/endpoints/` so an agent restart can rebuild what they need. Drivers program the kernel;
/// this actor decides (IPAM, names, ports).
public actor NetworkStore {
    let directory: String
    let sandboxRoot: String
    let logger: Logger
    let defaultBridge: String
    let defaultBIP: String?
    let defaultMTU: Int?
    var drivers: [String: NetworkDriver] = ["bridge": BridgeDriver()]
    var networks: [String: NetworkRecord] = [:]
    /// Live endpoints per container, in connection order (the first is the one with the default route).
    var endpoints: [String: [EndpointRecord]] = [:]
    var loaded = false
    var dns: [String: DNSServer] = [:]
    /// Networks whose bridge, rules and DNS server this agent process has set up (lazily, on first use).
    var up: Set<String> = []

    public init(dataRoot: String, execRoot: String, logger: Logger, bridge: String = "berth0", bip: String? = nil,
                mtu: Int? = nil) {
        directory = dataRoot + "/network"
        sandboxRoot = execRoot + "/netns"
        self.logger = logger
        defaultBridge = bridge
        defaultBIP = bip
        defaultMTU = mtu
    }

    // MARK: loading and restoring

    func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        let fm = FileManager.default
        try? fm.createDirectory(atPath: directory + "/endpoints", withIntermediateDirectories: true)
        let decoder = JSONDecoder()
        for file in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".json") {
            if let data = fm.contents(atPath: directory + "/" + file),
               let record = try? decoder.decode(NetworkRecord.self, from: data) {
                networks[record.id] = record
            }
        }
        for file in (try? fm.contentsOfDirectory(atPath: directory + "/endpoints")) ?? [] where file.hasSuffix(".json") {
            if let data = fm.contents(atPath: directory + "/endpoints/" + file),
               let list = try? decoder.decode([EndpointRecord].self, from: data) {
                endpoints[String(file.dropLast(5))] = list
            }
        }
        ensurePredefined()
    }

    private func ensurePredefined() {
        for (name, driver) in [("bridge", "bridge"), ("host", "host"), ("none", "null")]
        where !networks.values.contains(where: { $0.name == name && $0.predefined }) {
            var record = NetworkRecord(id: ContainerStore.randomID(), name: name, driver: driver,
                                       created: Timestamp.now(), pool: nil, bridge: nil, mtu: nil, internal: false,
                                       userSubnet: false, predefined: true, labels: [:], options: [:])
            if name == "bridge" { configureDefaultBridge(&record) }
            save(record)
        }
        // --bip/--mtu may have changed since the record was written.
        if var bridge = networks.values.first(where: { $0.name == "bridge" && $0.predefined }) {
            let before = bridge
            configureDefaultBridge(&bridge)
            if bridge != before { save(bridge) }
        }
    }

    /// docker's `--bip` (gateway address with prefix) and `--mtu` for the default bridge.
    private func configureDefaultBridge(_ record: inout NetworkRecord) {
        var pool = try? IPv4Pool(subnet: IPv4Network(parsing: "172.17.0.0/16"))
        if let bip = defaultBIP, let slash = bip.firstIndex(of: "/"), let gw = IPv4Address(String(bip[..<slash])),
           let prefix = Int(bip[bip.index(after: slash)...]) {
            pool = try? IPv4Pool(subnet: IPv4Network(address: gw, prefix: prefix), gateway: gw)
        }
        record.pool = pool
        record.bridge = defaultBridge
        record.mtu = defaultMTU
        record.options = ["com.docker.network.bridge.default_bridge": "true",
                          "com.docker.network.bridge.enable_icc": "true",
                          "com.docker.network.bridge.enable_ip_masquerade": "true",
                          "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
                          "com.docker.network.bridge.name": defaultBridge,
                          "com.docker.network.driver.mtu": String(defaultMTU ?? 1500)]
    }

    /// At agent start: drops Berth's firewall rules, re-creates bridges and rules, re-publishes the ports of running
    /// containers, restarts DNS servers and removes sandboxes and endpoints of containers no longer running.
    public func restore(running: Set<String>) {
        loadIfNeeded()
        let sandboxes = (try? FileManager.default.contentsOfDirectory(atPath: sandboxRoot)) ?? []
        // Nothing of ours on this host yet: touch nothing (a fresh agent makes the default bridge on first use).
        guard networks.values.contains(where: { !$0.predefined }) || !endpoints.isEmpty || !sandboxes.isEmpty else {
            return
        }
        for table in FirewallRules.tables {
            let listing = (try? NetKernel.iptables(["-t", table, "-S"])) ?? ""
            for deletion in FirewallRules.ownedRuleDeletions(table: table, listing: listing) {
                _ = try? NetKernel.iptables(deletion)
            }
        }
        let inUse = Set(endpoints.filter { running.contains($0.key) }.values.flatMap { $0 }.map(\.networkID))
        for network in networks.values where network.driver == "bridge" && (!network.predefined || inUse.contains(network.id)) {
            do { try ensureUp(network) } catch {
                logger.error("cannot restore network", metadata: ["network": "\(network.name)", "error": "\(error)"])
            }
        }
        for (containerID, list) in endpoints {
            if running.contains(containerID) {
                for endpoint in list {
                    guard let network = networks[endpoint.networkID], let driver = drivers[network.driver] else { continue }
                    try? driver.restore(network, endpoint: endpoint)
                }
            } else {
                release(containerID)
            }
        }
        for file in sandboxes where !running.contains(where: { $0.hasPrefix(file) }) {
            NetKernel.removeNamespace(at: sandboxRoot + "/" + file, link: file)
        }
    }

    private func bridges() -> [String] { networks.values.compactMap(\.bridge) }

    private func ensureUp(_ network: NetworkRecord) throws {
        guard !up.contains(network.id) else { return }
        try setUp(network)
        up.insert(network.id)
    }

    private func setUp(_ network: NetworkRecord) throws {
        guard let driver = drivers[network.driver] else { return }
        try driver.createNetwork(network, allBridges: bridges())
        if network.resolvesNames, let gateway = network.pool?.gateway, dns[network.id] == nil {
            let id = network.id
            do {
                dns[id] = try DNSServer.start(address: gateway) { [weak self] name in
                    await self?.lookup(network: id, name: name)
                }
            } catch {
                logger.error("cannot start DNS server", metadata: ["network": "\(network.name)", "error": "\(error)"])
            }
        }
    }

    private func save(_ record: NetworkRecord) {
        networks[record.id] = record
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(record) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? data.write(to: URL(fileURLWithPath: directory + "/\(record.id).json"), options: .atomic)
        }
    }

    private func saveEndpoints(_ containerID: String) {
        let path = directory + "/endpoints/\(containerID).json"
        guard let list = endpoints[containerID], !list.isEmpty else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        if let data = try? JSONEncoder().encode(list) {
            try? FileManager.default.createDirectory(atPath: directory + "/endpoints", withIntermediateDirectories: true)
            try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    // MARK: networks

    /// A network by full ID, name or unique ID prefix.
    func find(_ reference: String) throws -> NetworkRecord {
        loadIfNeeded()
        if let record = networks[reference] { return record }
        if let record = networks.values.first(where: { $0.name == reference }) { return record }
        let matches = networks.values.filter { $0.id.hasPrefix(reference) }
        if !reference.isEmpty, matches.count == 1 { return matches[0] }
        throw NetworkError.noSuchNetwork(reference)
    }

    func create(_ request: NetworkCreateRequest) throws -> String {
        loadIfNeeded()
        let name = request.Name
        guard !name.isEmpty else { throw NetworkError.invalid("network name must not be empty") }
        guard ContainerStore.validName(name) else {
            throw NetworkError.invalid("invalid network name \"\(name)\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        }
        if networks.values.contains(where: { $0.name == name }) { throw NetworkError.nameInUse(name) }
        let driverName = request.Driver.flatMap { $0.isEmpty ? nil : $0 } ?? "bridge"
        guard drivers[driverName] != nil else {
            if driverName == "host" || driverName == "null" {
                throw APIError(.forbidden, "only one instance of \"\(driverName)\" network is allowed")
            }
            throw NetworkError.unsupportedDriver(driverName)
        }
        let configs = request.IPAM?.Config ?? []
        guard configs.count <= 1 else { throw NetworkError.invalid("berthd supports one IPv4 subnet per network") }
        let used = networks.values.compactMap(\.pool?.subnet)
        let pool: IPv4Pool
        do {
            if let config = configs.first, let subnetText = config.Subnet, !subnetText.isEmpty {
                let subnet = try Self.network(subnetText)
                let range = try config.IPRange.flatMap { $0.isEmpty ? nil : try Self.network($0) }
                let gateway = try config.Gateway.flatMap { text -> IPv4Address? in
                    if text.isEmpty { return nil }
                    guard let a = IPv4Address(text) else { throw NetworkError.invalid("invalid gateway address \(text)") }
                    return a
                }
                pool = try IPv4Pool(subnet: subnet, range: range, gateway: gateway)
                try pool.checkOverlap(with: used)
            } else {
                if let config = configs.first, config.IPRange != nil || config.Gateway != nil {
                    throw NetworkError.invalid("an ip-range or gateway needs a subnet")
                }
                guard let subnet = IPv4Pool.defaultSubnet(avoiding: used) else {
                    throw NetworkError.invalid("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
                }
                pool = try IPv4Pool(subnet: subnet)
            }
        } catch let failure as IPv4Pool.Failure {
            throw NetworkError.pool(failure)
        } catch let error as BerthError {
            throw NetworkError.invalid("\(error)")
        }
        let id = ContainerStore.randomID()
        let options = request.Options ?? [:]
        let mtu = options["com.docker.network.driver.mtu"].flatMap(Int.init) ?? defaultMTU
        let record = NetworkRecord(id: id, name: name, driver: driverName, created: Timestamp.now(), pool: pool,
                                   bridge: options["com.docker.network.bridge.name"] ?? "br-" + String(id.prefix(12)),
                                   mtu: mtu, internal: request.Internal ?? false,
                                   userSubnet: !(configs.first?.Subnet ?? "").isEmpty, predefined: false,
                                   labels: request.Labels ?? [:], options: options)
        do {
            try ensureUp(record)
        } catch {
            try? drivers[driverName]?.deleteNetwork(record)
            throw NetworkError.kernel("\(error)")
        }
        save(record)
        return id
    }

    static func network(_ text: String) throws -> IPv4Network {
        do { return try IPv4Network(parsing: text, strict: false) } catch {
            throw NetworkError.invalid("invalid subnet \(text): invalid CIDR address: \(text)")
        }
    }

    func remove(_ reference: String) throws {
        let record = try find(reference)
        if record.predefined { throw NetworkError.predefined(record.name) }
        if endpoints.values.contains(where: { $0.contains { $0.networkID == record.id } }) {
            throw NetworkError.activeEndpoints(name: record.name, id: record.id)
        }
        dns.removeValue(forKey: record.id)?.stop()
        up.remove(record.id)
        if let driver = drivers[record.driver] { try? driver.deleteNetwork(record) }
        networks.removeValue(forKey: record.id)
        try? FileManager.default.removeItem(atPath: directory + "/\(record.id).json")
    }

    func prune() -> [String] {
        loadIfNeeded()
        var deleted: [String] = []
        for record in networks.values where !record.predefined {
            if (try? remove(record.id)) != nil { deleted.append(record.name) }
        }
        return deleted.sorted()
    }

    func list() -> [NetworkResource] {
        loadIfNeeded()
        return networks.values.sorted { $0.name < $1.name }.map(resource)
    }

    func inspect(_ reference: String) throws -> NetworkResource { resource(try find(reference)) }

    private func resource(_ record: NetworkRecord) -> NetworkResource {
        var containers: [String: NetworkResource.Endpoint] = [:]
        for list in endpoints.values {
            for e in list where e.networkID == record.id {
                containers[e.containerID] = .init(Name: e.containerName, EndpointID: e.id, MacAddress: e.mac,
                                                  IPv4Address: "\(e.address)/\(record.pool?.subnet.prefix ?? 32)",
                                                  IPv6Address: "")
            }
        }
        let config = record.pool.map { pool -> [IPAMPoolConfig] in
            [IPAMPoolConfig(Subnet: pool.subnet.description, IPRange: pool.range?.description,
                            Gateway: pool.gateway.description, AuxiliaryAddresses: nil)]
        } ?? []
        return NetworkResource(
            Name: record.name, Id: record.id, Created: record.created, Scope: "local", Driver: record.driver,
            EnableIPv4: true, EnableIPv6: false, IPAM: IPAMSettings(Driver: "default", Options: nil, Config: config),
            Internal: record.internal, Attachable: false, Ingress: false, ConfigFrom: .init(Network: ""),
            ConfigOnly: false, Containers: containers, Options: record.options, Labels: record.labels)
    }

    // MARK: sandboxes and endpoints

    /// What a starting container's network needs, as the container store knows it.
    struct ContainerNetworkRequest: Sendable {
        var id: String
        var name: String
        var hostname: String
        var directory: String
        /// `bridge`, `host`, `none`, `container:<id>` (resolved to a full ID) or a network name.
        var mode: String
        var endpointsConfig: [String: EndpointSettings]
        var ports: [String: [PortBinding]]
        var exposed: [String]
        var publishAll: Bool
        /// For `container:<id>`: the other container's directory.
        var joinedDirectory: String?
    }

    static func normalizedMode(_ mode: String?) -> String {
        guard let mode, !mode.isEmpty, mode != "default" else { return "bridge" }
        return mode
    }

    /// The CLI may name the default network `default`.
    static func normalizedEndpoints(_ config: [String: EndpointSettings]) -> [String: EndpointSettings] {
        var out: [String: EndpointSettings] = [:]
        for (key, value) in config { out[normalizedMode(key)] = value }
        return out
    }

    /// Checks a container's network settings at create time.
    func validate(mode rawMode: String?, endpointsConfig rawConfig: [String: EndpointSettings]) throws {
        loadIfNeeded()
        let endpointsConfig = Self.normalizedEndpoints(rawConfig)
        let mode = Self.normalizedMode(rawMode)
        if mode.hasPrefix("container:") { return }
        var names = [mode]
        names += endpointsConfig.keys.filter { $0 != mode }
        for name in names {
            let network = try find(name)
            if let requested = endpointsConfig[name]?.IPAMConfig?.IPv4Address, !requested.isEmpty {
                guard network.driver == "bridge", !network.predefined, network.userSubnet else {
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

    func sandbox(_ containerID: String) -> Sandbox {
        let key = String(containerID.prefix(12))
        return Sandbox(key: key, path: sandboxRoot + "/" + key, link: key)
    }

    /// Builds the sandbox of a starting container and plugs its endpoints in; returns how it joins and its files.
    func prepare(_ request: ContainerNetworkRequest) throws -> (NetworkJoin, [BindFile]) {
        loadIfNeeded()
        let mode = Self.normalizedMode(request.mode)
        let hostsPath = request.directory + "/hosts"
        let resolvPath = request.directory + "/resolv.conf"
        let hostnamePath = request.directory + "/hostname"
        func files(hosts: String, resolv: String) throws -> [BindFile] {
            try hosts.write(toFile: hostsPath, atomically: true, encoding: .utf8)
            try resolv.write(toFile: resolvPath, atomically: true, encoding: .utf8)
            try (request.hostname + "\n").write(toFile: hostnamePath, atomically: true, encoding: .utf8)
            return [BindFile(source: hostsPath, target: "etc/hosts"),
                    BindFile(source: resolvPath, target: "etc/resolv.conf"),
                    BindFile(source: hostnamePath, target: "etc/hostname")]
        }
        let hostResolv = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        if mode == "host" {
            let hosts = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? SandboxFiles.hosts(
                hostname: request.hostname, addresses: [])
            return (.host, try files(hosts: hosts, resolv: hostResolv))
        }
        if mode.hasPrefix("container:") {
            let other = String(mode.dropFirst("container:".count))
            let shared = ["hosts", "resolv.conf", "hostname"].compactMap { name -> BindFile? in
                guard let dir = request.joinedDirectory, FileManager.default.fileExists(atPath: dir + "/" + name)
                else { return nil }
                return BindFile(source: dir + "/" + name, target: "etc/" + name)
            }
            let box = sandbox(other)
            if NetKernel.isNamespace(box.path) { return (.path(box.path), shared) }
            return (.host, shared)
        }
        let box = sandbox(request.id)
        release(request.id)
        do {
            try NetKernel.createNamespace(at: box.path, link: box.link)
        } catch {
            throw NetworkError.kernel("\(error)")
        }
        do {
            var names: [String] = mode == "none" ? [] : [mode]
            names += request.endpointsConfig.keys.filter { $0 != mode && $0 != "none" }.sorted()
            for (index, name) in names.enumerated() {
                let network = try find(name)
                try connect(request, network: network, settings: request.endpointsConfig[name] ?? EndpointSettings(),
                            sandbox: box, publish: index == 0)
            }
            let mine = endpoints[request.id] ?? []
            let resolver = mine.first.flatMap { networks[$0.networkID] }.flatMap { $0.resolvesNames ? $0.pool?.gateway : nil }
            let hosts = SandboxFiles.hosts(hostname: request.hostname, addresses: mine.map(\.address))
            return (.path(box.path), try files(hosts: hosts,
                                               resolv: SandboxFiles.resolvConf(hostResolvConf: hostResolv,
                                                                               embeddedServer: resolver)))
        } catch {
            release(request.id)
            throw error
        }
    }

    /// Allocates an address (and host ports) for `request` on `network` and plugs it into the sandbox.
    private func connect(_ request: ContainerNetworkRequest, network: NetworkRecord, settings: EndpointSettings,
                         sandbox box: Sandbox, publish: Bool) throws {
        guard let driver = drivers[network.driver], let pool = network.pool else {
            throw NetworkError.invalid("container cannot be connected to network \(network.name) with driver \(network.driver)")
        }
        var mine = endpoints[request.id] ?? []
        if mine.contains(where: { $0.networkID == network.id }) {
            throw NetworkError.alreadyConnected(container: request.name, network: network.name)
        }
        let taken = Set(endpoints.values.flatMap { $0 }.filter { $0.networkID == network.id }.map(\.address))
        let requested = settings.IPAMConfig?.IPv4Address.flatMap { $0.isEmpty ? nil : IPv4Address($0) }
        let address: IPv4Address
        do { address = try pool.allocate(requested: requested, taken: taken) } catch let f as IPv4Pool.Failure {
            throw NetworkError.pool(f)
        }
        let used = Set(mine.map(\.interface))
        let interface = (0...).lazy.map { "eth\($0)" }.first { !used.contains($0) }!
        let endpointID = ContainerStore.randomID()
        let ports = publish ? try portMappings(request, address: address) : []
        var aliases = settings.Aliases ?? []
        if network.resolvesNames, !aliases.contains(String(request.id.prefix(12))) {
            aliases.append(String(request.id.prefix(12)))
        }
        let endpoint = EndpointRecord(id: endpointID, networkID: network.id, containerID: request.id,
                                      containerName: request.name, interface: interface,
                                      hostVeth: "veth" + String(endpointID.prefix(7)), address: address,
                                      mac: IPv4Pool.macAddress(for: address), aliases: aliases, ports: ports)
        do {
            try ensureUp(network)
            try driver.join(network, endpoint: endpoint, sandbox: box)
        } catch {
            throw NetworkError.kernel("\(error)")
        }
        mine.append(endpoint)
        endpoints[request.id] = mine
        saveEndpoints(request.id)
    }

    private func portMappings(_ request: ContainerNetworkRequest, address: IPv4Address) throws -> [PortMapping] {
        var wanted = request.ports
        if request.publishAll {
            for port in request.exposed where wanted[port] == nil { wanted[port] = [PortBinding(HostIp: "", HostPort: "")] }
        }
        var inUse = Set(endpoints.values.flatMap { $0 }.flatMap(\.ports).map { "\($0.proto)/\($0.hostPort)" })
        var result: [PortMapping] = []
        for (key, bindings) in wanted.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/")
            guard let containerPort = parts.first.flatMap({ Int($0) }) else {
                throw NetworkError.invalid("invalid port specification: \"\(key)\"")
            }
            let proto = parts.count > 1 ? String(parts[1]) : "tcp"
            for binding in bindings {
                var hostPort = Int(binding.HostPort ?? "") ?? 0
                if hostPort == 0 {
                    guard let free = (32768...60999).first(where: { !inUse.contains("\(proto)/\($0)") }) else {
                        throw NetworkError.invalid("no free host port")
                    }
                    hostPort = free
                } else if inUse.contains("\(proto)/\(hostPort)") {
                    throw NetworkError.kernel(
                        "Bind for 0.0.0.0:\(hostPort) failed: port is already allocated")
                }
                inUse.insert("\(proto)/\(hostPort)")
                result.append(PortMapping(proto: proto, hostIP: binding.HostIp ?? "", hostPort: hostPort,
                                          containerIP: address, containerPort: containerPort))
            }
        }
        return result
    }

    /// `docker network connect` on a running container: plugs a new endpoint into its sandbox.
    func connectRunning(_ request: ContainerNetworkRequest, network reference: String, settings: EndpointSettings) throws {
        let network = try find(reference)
        let box = sandbox(request.id)
        guard NetKernel.isNamespace(box.path) else {
            throw NetworkError.invalid("container \(request.name) has no network sandbox of its own")
        }
        try connect(request, network: network, settings: settings, sandbox: box, publish: false)
        // As docker does, a container joining its first user network starts using the embedded DNS server. The
        // file is bind-mounted: rewrite it in place, not by rename.
        let resolvPath = request.directory + "/resolv.conf"
        if network.resolvesNames, let gateway = network.pool?.gateway,
           let current = try? String(contentsOfFile: resolvPath, encoding: .utf8), !current.contains("berthd") {
            let hostResolv = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
            let text = SandboxFiles.resolvConf(hostResolvConf: hostResolv, embeddedServer: gateway)
            try? text.write(toFile: resolvPath, atomically: false, encoding: .utf8)
        }
    }

    /// `docker network disconnect` on a running container.
    func disconnectRunning(containerID: String, name: String, network reference: String) throws {
        let network = try find(reference)
        guard var mine = endpoints[containerID], let index = mine.firstIndex(where: { $0.networkID == network.id })
        else { throw NetworkError.notConnected(container: name, network: network.name) }
        drivers[network.driver]?.leave(network, endpoint: mine[index])
        mine.remove(at: index)
        endpoints[containerID] = mine
        saveEndpoints(containerID)
    }

    /// Unplugs every endpoint of a container and removes its sandbox. Quiet when there is nothing.
    func release(_ containerID: String) {
        for endpoint in endpoints[containerID] ?? [] {
            guard let network = networks[endpoint.networkID], let driver = drivers[network.driver] else { continue }
            driver.leave(network, endpoint: endpoint)
        }
        endpoints.removeValue(forKey: containerID)
        saveEndpoints(containerID)
        let box = sandbox(containerID)
        if FileManager.default.fileExists(atPath: box.path) { NetKernel.removeNamespace(at: box.path, link: box.link) }
    }

    func endpoints(of containerID: String) -> [EndpointRecord] { endpoints[containerID] ?? [] }
    func network(id: String) -> NetworkRecord? { networks[id] }

    /// The embedded DNS server's answer: addresses of containers on `network` called `name` (name, alias, short ID).
    func lookup(network: String, name: String) -> [IPv4Address]? {
        let wanted = name.lowercased()
        let matches = endpoints.values.flatMap { $0 }.filter { e in
            e.networkID == network && (e.containerName.lowercased() == wanted || e.aliases.contains { $0.lowercased() == wanted })
        }
        return matches.isEmpty ? nil : matches.map(\.address)
    }
}
