import BerthCore
import Testing

/// The Engine API's `filters` in both forms, and IPv6 ranges.
@Suite struct FilterArgsTests {
    @Test func bothFormsReadAlike() throws {
        let map = try FilterArgs(json: #"{"name":{"web":true,"db":true},"dangling":{"false":false}}"#)
        let list = try FilterArgs(json: #"{"name":["web","db"]}"#)
        #expect(map["name"] == ["db", "web"])
        #expect(list["name"] == ["db", "web"])
        #expect(map["dangling"] == [])  // a value set to false is no value
        #expect(try FilterArgs(json: nil) == FilterArgs())
        #expect(try FilterArgs(json: "") == FilterArgs())
        #expect(throws: FilterArgsError.malformed("{nope")) { try FilterArgs(json: "{nope") }
    }

    @Test func unknownKeysAndAlternatives() throws {
        let f = try FilterArgs(json: #"{"id":["abc","def"],"zzz":["1"]}"#)
        #expect(f.unknownKey(among: ["id", "name"]) == "zzz")
        #expect(f.allows("id") { "def012".hasPrefix($0) })
        #expect(!f.allows("id") { "999".hasPrefix($0) })
        #expect(f.allows("name") { _ in false })  // absent key: no constraint
    }

    @Test func ipv6RangeBoundsAllocation() throws {
        let subnet = try IPv6Network(parsing: "2001:389::/64", strict: false)
        let range = try IPv6Network(parsing: "2001:389::1:0/112", strict: false)
        let pool = try IPv6Pool(subnet: subnet, gateway: IPv6Address("2001:389::ffff"), range: range)
        #expect(try pool.allocate(requested: nil, taken: []).description == "2001:389::1:0")
        // a requested address need only be in the subnet
        #expect(try pool.allocate(requested: IPv6Address("2001:389::f00d"), taken: []).description == "2001:389::f00d")
        let whole = try IPv6Pool(subnet: subnet, range: try IPv6Network(parsing: "2001:389::/96", strict: false))
        #expect(try whole.allocate(requested: nil, taken: []).description == "2001:389::2")  // ::1 is the gateway
        #expect(throws: (any Error).self) {
            _ = try IPv6Pool(subnet: subnet, range: try IPv6Network(parsing: "2001:db8::/96", strict: false))
        }
    }
}
