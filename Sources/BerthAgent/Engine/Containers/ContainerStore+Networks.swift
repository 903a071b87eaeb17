#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime
import Glibc

/// Where containers meet the network store: checks at create, the sandbox at start, connect/disconnect, and what
/// inspect and ps show.
extension ContainerStore {
    /// Checks `--network`, `--ip` and `container:<x>` at create and returns the mode to store: `container:NAME`
    /// resolved to the other's full ID, and endpoint settings keyed as the network store reads them. With
    /// `--network host` the host's name is used.
    func resolveNetwork(_ request: ContainerCreateRequest,
                        config: inout ContainerConfig) async throws -> (NetworkMode, NetworkingConfig?) {
        var mode = request.hostConfig.NetworkMode ?? .bridge
        var networking = request.networkingConfig
        if let endpoints = networking?.EndpointsConfig {
            networking?.EndpointsConfig = Dictionary(endpoints.map { (NetworkMode.endpointKey($0.key), $0.value) },
                                                     uniquingKeysWith: { a, _ in a })
        }
        // A MAC address in `Config` (older clients) belongs to the endpoint on the container's first network.
        if let mac = config.MacAddress, !mac.isEmpty, let primary = mode.primaryNetwork {
            var settings = networking?.EndpointsConfig?[primary] ?? EndpointSettings()
            if settings.MacAddress?.isEmpty ?? true { settings.MacAddress = mac }
            var all = networking ?? NetworkingConfig()
            all.EndpointsConfig = (all.EndpointsConfig ?? [:]).merging([primary: settings]) { $1 }
            networking = all
            config.MacAddress = nil
        }
        if case .container(let reference) = mode {
            let other = try find(reference)
            mode = .container(other.id)
            // Joined containers share the other's network and, as with dockerd, show its hostname.
            if request.config.Hostname?.isEmpty ?? true { config.Hostname = other.config.Hostname }
            return (mode, networking)
        }
        guard let networks else { return (mode, networking) }
        try await networks.validate(mode: mode, endpointsConfig: networking?.EndpointsConfig ?? [:])
        if mode == .host, request.config.Hostname?.isEmpty ?? true {
            var buffer = [CChar](repeating: 0, count: 256)
            if gethostname(&buffer, buffer.count) == 0 { config.Hostname = String(cString: buffer) }
        }
        return (mode, networking)
    }

    func networkRequest(_ record: ContainerRecord) throws -> ContainerNetworkRequest {
        var mode = record.primaryDisconnected == true ? NetworkMode.none : record.networkMode
        var joined: String?
        if case .container(let reference) = mode {
            let other = try find(reference)
            guard other.state.Running else { throw NetworkError.joinNotRunning(other.id) }
            mode = .container(other.id)
            joined = paths(other.id).directory
        }
        var exposed = Array((record.config.ExposedPorts ?? [:]).keys)
        exposed += (record.hostConfig.PortBindings ?? [:]).keys.filter { !exposed.contains($0) }
        return .init(id: record.id, name: record.name, hostname: record.config.Hostname ?? String(record.id.prefix(12)),
                     directory: paths(record.id).directory, mode: mode,
                     endpointsConfig: record.networkingConfig?.EndpointsConfig ?? [:],
                     ports: record.hostConfig.PortBindings ?? [:], exposed: exposed,
                     publishAll: record.hostConfig.PublishAllPorts ?? false, joinedDirectory: joined,
                     extraHosts: record.hostConfig.ExtraHosts ?? [],
                     dns: SandboxFiles.DNSSettings(servers: record.hostConfig.Dns ?? [],
                                                   search: record.hostConfig.DnsSearch ?? [],
                                                   options: record.hostConfig.DnsOptions ?? []))
    }

    /// Builds the sandbox before the process starts; nil without a network store (loopback only).
    func prepareNetwork(_ record: ContainerRecord) async throws -> (NetworkJoin, [BindFile])? {
        guard let networks else { return nil }
        var request = try networkRequest(record)
        request.linkLines = try await linkPlan(record).hostLines
        return try await networks.prepare(request)
    }

    /// `docker network connect`: recorded in the container's settings, plugged in now when it runs.
    func connect(_ reference: String, network: String, settings: EndpointSettings) async throws {
        guard let networks else { throw APIError.notImplemented("networks are not available") }
        var record = try find(reference)
        let target = try await networks.find(network)
        let mode = record.networkMode
        switch mode {
        case .host, .none, .container: throw Self.sharesNamespace
        case .bridge, .network: break
        }
        var config = record.networkingConfig ?? NetworkingConfig()
        var endpoints = config.EndpointsConfig ?? [:]
        let primary = mode.names(networkName: target.name, id: target.id)
        let reconnecting = primary && record.primaryDisconnected == true
        if !reconnecting, endpoints[target.name] != nil || primary {
            if record.state.Running || endpoints[target.name] != nil {
                throw NetworkError.alreadyConnected(container: record.name, network: target.name)
            }
        }
        try await networks.validate(mode: .network(target.name), endpointsConfig: [target.name: settings])
        if record.state.Running {
            try await networks.connectRunning(try networkRequest(record), network: target.id, settings: settings)
        }
        if reconnecting { record.primaryDisconnected = nil }
        endpoints[target.name] = settings
        config.EndpointsConfig = endpoints
        record.networkingConfig = config
        save(record)
    }

    static var sharesNamespace: APIError {
        APIError(.forbidden, "container sharing network namespace with another container or host cannot be connected to any other network")
    }

