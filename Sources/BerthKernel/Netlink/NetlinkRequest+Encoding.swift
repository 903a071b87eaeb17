import BerthCore

extension NetlinkRequest {
    /// The request as bytes, attributes in the order iproute2 6.1 sends them (so recorded `ip` traffic is the
    /// test oracle). Names become indices and namespaces descriptors through `context`. Pure apart from `context`.
    public func encode(sequence: UInt32, context: NetlinkContext) throws -> [UInt8] {
        let ack = RTNL.NLM_F_REQUEST | RTNL.NLM_F_ACK
        let create = ack | RTNL.NLM_F_CREATE | RTNL.NLM_F_EXCL
        let replace = ack | RTNL.NLM_F_CREATE | RTNL.NLM_F_REPLACE
        let dump = RTNL.NLM_F_REQUEST | RTNL.NLM_F_DUMP
        switch self {
        case .addLink(let spec):
            var w = NetlinkWriter(type: RTNL.RTM_NEWLINK, flags: create, sequence: sequence)
            w.ifinfomsg(index: 0, up: spec.up ? true : nil)
            try Self.linkAttributes(&w, mtu: spec.mtu, address: spec.address, master: spec.master,
                                    namespace: spec.namespace, parent: Self.parent(of: spec.kind), name: spec.name,
                                    context: context)
            try w.nestThrowing(RTNL.IFLA_LINKINFO) { info in
                // Without the NUL, as iproute2 sends it.
                info.attribute(RTNL.IFLA_INFO_KIND, Array(spec.kind.kernelName.utf8))
                switch spec.kind {
                case .bridge:
                    break
                case .veth(let peer):
                    try info.nestThrowing(RTNL.IFLA_INFO_DATA) { data in
                        try data.nestThrowing(RTNL.VETH_INFO_PEER) { p in
                            p.ifinfomsg(index: 0, up: nil)
                            try Self.linkAttributes(&p, mtu: peer.mtu, address: peer.address, master: nil,
                                                    namespace: peer.namespace, parent: nil, name: peer.name,
                                                    context: context)
                        }
                    }
                case .vxlan(let o):
                    try info.nestThrowing(RTNL.IFLA_INFO_DATA) { data in
                        if let parent = o.parent { data.attribute(RTNL.IFLA_VXLAN_LINK, u32: UInt32(try context.index(parent))) }
                        data.attribute(RTNL.IFLA_VXLAN_ID, u32: o.id)
                        if let local = o.local { data.attribute(RTNL.IFLA_VXLAN_LOCAL, local.networkBytes) }
                        data.attribute(RTNL.IFLA_VXLAN_LEARNING, u8: o.learning ? 1 : 0)
                        if let port = o.port { data.attribute(RTNL.IFLA_VXLAN_PORT, be16: port) }
                        if o.proxy { data.attribute(RTNL.IFLA_VXLAN_PROXY, u8: 1) }
                    }
                case .macvlan(let mode, _):
                    info.nest(RTNL.IFLA_INFO_DATA) { $0.attribute(RTNL.IFLA_MACVLAN_MODE, u32: mode.rawValue) }
                case .vlan(let id, _):
                    info.nest(RTNL.IFLA_INFO_DATA) { $0.attribute(RTNL.IFLA_VLAN_ID, u16: id) }
                }
            }
            return w.finish()

        case .setLink(let link, let change):
            var w = NetlinkWriter(type: RTNL.RTM_NEWLINK, flags: ack, sequence: sequence)
            w.ifinfomsg(index: try context.index(link), up: change.up, promiscuous: change.promiscuous)
            try Self.linkAttributes(&w, mtu: change.mtu, address: change.address, master: change.master,
                                    namespace: change.namespace, parent: nil, name: change.name, context: context)
            return w.finish()

        case .deleteLink(let link):
            var w = NetlinkWriter(type: RTNL.RTM_DELLINK, flags: ack, sequence: sequence)
            Self.linkByReference(&w, link)
            return w.finish()

        case .getLink(let link):
            var w = NetlinkWriter(type: RTNL.RTM_GETLINK, flags: RTNL.NLM_F_REQUEST, sequence: sequence)
            if case .index(let i) = link {
                w.ifinfomsg(index: i, up: nil)
                w.attribute(RTNL.IFLA_EXT_MASK, u32: 9)
            } else {
                w.ifinfomsg(index: 0, up: nil)
                w.attribute(RTNL.IFLA_EXT_MASK, u32: 9) // RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS, as ip sends
                w.attribute(RTNL.IFLA_IFNAME, string: link.description)
            }
            return w.finish()

        case .listLinks:
            var w = NetlinkWriter(type: RTNL.RTM_GETLINK, flags: dump, sequence: sequence)
            w.ifinfomsg(index: 0, up: nil)
            w.attribute(RTNL.IFLA_EXT_MASK, u32: RTNL.RTEXT_FILTER_VF)
            return w.finish()

        case .addAddress(let a, let isReplace):
            return try Self.address(RTNL.RTM_NEWADDR, isReplace ? replace : create, a, sequence, context)
        case .deleteAddress(let a):
            return try Self.address(RTNL.RTM_DELADDR, ack, a, sequence, context)
        case .listAddresses:
            var w = NetlinkWriter(type: RTNL.RTM_GETADDR, flags: dump, sequence: sequence)
            w.ifaddrmsg(prefix: 0, index: 0)
            return w.finish()

        case .addAddress6(let a):
            // as `ip -6 addr add A/P dev D nodad`: the flag fits in ifaddrmsg's eight bits, so no IFA_FLAGS
            var w = NetlinkWriter(type: RTNL.RTM_NEWADDR, flags: create, sequence: sequence)
            w.ifaddrmsg(prefix: UInt8(a.prefix), index: try context.index(a.device), family: RTNL.AF_INET6,
                        flags: a.noDAD ? UInt8(RTNL.IFA_F_NODAD) : 0)
            w.attribute(RTNL.IFA_LOCAL, a.address.bytes)
            w.attribute(RTNL.IFA_ADDRESS, a.address.bytes)
            return w.finish()
        case .addRoute6(let r):
            var w = NetlinkWriter(type: RTNL.RTM_NEWROUTE, flags: create, sequence: sequence)
            w.rtmsg(IPv4Route(), dstLength: UInt8(r.destination?.prefix ?? 0), table: RTNL.RT_TABLE_MAIN,
                    protocolID: RTNL.RTPROT_BOOT, scope: .universe, type: RTNL.RTN_UNICAST, family: RTNL.AF_INET6)
            // `ip -6 route add default` names the destination `::/0`
            w.attribute(RTNL.RTA_DST, (r.destination?.address ?? IPv6Address(high: 0, low: 0)).bytes)
            if let g = r.gateway { w.attribute(RTNL.RTA_GATEWAY, g.bytes) }
            if let dev = r.device { w.attribute(RTNL.RTA_OIF, u32: UInt32(bitPattern: try context.index(dev))) }
            return w.finish()
        case .addRoute(let r, let isReplace):
            return try Self.route(RTNL.RTM_NEWROUTE, isReplace ? replace : create, r, sequence, context)
        case .deleteRoute(let r):
            return try Self.route(RTNL.RTM_DELROUTE, ack, r, sequence, context)
        case .listRoutes:
            var w = NetlinkWriter(type: RTNL.RTM_GETROUTE, flags: dump, sequence: sequence)
            w.rtmsg(IPv4Route(), dstLength: 0, table: 0, protocolID: 0, scope: .universe, type: 0)
            return w.finish()

        case .replaceNeighbour(let n):
            return try Self.neighbour(RTNL.RTM_NEWNEIGH, replace, n, sequence, context)
        case .deleteNeighbour(let n):
            return try Self.neighbour(RTNL.RTM_DELNEIGH, ack, n, sequence, context)
        case .listNeighbours:
            var w = NetlinkWriter(type: RTNL.RTM_GETNEIGH, flags: dump, sequence: sequence)
            w.ndmsg(family: RTNL.AF_INET, index: 0, state: 0, flags: 0)
            return w.finish()

        case .replaceFDB(let e):
            return try Self.fdb(RTNL.RTM_NEWNEIGH, replace, e, sequence, context)
        case .deleteFDB(let e):
            return try Self.fdb(RTNL.RTM_DELNEIGH, ack, e, sequence, context)
        case .listFDB:
            var w = NetlinkWriter(type: RTNL.RTM_GETNEIGH, flags: dump, sequence: sequence)
            w.ndmsg(family: RTNL.AF_BRIDGE, index: 0, state: 0, flags: 0)
            return w.finish()
        }
    }

