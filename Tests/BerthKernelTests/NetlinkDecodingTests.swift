import BerthCore
import BerthKernel
import Testing

/// The decoder reads the kernel's RTM_NEW* messages, which have the layout of the requests iproute2 sent
/// (``Recorded``); error and done messages are built from linux/netlink.h.
@Suite struct NetlinkDecodingTests {
    func object(_ bytes: [UInt8]) throws -> NetlinkObject? {
        let messages = try NetlinkMessage.split(bytes[...])
        #expect(messages.count == 1)
        return NetlinkObject.decode(messages[0])
    }

    @Test func vethWithPeer() throws {
        guard case .link(let l)? = try object(Recorded.addVeth) else { Issue.record("no link"); return }
        #expect(l.name == "bkv0" && l.kind == "veth" && l.mtu == 1400 && !l.isUp)
    }

    @Test func vxlan() throws {
        guard case .link(let l)? = try object(Recorded.addVXLAN) else { Issue.record("no link"); return }
        #expect(l.kind == "vxlan")
        #expect(l.vxlan == VXLANOptions(id: 42, local: IPv4Address("172.30.0.1"), port: 4789, learning: false,
                                        parent: .index(2)))
    }

    @Test func macvlan() throws {
        guard case .link(let l)? = try object(Recorded.addMacvlan) else { Issue.record("no link"); return }
        #expect(l.kind == "macvlan" && l.macvlanMode == .bridge && l.parent == 2)
    }

    @Test func addressRouteNeighbourFDB() throws {
        #expect(try object(Recorded.addAddress) == .address(InterfaceAddress(
            address: IPv4Address("172.30.0.1")!, prefix: 16, device: .index(2))))
        #expect(try object(Recorded.replaceRoute) == .route(IPv4Route(
            destination: try IPv4Network(parsing: "10.9.0.0/24"), gateway: IPv4Address("10.9.0.2"), device: .index(4),
            onlink: true, scope: .universe)))
        #expect(try object(Recorded.addDefaultRoute) == .route(IPv4Route(
            gateway: IPv4Address("172.30.0.1"), device: .index(2), onlink: true, scope: .universe)))
        let mac = MACAddress("02:42:0a:09:00:02")!
        #expect(try object(Recorded.replaceNeighbour) == .neighbour(Neighbour(
            address: IPv4Address("10.9.0.2")!, lladdr: mac, device: .index(4))))
        #expect(try object(Recorded.replaceFDB) == .fdb(FDBEntry(
            lladdr: mac, device: .index(4), destination: IPv4Address("172.30.0.9"))))
    }

    /// struct nlmsgerr { int error; struct nlmsghdr msg; } then, with NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG.
    @Test func errorWithExtendedAck() throws {
        var w = NetlinkWriter(type: RTNL.NLMSG_ERROR, flags: 0x100 | RTNL.NLM_F_ACK_TLVS, sequence: 7)
        w.i32(-17)
        // The capped echo of the request's header.
        w.u32(60); w.u16(RTNL.RTM_NEWLINK); w.u16(0x605); w.u32(7); w.u32(0)
        w.attribute(RTNL.NLMSGERR_ATTR_MSG, string: "Device exists")
        let m = try NetlinkMessage.split(w.finish()[...])[0]
        let (code, text) = try m.errorReply()
        #expect(code == -17 && text == "Device exists")
    }

    @Test func severalMessagesInOneDatagram() throws {
        var done = NetlinkWriter(type: RTNL.NLMSG_DONE, flags: RTNL.NLM_F_MULTI, sequence: Recorded.sequence)
        done.i32(0)
        let datagram = Recorded.addAddress + Recorded.addBridge + done.finish()
        let messages = try NetlinkMessage.split(datagram[...])
        #expect(messages.map(\.type) == [RTNL.RTM_NEWADDR, RTNL.RTM_NEWLINK, RTNL.NLMSG_DONE])
    }

    @Test func truncatedMessageIsAnError() {
        #expect(throws: NetlinkError.self) { try NetlinkMessage.split(Recorded.addBridge.dropLast(8)) }
    }

    @Test func macAddresses() {
        #expect(MACAddress("02:42:AC:11:00:02")?.description == "02:42:ac:11:00:02")
        #expect(MACAddress("02:42:ac:11:00") == nil)
        #expect(MACAddress("zz:42:ac:11:00:02") == nil)
    }
}