    /// `docker network disconnect`.
    func disconnect(_ reference: String, network: String) async throws {
        guard let networks else { throw APIError.notImplemented("networks are not available") }
        var record = try find(reference)
        let target = try await networks.find(network)
        let namedByMode = record.networkMode.names(networkName: target.name, id: target.id)
            && record.primaryDisconnected != true
        var config = record.networkingConfig ?? NetworkingConfig()
        var endpoints = config.EndpointsConfig ?? [:]
        let configured = endpoints[target.name] != nil || namedByMode
        if record.state.Running {
            try await networks.disconnectRunning(containerID: record.id, name: record.name, network: target.id)
        } else if !configured {
            throw NetworkError.notConnected(container: record.name, network: target.name)
        }
        endpoints.removeValue(forKey: target.name)
        config.EndpointsConfig = endpoints
        record.networkingConfig = config
        if namedByMode { record.primaryDisconnected = true }
        save(record)
    }

    /// `NetworkSettings` of `docker inspect`.
    func networkSettings(_ record: ContainerRecord) async -> ContainerNetworkSettings {
        let mode = record.networkMode
        var settings = ContainerNetworkSettings(
            Bridge: "", SandboxID: "", SandboxKey: "", HairpinMode: false, LinkLocalIPv6Address: "",
            LinkLocalIPv6PrefixLen: 0, Ports: [:], EndpointID: "", Gateway: "", GlobalIPv6Address: "",
            GlobalIPv6PrefixLen: 0, IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "", MacAddress: "", Networks: [:])
        guard let networks else { return settings }
        let live = record.state.Running ? await networks.endpoints(of: record.id) : []
        if record.state.Running, mode.ownsSandbox {
            let box = await networks.sandbox(record.id)
            settings.SandboxID = box.key
            settings.SandboxKey = box.path
        }
        var names: [String] = []
        switch mode {
        case .container: break
        case .none, .host, .bridge, .network:
            if record.primaryDisconnected != true { names = [mode.primaryNetwork ?? mode.text] }
        }
        let configured = record.networkingConfig?.EndpointsConfig ?? [:]
        names += configured.keys.filter { !names.contains($0) }.sorted()
        for name in names {
            guard let network = try? await networks.find(name) else { continue }
            var entry = configured[name] ?? EndpointSettings()
            entry.GwPriority = entry.GwPriority ?? 0
            entry.NetworkID = network.id
            entry.EndpointID = ""
            entry.Gateway = ""
            entry.IPAddress = ""
            entry.IPPrefixLen = 0
            entry.MacAddress = configured[name]?.MacAddress ?? ""  // the one asked for, until the endpoint exists
            entry.IPv6Gateway = ""
            entry.GlobalIPv6Address = ""
            entry.GlobalIPv6PrefixLen = 0
            if network.resolvesNames {
                // dockerd keeps the short ID among a user network's aliases once the container has run there; a
                // container that is not running shows it too (docker-py reads it right after a short run).
                let short = String(record.id.prefix(12))
                var aliases = entry.Aliases ?? []
                if !aliases.contains(short) { aliases.append(short) }
                entry.Aliases = aliases
            }
            if let e = live.first(where: { $0.networkID == network.id }), let pool = network.pool {
                entry.EndpointID = e.id
                entry.Gateway = pool.gateway.description
                entry.IPAddress = e.address.description
                entry.IPPrefixLen = pool.subnet.prefix
                entry.MacAddress = e.mac
                if let address6 = e.address6, let pool6 = network.activePool6 {
                    entry.GlobalIPv6Address = address6.description
                    entry.GlobalIPv6PrefixLen = pool6.subnet.prefix
                    entry.IPv6Gateway = pool6.gateway.description
                }
                if network.resolvesNames {
                    entry.DNSNames = [record.name] + e.aliases
                    entry.Aliases = e.aliases  // dockerd 20.10: the configured aliases and the short ID
                }
                if network.name == "bridge" || settings.IPAddress.isEmpty {
                    settings.EndpointID = e.id
                    settings.Gateway = entry.Gateway ?? ""
                    settings.IPAddress = entry.IPAddress ?? ""
                    settings.IPPrefixLen = pool.subnet.prefix
                    settings.MacAddress = e.mac
                    settings.GlobalIPv6Address = entry.GlobalIPv6Address ?? ""
                    settings.GlobalIPv6PrefixLen = entry.GlobalIPv6PrefixLen ?? 0
                    settings.IPv6Gateway = entry.IPv6Gateway ?? ""
                }
            }
            settings.Networks[network.name] = entry
        }
        var exposed = Array((record.config.ExposedPorts ?? [:]).keys)
        exposed += (record.hostConfig.PortBindings ?? [:]).keys.filter { !exposed.contains($0) }
        if record.state.Running {
            let mappings = live.flatMap(\.ports)
            for port in exposed {
                let key = port.contains("/") ? port : port + "/tcp"
                let bound = mappings.filter { "\($0.containerPort)/\($0.proto)" == key }
                settings.Ports[key] = bound.isEmpty ? nil : bound.map {
                    PortBinding(HostIp: $0.hostIP.isEmpty ? "0.0.0.0" : $0.hostIP, HostPort: String($0.hostPort))
                }
                if bound.isEmpty { settings.Ports.updateValue(nil, forKey: key) }
            }
        }
        return settings
    }

    /// `Ports` of `docker ps`.
    func portSummaries(_ record: ContainerRecord) async -> [PortSummary] {
        guard let networks, record.state.Running else { return [] }
        return await networks.endpoints(of: record.id).flatMap(\.ports).map {
            PortSummary(IP: $0.hostIP.isEmpty ? "0.0.0.0" : $0.hostIP, PrivatePort: $0.containerPort,
                        PublicPort: $0.hostPort, Type: $0.proto)
        }
    }
}
