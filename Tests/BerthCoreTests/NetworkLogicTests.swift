import Testing
@testable import BerthCore

@Suite struct IPAMTests {
    func net(_ s: String) -> IPv4Network { try! IPv4Network(parsing: s) }

    @Test func defaultsGatewayAndAllocatesInOrder() throws {
        let pool = try IPv4Pool(subnet: net("172.20.0.0/16"))
        #expect(pool.gateway.description == "172.20.0.1")
        let first = try pool.allocate(requested: nil, taken: [])
        #expect(first.description == "172.20.0.2")
        let second = try pool.allocate(requested: nil, taken: [first])
        #expect(second.description == "172.20.0.3")
    }

    @Test func rangeLimitsDynamicButNotStaticAddresses() throws {
        let pool = try IPv4Pool(subnet: net("10.5.0.0/16"), range: net("10.5.1.0/24"), gateway: IPv4Address("10.5.0.254"))
        #expect(try pool.allocate(requested: nil, taken: []).description == "10.5.1.1")
        #expect(try pool.allocate(requested: IPv4Address("10.5.7.7"), taken: []).description == "10.5.7.7")
    }

    @Test func refusesBadInput() throws {
        #expect(throws: IPv4Pool.Failure.gatewayOutsideSubnet(IPv4Address("10.6.0.1")!)) {
            try IPv4Pool(subnet: net("10.5.0.0/16"), gateway: IPv4Address("10.6.0.1"))
        }
        #expect(throws: IPv4Pool.Failure.rangeOutsideSubnet(net("10.9.0.0/24"))) {
            try IPv4Pool(subnet: net("10.5.0.0/16"), range: net("10.9.0.0/24"))
        }
        let pool = try IPv4Pool(subnet: net("10.5.0.0/24"))
        #expect(throws: IPv4Pool.Failure.overlaps(net("10.5.0.0/16"))) { try pool.checkOverlap(with: [net("10.5.0.0/16")]) }
        #expect(throws: IPv4Pool.Failure.addressOutside(IPv4Address("10.9.9.9")!)) {
            try pool.allocate(requested: IPv4Address("10.9.9.9"), taken: [])
        }
        #expect(throws: IPv4Pool.Failure.addressInUse(IPv4Address("10.5.0.9")!)) {
            try pool.allocate(requested: IPv4Address("10.5.0.9"), taken: [IPv4Address("10.5.0.9")!])
        }
        #expect(throws: IPv4Pool.Failure.addressInUse(IPv4Address("10.5.0.1")!)) {
            try pool.allocate(requested: IPv4Address("10.5.0.1"), taken: [])
        }
        let tiny = try IPv4Pool(subnet: net("10.5.0.0/30"))
        #expect(throws: IPv4Pool.Failure.exhausted(net("10.5.0.0/30"))) {
            try tiny.allocate(requested: nil, taken: [IPv4Address("10.5.0.2")!])
        }
    }

    @Test func defaultPoolsSkipUsedOnes() {
        #expect(IPv4Pool.defaultSubnet(avoiding: [net("172.17.0.0/16")])?.description == "172.18.0.0/16")
        #expect(IPv4Pool.defaultSubnet(avoiding: [net("172.16.0.0/12")])?.description == "192.168.0.0/20")
    }

    @Test func macFollowsDocker() {
        #expect(IPv4Pool.macAddress(for: IPv4Address("172.17.0.2")!) == "02:42:ac:11:00:02")
    }
}

