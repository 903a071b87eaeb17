import BerthCore

/// What `docker network ls/inspect` show of a network.
extension NetworkResource {
    init(_ record: NetworkRecord, endpoints: [EndpointRecord]) {
        var containers: [String: Endpoint] = [:]
        for e in endpoints where e.networkID == record.id {
            containers[e.containerID] = .init(Name: e.containerName, EndpointID: e.id, MacAddress: e.mac,
                                              IPv4Address: "\(e.address)/\(record.pool?.subnet.prefix ?? 32)",
                                              IPv6Address: e.address6.map { "\($0)/\(record.pool6?.subnet.prefix ?? 128)" } ?? "")
        }
        let config = record.pool.map { pool -> [IPAMPoolConfig] in
            [IPAMPoolConfig(Subnet: pool.subnet.description, IPRange: pool.range?.description,
                            Gateway: pool.gateway.description,
                            AuxiliaryAddresses: record.auxiliary.map { $0.mapValues(\.description) })]
        } ?? []
        let config6 = record.pool6.map { pool in
            [IPAMPoolConfig(Subnet: pool.subnet.description, IPRange: pool.range?.description,
                            Gateway: pool.gatewayGiven ? pool.gateway.description : nil, AuxiliaryAddresses: nil)]
        } ?? []
        // dockerd shows an overlay's VNI among its options.
        var options = record.options
        if let vni = record.vni { options["com.docker.network.driver.overlay.vxlanid_list"] = String(vni) }
        self.init(
            Name: record.name, Id: record.id, Created: record.created, Scope: (record.scope ?? .local).rawValue,
            Driver: record.driver, EnableIPv4: true, EnableIPv6: record.enableIPv6 ?? false,
            IPAM: IPAMSettings(Driver: "default", Options: nil, Config: config + config6),
            Internal: record.internal, Attachable: record.attachable ?? false, Ingress: false, ConfigFrom: .init(Network: ""),
            ConfigOnly: false, Containers: containers, Options: options, Labels: record.labels)
    }
}