    static func parent(of kind: LinkKind) -> LinkReference? {
        switch kind {
        case .macvlan(_, let parent), .vlan(_, let parent): return parent
        default: return nil
        }
    }

    /// Link attributes in iproute2's order: mtu, address, master, netns, link (parent), name.
    static func linkAttributes(_ w: inout NetlinkWriter, mtu: Int?, address: MACAddress?, master: LinkReference?,
                               namespace: NetworkNamespace?, parent: LinkReference?, name: String?,
                               context: NetlinkContext) throws {
        if let mtu { w.attribute(RTNL.IFLA_MTU, u32: UInt32(mtu)) }
        if let address { w.attribute(RTNL.IFLA_ADDRESS, address.bytes) }
        if let master {
            w.attribute(RTNL.IFLA_MASTER, u32: UInt32(bitPattern: master == .index(0) ? 0 : try context.index(master)))
        }
        if let namespace { w.attribute(RTNL.IFLA_NET_NS_FD, u32: UInt32(bitPattern: try context.namespaceFD(namespace))) }
        if let parent { w.attribute(RTNL.IFLA_LINK, u32: UInt32(bitPattern: try context.index(parent))) }
        if let name { w.attribute(RTNL.IFLA_IFNAME, string: name) }
    }

    /// Deletion and lookup need no index: the kernel finds a link by `IFLA_IFNAME` too.
    static func linkByReference(_ w: inout NetlinkWriter, _ link: LinkReference) {
        switch link {
        case .index(let i):
            w.ifinfomsg(index: i, up: nil)
        case .name(let n):
            w.ifinfomsg(index: 0, up: nil)
            w.attribute(RTNL.IFLA_IFNAME, string: n)
        }
    }

