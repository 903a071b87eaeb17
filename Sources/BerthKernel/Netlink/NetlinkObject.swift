import BerthCore

/// What a kernel answer carries: one object per RTM_NEW* message.
public enum NetlinkObject: Sendable, Equatable {
    case link(Link)
    case address(InterfaceAddress)
    case route(IPv4Route)
    case neighbour(Neighbour)
    case fdb(FDBEntry)

    /// Decodes one message; nil for what Berth does not read (IPv6 addresses and routes, other families). Pure.
    public static func decode(_ m: NetlinkMessage) -> NetlinkObject? {
        let p = m.payload[...]
        switch m.type {
        case RTNL.RTM_NEWLINK:
            guard p.count >= 16 else { return nil }
            let index = Int32(bitPattern: Bytes.u32(p, 4))
            let a = NetlinkAttributes(p[16...])
            var link = Link(index: index, name: a.string(RTNL.IFLA_IFNAME) ?? "", flags: Bytes.u32(p, 8))
            link.mtu = a.u32(RTNL.IFLA_MTU).map(Int.init)
            link.address = a[RTNL.IFLA_ADDRESS].flatMap { MACAddress(bytes: $0) }
            link.master = a.u32(RTNL.IFLA_MASTER).map { Int32(bitPattern: $0) }
            link.parent = a.u32(RTNL.IFLA_LINK).map { Int32(bitPattern: $0) }
            if let info = a.nested(RTNL.IFLA_LINKINFO) {
                link.kind = info.string(RTNL.IFLA_INFO_KIND)
                let data = info.nested(RTNL.IFLA_INFO_DATA)
                if link.kind == "vxlan", let data, let id = data.u32(RTNL.IFLA_VXLAN_ID) {
                    link.vxlan = VXLANOptions(
                        id: id, local: data[RTNL.IFLA_VXLAN_LOCAL].flatMap { IPv4Address(networkBytes: $0) },
                        port: data.be16(RTNL.IFLA_VXLAN_PORT), learning: data.u8(RTNL.IFLA_VXLAN_LEARNING) != 0,
                        parent: data.u32(RTNL.IFLA_VXLAN_LINK).map { .index(Int32(bitPattern: $0)) },
                        proxy: (data.u8(RTNL.IFLA_VXLAN_PROXY) ?? 0) != 0)
                }
                if link.kind == "macvlan", let mode = data?.u32(RTNL.IFLA_MACVLAN_MODE) {
                    link.macvlanMode = MacvlanMode(rawValue: mode)
                }
            }
            return .link(link)

        case RTNL.RTM_NEWADDR:
            guard p.count >= 8, p[p.startIndex] == RTNL.AF_INET else { return nil }
            let a = NetlinkAttributes(p[8...])
            guard let bytes = a[RTNL.IFA_LOCAL] ?? a[RTNL.IFA_ADDRESS], let address = IPv4Address(networkBytes: bytes)
            else { return nil }
            return .address(InterfaceAddress(address: address, prefix: Int(p[1]),
                                              device: .index(Int32(bitPattern: Bytes.u32(p, 4))),
                                              label: a.string(RTNL.IFA_LABEL)))

        case RTNL.RTM_NEWROUTE:
            guard p.count >= 12, p[0] == RTNL.AF_INET else { return nil }
            let a = NetlinkAttributes(p[12...])
            let table = a.u32(RTNL.RTA_TABLE).map { UInt8(truncatingIfNeeded: $0) } ?? p[4]
            let destination = a[RTNL.RTA_DST].flatMap { IPv4Address(networkBytes: $0) }
                .map { IPv4Network(address: $0, prefix: Int(p[1])) }
            return .route(IPv4Route(
                destination: destination, gateway: a[RTNL.RTA_GATEWAY].flatMap { IPv4Address(networkBytes: $0) },
                device: a.u32(RTNL.RTA_OIF).map { .index(Int32(bitPattern: $0)) },
                onlink: Bytes.u32(p, 8) & RTNL.RTNH_F_ONLINK != 0, scope: RouteScope(rawValue: p[6]), table: table,
                preferredSource: a[RTNL.RTA_PREFSRC].flatMap { IPv4Address(networkBytes: $0) },
                metric: a.u32(RTNL.RTA_PRIORITY), protocolID: p[5]))

        case RTNL.RTM_NEWNEIGH:
            guard p.count >= 12 else { return nil }
            let index = Int32(bitPattern: Bytes.u32(p, 4))
            let state = Bytes.u16(p, 8)
            let a = NetlinkAttributes(p[12...])
            let lladdr = a[RTNL.NDA_LLADDR].flatMap { MACAddress(bytes: $0) }
            let dst = a[RTNL.NDA_DST].flatMap { IPv4Address(networkBytes: $0) }
            if p[0] == RTNL.AF_BRIDGE {
                guard let lladdr else { return nil }
                return .fdb(FDBEntry(lladdr: lladdr, device: .index(index), destination: dst, flags: p[10],
                                     state: state))
            }
            guard p[0] == RTNL.AF_INET, let dst else { return nil }
            return .neighbour(Neighbour(address: dst, lladdr: lladdr, device: .index(index), state: state))

        default:
            return nil
        }
    }
}