@Suite struct DNSMessageTests {
    /// A query for `web`, type A, ID 0x1234, recursion desired, as busybox nslookup sends it.
    static let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x03, 0x77, 0x65, 0x62, 0x00, 0x00, 0x01, 0x00, 0x01]

    @Test func parsesRecordedQuery() throws {
        let q = try #require(DNSQuery(Self.query))
        #expect(q.id == 0x1234 && q.name == "web" && q.type == 1 && q.qclass == 1)
        #expect(DNSQuery.encode(id: 0x1234, name: "web") == Self.query)
    }

    @Test func answersWithARecord() throws {
        let q = try #require(DNSQuery(Self.query))
        let answer = q.response(addresses: [IPv4Address("172.18.0.2")!])
        #expect(answer == [0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                           0x03, 0x77, 0x65, 0x62, 0x00, 0x00, 0x01, 0x00, 0x01,
                           0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x58, 0x00, 0x04, 172, 18, 0, 2])
    }

    @Test func unknownNameIsNXDomainAndAAAAIsEmpty() throws {
        let q = try #require(DNSQuery(Self.query))
        let nx = q.response(addresses: nil)
        #expect(nx[3] & 0x0f == 3 && nx[7] == 0)
        let aaaa = try #require(DNSQuery(DNSQuery.encode(id: 7, name: "Web", type: DNSQuery.typeAAAA)))
        #expect(aaaa.name == "web")
        let empty = aaaa.response(addresses: [IPv4Address("172.18.0.2")!])
        #expect(empty[3] & 0x0f == 0 && empty[7] == 0)
    }

    @Test func answersAAAAWithIPv6Addresses() throws {
        let aaaa = try #require(DNSQuery(DNSQuery.encode(id: 9, name: "web", type: DNSQuery.typeAAAA)))
        let answer = aaaa.response(addresses: [IPv4Address("172.18.0.2")!], addresses6: [IPv6Address("2001:db8::2")!])
        #expect(answer[7] == 1)  // one answer
        // name pointer, type 28, class 1, TTL 600, length 16, the address
        #expect(Array(answer.suffix(28)) == [0xC0, 0x0C, 0x00, 0x1C, 0x00, 0x01, 0x00, 0x00, 0x02, 0x58, 0x00, 0x10,
                                             0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
        // an A question of the same name gets only the IPv4 address
        let a = try #require(DNSQuery(DNSQuery.encode(id: 9, name: "web")))
        #expect(a.response(addresses: [IPv4Address("172.18.0.2")!], addresses6: [IPv6Address("2001:db8::2")!]).suffix(4)
                == [172, 18, 0, 2])
    }

    @Test func rejectsGarbage() {
        #expect(DNSQuery([1, 2, 3]) == nil)
        #expect(DNSQuery(Array(Self.query.prefix(15))) == nil)
    }
}

@Suite struct SandboxFileTests {
    @Test func resolvConfUsesEmbeddedServerOrHostServers() {
        let host = "nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch lab\noptions edns0\n"
        #expect(SandboxFiles.resolvConf(hostResolvConf: host, embeddedServer: nil)
            == "nameserver 10.0.0.2\nsearch lab\noptions edns0\n")
        #expect(SandboxFiles.resolvConf(hostResolvConf: host, embeddedServer: IPv4Address("172.18.0.1"))
            .contains("nameserver 172.18.0.1\nsearch lab"))
    }

    /// `--dns`, `--dns-search`, `--dns-option` replace what they name; `--dns-search .` clears the search list.
    @Test func resolvConfTakesTheContainersDNSOptions() {
        let host = "nameserver 10.0.0.2\nsearch lab\noptions edns0\n"
        let dns = SandboxFiles.DNSSettings(servers: ["10.9.9.9", "10.9.9.8"], search: ["a.test"], options: ["ndots:2"])
        #expect(SandboxFiles.resolvConf(hostResolvConf: host, embeddedServer: nil, dns: dns)
            == "nameserver 10.9.9.9\nnameserver 10.9.9.8\nsearch a.test\noptions ndots:2\n")
        #expect(SandboxFiles.resolvConf(hostResolvConf: host, embeddedServer: nil, dns: .init(search: ["."]))
            == "nameserver 10.0.0.2\noptions edns0\n")
        #expect(SandboxFiles.resolvConf(hostResolvConf: host, embeddedServer: IPv4Address("172.18.0.1"),
                                        dns: .init(servers: ["10.9.9.9"])).contains("nameserver 172.18.0.1\nsearch lab"))
    }

    /// `--add-host`: IPv4, IPv6 (also bracketed), `NAME=ADDRESS`, host-gateway; dockerd's words for a bad address.
    @Test(arguments: [
        ("db:10.1.2.3", "10.1.2.3\tdb"), ("v6:2001:db8::1", "2001:db8::1\tv6"), ("v6:[::1]", "::1\tv6"),
        ("eq=10.0.0.1", "10.0.0.1\teq"), ("gw:host-gateway", "172.17.0.1\tgw"),
        ("full:2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1\tfull"), ("mapped:::ffff:10.0.0.1", "::ffff:10.0.0.1\tmapped"),
    ])
    func extraHosts(entry: String, line: String) throws {
        #expect(try SandboxFiles.extraHostLine(entry, gateway: IPv4Address("172.17.0.1")) == line)
    }

    @Test(arguments: ["db:1.2.3", "db:", ":10.0.0.1", "db", "x:2001:db8:::1", "x:1:2:3:4:5:6:7:8:9", "x:12345::1", "x:g::1"])
    func badExtraHosts(entry: String) {
        #expect(throws: BerthError.self) { try SandboxFiles.extraHostLine(entry) }
    }

    @Test func hostsListsOwnAddress() {
        let hosts = SandboxFiles.hosts(hostname: "abc", addresses: [IPv4Address("172.17.0.2")!])
        #expect(hosts.hasPrefix("127.0.0.1\tlocalhost\n") && hosts.hasSuffix("172.17.0.2\tabc\n"))
    }
}

