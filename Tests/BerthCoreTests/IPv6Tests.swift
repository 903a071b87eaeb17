import BerthCore
import Testing

/// IPv6 text as RFC 4291 reads it and RFC 5952 writes it, networks, and dockerd's allocation order.
@Suite struct IPv6Tests {
    @Test(arguments: [
        ("2001:db8::1", "2001:db8::1"), ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"), ("::1", "::1"), ("fe80::", "fe80::"), ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"), ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ])
    func roundTrips(text: String, canonical: String) throws {
        let a = try #require(IPv6Address(text))
        #expect(a.description == canonical)
        #expect(IPv6Address(bytes: a.bytes) == a)
    }

    @Test(arguments: ["", "1", "1.2.3.4", "2001:db8:::1", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7"])
    func refuses(text: String) { #expect(IPv6Address(text) == nil) }

    @Test func networks() throws {
        let n = try IPv6Network(parsing: "2001:db8:1::/64")
        #expect(n.contains(IPv6Address("2001:db8:1::ffff")!))
        #expect(!n.contains(IPv6Address("2001:db8:2::1")!))
        #expect(throws: BerthError.self) { try IPv6Network(parsing: "2001:db8:1::1/64") }
        #expect(try IPv6Network(parsing: "2001:db8:1::1/64", strict: false).description == "2001:db8:1::/64")
        #expect(try IPv6Network(parsing: "2001:db8::/32").overlaps(n))
        #expect(try IPv6Network(parsing: "2001:db8:1:8000::/65").description == "2001:db8:1:8000::/65")
    }

    @Test func allocatesAfterTheGateway() throws {
        let pool = try IPv6Pool(subnet: IPv6Network(parsing: "2001:db8:1::/64"))
        #expect(pool.gateway.description == "2001:db8:1::1" && !pool.gatewayGiven)
        let first = try pool.allocate(requested: nil, taken: [])
        #expect(first.description == "2001:db8:1::2")
        #expect(try pool.allocate(requested: nil, taken: [first]).description == "2001:db8:1::3")
        #expect(try pool.allocate(requested: IPv6Address("2001:db8:1::99"), taken: [first]).description == "2001:db8:1::99")
        #expect(throws: BerthError.self) { try pool.allocate(requested: IPv6Address("2001:db8:2::9"), taken: []) }
        #expect(throws: (any Error).self) { try IPv6Pool(subnet: IPv6Network(parsing: "2001:db8:1::/64"), gateway: IPv6Address("2001:db8:9::1")) }
    }
}
