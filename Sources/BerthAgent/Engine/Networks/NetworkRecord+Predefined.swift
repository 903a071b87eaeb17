import BerthCore
import BerthRuntime

/// The three networks every engine has (`bridge`, `host`, `none`) and the default bridge's settings.
extension NetworkRecord {
    /// The predefined network names and their drivers.
    static let predefinedNetworks: [(name: String, driver: String)] = [("bridge", "bridge"), ("host", "host"),
                                                                       ("none", "null")]

    static func predefined(name: String, driver: String) -> NetworkRecord {
        NetworkRecord(id: EngineNaming.randomID(), name: name, driver: driver, created: Timestamp.now(), pool: nil,
                      bridge: nil, mtu: nil, internal: false, userSubnet: false, predefined: true, labels: [:],
                      options: [:])
    }

    /// Applies dockerd's `--bip` (gateway address with prefix), `--mtu` and `--bridge` to the default bridge.
    mutating func configureDefaultBridge(bridge: String, bip: String?, mtu: Int?) {
        var pool = try? IPv4Pool(subnet: IPv4Network(parsing: "172.17.0.0/16"))
        if let bip, let slash = bip.firstIndex(of: "/"), let gw = IPv4Address(String(bip[..<slash])),
           let prefix = Int(bip[bip.index(after: slash)...]) {
            pool = try? IPv4Pool(subnet: IPv4Network(address: gw, prefix: prefix), gateway: gw)
        }
        self.pool = pool
        self.bridge = bridge
        self.mtu = mtu
        options = ["com.docker.network.bridge.default_bridge": "true",
                   "com.docker.network.bridge.enable_icc": "true",
                   "com.docker.network.bridge.enable_ip_masquerade": "true",
                   "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
                   "com.docker.network.bridge.name": bridge,
                   "com.docker.network.driver.mtu": String(mtu ?? 1500)]
    }
}
