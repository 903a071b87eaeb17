/// The rtnetlink constants Berth uses, from the kernel's uapi headers (linux/netlink.h, linux/rtnetlink.h,
/// linux/if_link.h, linux/if_addr.h, linux/neighbour.h, linux/veth.h). Values are ABI and never change.
public enum RTNL {
    // linux/netlink.h
    public static let NETLINK_ROUTE: Int32 = 0
    public static let SOL_NETLINK: Int32 = 270
    public static let NETLINK_CAP_ACK: Int32 = 10
    public static let NETLINK_EXT_ACK: Int32 = 11

    public static let NLMSG_NOOP: UInt16 = 1
    public static let NLMSG_ERROR: UInt16 = 2
    public static let NLMSG_DONE: UInt16 = 3

    public static let NLM_F_REQUEST: UInt16 = 0x1
    public static let NLM_F_MULTI: UInt16 = 0x2
    public static let NLM_F_ACK: UInt16 = 0x4
    public static let NLM_F_DUMP_INTR: UInt16 = 0x10
    public static let NLM_F_DUMP: UInt16 = 0x300
    public static let NLM_F_REPLACE: UInt16 = 0x100
    public static let NLM_F_EXCL: UInt16 = 0x200
    public static let NLM_F_CREATE: UInt16 = 0x400
    public static let NLM_F_APPEND: UInt16 = 0x800
    /// On an NLMSG_ERROR: extended-ack attributes follow the (capped) original header.
    public static let NLM_F_ACK_TLVS: UInt16 = 0x200
    public static let NLMSGERR_ATTR_MSG: UInt16 = 1

    // linux/rtnetlink.h message types
    public static let RTM_NEWLINK: UInt16 = 16
    public static let RTM_DELLINK: UInt16 = 17
    public static let RTM_GETLINK: UInt16 = 18
    public static let RTM_NEWADDR: UInt16 = 20
    public static let RTM_DELADDR: UInt16 = 21
    public static let RTM_GETADDR: UInt16 = 22
    public static let RTM_NEWROUTE: UInt16 = 24
    public static let RTM_DELROUTE: UInt16 = 25
    public static let RTM_GETROUTE: UInt16 = 26
    public static let RTM_NEWNEIGH: UInt16 = 28
    public static let RTM_DELNEIGH: UInt16 = 29
    public static let RTM_GETNEIGH: UInt16 = 30

    // address families
    public static let AF_UNSPEC: UInt8 = 0
    public static let AF_INET: UInt8 = 2
    public static let AF_INET6: UInt8 = 10
    public static let AF_BRIDGE: UInt8 = 7

    // net/if.h
    public static let IFF_UP: UInt32 = 0x1
    public static let IFF_PROMISC: UInt32 = 0x100

    // linux/if_link.h
    public static let IFLA_ADDRESS: UInt16 = 1
    public static let IFLA_IFNAME: UInt16 = 3
    public static let IFLA_MTU: UInt16 = 4
    public static let IFLA_LINK: UInt16 = 5
    public static let IFLA_MASTER: UInt16 = 10
    public static let IFLA_OPERSTATE: UInt16 = 16
    public static let IFLA_LINKINFO: UInt16 = 18
    public static let IFLA_NET_NS_FD: UInt16 = 28
    public static let IFLA_EXT_MASK: UInt16 = 29
    public static let IFLA_INFO_KIND: UInt16 = 1
    public static let IFLA_INFO_DATA: UInt16 = 2
    public static let VETH_INFO_PEER: UInt16 = 1
    public static let IFLA_VXLAN_ID: UInt16 = 1
    public static let IFLA_VXLAN_LINK: UInt16 = 3
    public static let IFLA_VXLAN_LOCAL: UInt16 = 4
    public static let IFLA_VXLAN_LEARNING: UInt16 = 7
    public static let IFLA_VXLAN_PROXY: UInt16 = 11
    public static let IFLA_VXLAN_PORT: UInt16 = 15
    public static let IFLA_MACVLAN_MODE: UInt16 = 1
    public static let IFLA_VLAN_ID: UInt16 = 1
    /// RTEXT_FILTER_VF, what `ip` asks for on a link lookup.
    public static let RTEXT_FILTER_VF: UInt32 = 1

    // linux/if_addr.h
    public static let IFA_ADDRESS: UInt16 = 1
    public static let IFA_LOCAL: UInt16 = 2
    public static let IFA_LABEL: UInt16 = 3
    public static let IFA_FLAGS: UInt16 = 8
    public static let IFA_F_NODAD: UInt32 = 0x02

    // linux/rtnetlink.h routes
    public static let RTA_DST: UInt16 = 1
    public static let RTA_OIF: UInt16 = 4
    public static let RTA_GATEWAY: UInt16 = 5
    public static let RTA_PRIORITY: UInt16 = 6
    public static let RTA_PREFSRC: UInt16 = 7
    public static let RTA_TABLE: UInt16 = 15
    public static let RT_TABLE_MAIN: UInt8 = 254
    public static let RTPROT_KERNEL: UInt8 = 2
    public static let RTPROT_BOOT: UInt8 = 3
    public static let RTN_UNICAST: UInt8 = 1
    public static let RTNH_F_ONLINK: UInt32 = 4

    // linux/neighbour.h
    public static let NDA_DST: UInt16 = 1
    public static let NDA_LLADDR: UInt16 = 2
    public static let NDA_MASTER: UInt16 = 9
    public static let NUD_NOARP: UInt16 = 0x40
    public static let NUD_PERMANENT: UInt16 = 0x80
    public static let NTF_SELF: UInt8 = 0x02
    public static let NTF_MASTER: UInt8 = 0x04
}