    static func address(_ type: UInt16, _ flags: UInt16, _ a: InterfaceAddress, _ sequence: UInt32,
                        _ context: NetlinkContext) throws -> [UInt8] {
        var w = NetlinkWriter(type: type, flags: flags, sequence: sequence)
        w.ifaddrmsg(prefix: UInt8(a.prefix), index: try context.index(a.device))
        w.attribute(RTNL.IFA_LOCAL, a.address.networkBytes)
        w.attribute(RTNL.IFA_ADDRESS, a.address.networkBytes)
        if let label = a.label { w.attribute(RTNL.IFA_LABEL, string: label) }
        return w.finish()
    }

    static func route(_ type: UInt16, _ flags: UInt16, _ r: IPv4Route, _ sequence: UInt32,
                      _ context: NetlinkContext) throws -> [UInt8] {
        var w = NetlinkWriter(type: type, flags: flags, sequence: sequence)
        w.rtmsg(r, dstLength: UInt8(r.destination?.prefix ?? 0), table: r.table, protocolID: r.protocolID,
                scope: r.effectiveScope, type: RTNL.RTN_UNICAST)
        if let d = r.destination { w.attribute(RTNL.RTA_DST, d.address.networkBytes) }
        if let src = r.preferredSource { w.attribute(RTNL.RTA_PREFSRC, src.networkBytes) }
        if let metric = r.metric { w.attribute(RTNL.RTA_PRIORITY, u32: metric) }
        if let g = r.gateway { w.attribute(RTNL.RTA_GATEWAY, g.networkBytes) }
        if let dev = r.device { w.attribute(RTNL.RTA_OIF, u32: UInt32(bitPattern: try context.index(dev))) }
        return w.finish()
    }

