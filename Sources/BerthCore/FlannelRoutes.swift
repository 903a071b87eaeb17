/// What flanneld's backends program for the other hosts' leases, as entries on the host: for vxlan, a neighbour
/// and a forwarding entry for the remote VTEP on `flannel.<VNI>` and an onlink route to the remote subnet through
/// the remote network address; for host-gw, a route to the remote subnet via the remote host's public IP.
public enum FlannelRoutes {
    /// The entries for `leases` (subnet -> lease), leaving out this host's own `own` lease and leases of another
    /// backend or without VTEP data.
    public static func entries(config: FlannelConfig, leases: [IPv4Network: FlannelLease],
                               own: IPv4Network?) -> Set<TunnelEntry> {
        var wanted = Set<TunnelEntry>()
        for (subnet, lease) in leases where subnet != own && lease.backendType == config.backend.type {
            switch config.backend.type {
            case "vxlan":
                guard let mac = lease.vtepMAC else { continue }
                wanted.insert(.neighbour(ip: subnet.address, mac: mac))
                wanted.insert(.forwarding(mac: mac, vtep: lease.publicIP))
                wanted.insert(.route(subnet: subnet, via: subnet.address, onlink: true))
            default:
                wanted.insert(.route(subnet: subnet, via: lease.publicIP, onlink: false))
            }
        }
        return wanted
    }

    /// host-gw needs every remote host on the same link: flanneld refuses a lease whose PublicIP is not in one of
    /// the host's directly connected networks with this error.
    public static func checkHostGateway(lease: FlannelLease, connected: [IPv4Network]) throws {
        guard connected.contains(where: { $0.contains(lease.publicIP) }) else {
            throw BerthError.invalidArgument(
                "host-gw: the route to \(lease.publicIP) is not on a directly connected network; "
                + "the host-gw backend needs all hosts on the same link")
        }
    }
}