@Suite struct FirewallRuleTests {
    @Test func rulesAreTaggedAndDeletable() throws {
        let mapping = PortMapping(proto: "tcp", hostIP: "", hostPort: 8080, containerIP: IPv4Address("172.17.0.2")!,
                                  containerPort: 80)
        let rules = FirewallRules.port(mapping)
        #expect(rules.allSatisfy { $0.suffix(4) == ArraySlice(FirewallRules.tag) })
        #expect(rules[0] == ["-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-p", "tcp",
                             "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80"] + FirewallRules.tag)
        #expect(FirewallRules.deletion(rules[0])[2] == "-D")
        let net = try IPv4Network(parsing: "172.17.0.0/16")
        let internalRules = FirewallRules.network(bridge: "br-x", subnet: net, isInternal: true, bridgePrefixes: [])
        #expect(!internalRules.contains { $0.contains("MASQUERADE") })
    }

    @Test func findsOwnRulesInListing() {
        let listing = """
        -P PREROUTING ACCEPT
        -A PREROUTING -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 8080 -m comment --comment berth -j DNAT --to-destination 172.17.0.2:80
        -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:80 -m comment --comment other
        -A POSTROUTING -s 172.17.0.0/16 ! -o berth0 -m comment --comment berth -j MASQUERADE
        """
        let deletions = FirewallRules.ownedRuleDeletions(table: "nat", listing: listing)
        #expect(deletions.count == 2)
        #expect(deletions[1] == ["-t", "nat", "-D", "POSTROUTING", "-s", "172.17.0.0/16", "!", "-o", "berth0", "-m",
                                 "comment", "--comment", "berth", "-j", "MASQUERADE"])
    }
}

/// Bind propagation as dockerd checks it against the source's mount.
@Suite struct MountPropagationTests {
    static let mountinfo = """
        53 52 254:0 / / rw,relatime - ext4 /dev/vda rw
        73 53 0:50 / /srv/shared rw,relatime shared:3 - tmpfs t rw
        74 53 0:51 / /srv/slave rw,relatime master:3 - tmpfs t rw
        75 53 0:52 / /srv/with\\040space rw,relatime shared:4 master:1 - tmpfs t rw
        """

    @Test func parsesPropagationFields() {
        let entries = MountPropagation.parse(Self.mountinfo)
        #expect(entries.map(\.mountPoint) == ["/", "/srv/shared", "/srv/slave", "/srv/with space"])
        #expect(entries.map(\.shared) == [false, true, false, true])
        #expect(entries.map(\.slave) == [false, false, true, true])
        #expect(MountPropagation.mount(of: "/srv/shared/a/b", in: entries)?.mountPoint == "/srv/shared")
        #expect(MountPropagation.mount(of: "/srv/sharedx", in: entries)?.mountPoint == "/")
    }

    @Test func dockerdsChecks() {
        let entries = MountPropagation.parse(Self.mountinfo)
        #expect(MountPropagation.problem(source: "/tmp/x", mode: "rslave", entries: entries)
            == "path /tmp/x is mounted on / but it is not a shared or slave mount")
        #expect(MountPropagation.problem(source: "/tmp/x", mode: "rshared", entries: entries)
            == "path /tmp/x is mounted on / but it is not a shared mount")
        #expect(MountPropagation.problem(source: "/srv/slave/d", mode: "rshared", entries: entries)
            == "path /srv/slave/d is mounted on /srv/slave but it is not a shared mount")
        #expect(MountPropagation.problem(source: "/srv/slave/d", mode: "rslave", entries: entries) == nil)
        #expect(MountPropagation.problem(source: "/srv/shared", mode: "rshared", entries: entries) == nil)
        #expect(MountPropagation.problem(source: "/tmp/x", mode: "rprivate", entries: entries) == nil)
    }
}