    static func neighbour(_ type: UInt16, _ flags: UInt16, _ n: Neighbour, _ sequence: UInt32,
                          _ context: NetlinkContext) throws -> [UInt8] {
        var w = NetlinkWriter(type: type, flags: flags, sequence: sequence)
        w.ndmsg(family: RTNL.AF_INET, index: try context.index(n.device), state: n.state, flags: 0)
        w.attribute(RTNL.NDA_DST, n.address.networkBytes)
        if let ll = n.lladdr { w.attribute(RTNL.NDA_LLADDR, ll.bytes) }
        return w.finish()
    }

    static func fdb(_ type: UInt16, _ flags: UInt16, _ e: FDBEntry, _ sequence: UInt32,
                    _ context: NetlinkContext) throws -> [UInt8] {
        var w = NetlinkWriter(type: type, flags: flags, sequence: sequence)
        w.ndmsg(family: RTNL.AF_BRIDGE, index: try context.index(e.device), state: e.state, flags: e.flags)
        w.attribute(RTNL.NDA_LLADDR, e.lladdr.bytes)
        if let dst = e.destination { w.attribute(RTNL.NDA_DST, dst.networkBytes) }
        return w.finish()
    }
}

extension NetlinkWriter {
    /// `struct ifinfomsg`: family, type, index, flags and change (IFF_UP only when `up` is set).
    mutating func ifinfomsg(index: Int32, up: Bool?, promiscuous: Bool? = nil) {
        u8(RTNL.AF_UNSPEC)
        u8(0)
        u16(0)
        i32(index)
        u32((up == true ? RTNL.IFF_UP : 0) | (promiscuous == true ? RTNL.IFF_PROMISC : 0))
        u32((up == nil ? 0 : RTNL.IFF_UP) | (promiscuous == nil ? 0 : RTNL.IFF_PROMISC))
    }

    /// `struct ifaddrmsg` for IPv4.
    mutating func ifaddrmsg(prefix: UInt8, index: Int32, family: UInt8 = RTNL.AF_INET, flags: UInt8 = 0) {
        u8(family)
        u8(prefix)
        u8(flags)
        u8(0)
        i32(index)
    }

    /// `struct rtmsg` (IPv4 unless `family` says otherwise).
    mutating func rtmsg(_ r: IPv4Route, dstLength: UInt8, table: UInt8, protocolID: UInt8, scope: RouteScope, type: UInt8,
                        family: UInt8 = RTNL.AF_INET) {
        u8(family)
        u8(dstLength)
        u8(0)
        u8(0)
        u8(table)
        u8(protocolID)
        u8(scope.rawValue)
        u8(type)
        u32(r.onlink ? RTNL.RTNH_F_ONLINK : 0)
    }

    /// `struct ndmsg`.
    mutating func ndmsg(family: UInt8, index: Int32, state: UInt16, flags: UInt8) {
        u8(family)
        u8(0)
        u16(0)
        i32(index)
        u16(state)
        u8(flags)
        u8(0)
    }

    /// ``nest(_:_:)`` for a body that may throw.
    mutating func nestThrowing(_ type: UInt16, _ body: (inout NetlinkWriter) throws -> Void) throws {
        var failure: Error?
        nest(type) { w in
            do { try body(&w) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

extension IPv4Address {
    /// The four octets in network order.
    public var networkBytes: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    public init?(networkBytes b: [UInt8]) {
        guard b.count == 4 else { return nil }
        self.init(UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3]))
    }
}
