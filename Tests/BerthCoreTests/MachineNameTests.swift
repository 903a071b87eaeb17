import BerthCore
import Foundation
import Testing

@Suite struct MachineNameTests {
    @Test(arguments: ["lab1", "a", "Web-01.example", "0abc", "x.y-z"])
    func valid(_ name: String) { #expect(MachineName.isValid(name)) }

    @Test(arguments: ["", "-lead", ".dot", "under_score", "sp ace", "ünïcode", "semi;colon", "slash/x"])
    func invalid(_ name: String) {
        #expect(!MachineName.isValid(name))
        #expect(throws: BerthError.self) { try MachineName.validate(name) }
    }
}

@Suite struct IPv4Tests {
    @Test func parsesAndPrints() throws {
        #expect(IPv4Address("10.213.47.2")?.description == "10.213.47.2")
        #expect(IPv4Address("256.1.1.1") == nil)
        #expect(IPv4Address("1.2.3") == nil)
        #expect(IPv4Address("01.2.3.4.5") == nil)
        let n = try IPv4Network(parsing: "10.213.47.0/24")
        #expect(n.firstHost.description == "10.213.47.1")
        #expect(n.lastHost.description == "10.213.47.254")
        #expect(n.broadcast.description == "10.213.47.255")
        #expect(n.netmask.description == "255.255.255.0")
        #expect(n.contains(IPv4Address("10.213.47.99")!))
        #expect(!n.contains(IPv4Address("10.213.48.1")!))
    }

    @Test(arguments: ["10.0.0.1/24", "10.0.0.0/33", "10.0.0.0", "x/8", "10.0.0.0/-1"])
    func rejectsBadCIDR(_ text: String) {
        #expect(throws: BerthError.self) { try IPv4Network(parsing: text) }
    }

    @Test func overlapAndAllocation() throws {
        let a = try IPv4Network(parsing: "10.1.0.0/16"), b = try IPv4Network(parsing: "10.1.5.0/24")
        let c = try IPv4Network(parsing: "10.2.0.0/24")
        #expect(a.overlaps(b) && b.overlaps(a))
        #expect(!a.overlaps(c))
        let n = try IPv4Network(parsing: "192.168.9.0/29")
        var taken: Set<IPv4Address> = []
        var got: [String] = []
        while let ip = n.firstFree(excluding: taken) { taken.insert(ip); got.append(ip.description) }
        #expect(got == (2...6).map { "192.168.9.\($0)" })
    }
}

@Suite struct MachineRecordTests {
    @Test func roundTripsAndKeepsRelativePaths() throws {
        var r = MachineRecord(name: "lab1", driverName: "lab", driver: .object(["Netns": .string("berthlab-lab1")]),
                              engine: EngineOptions(labels: ["a=b"]), ssh: SSHSettings(ipAddress: "10.0.0.2", keyPath: "machines/lab1/id_ed25519"))
        r.provision = ProvisionInfo(osID: "debian", osName: "Debian", initSystem: "none", agentVersion: "v1")
        let data = try r.encoded()
        let back = try MachineRecord.decode(data)
        #expect(back.name == r.name && back.driver == r.driver && back.ssh == r.ssh && back.provision == r.provision)
        #expect(r.url == "tcp://10.0.0.2:2376")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"ConfigVersion\" : 1"))
        #expect(text.contains("\"KeyPath\" : \"machines/lab1/id_ed25519\""))
    }

    @Test func refusesNewerConfigVersions() {
        let json = #"{"ConfigVersion":99,"Name":"x","DriverName":"lab","Driver":{},"EngineOptions":{"Port":2376,"Labels":[],"ArbitraryFlags":[],"Env":[]},"SSH":{"IPAddress":"1.2.3.4","Port":22,"User":"root"},"CreatedAt":"2026-01-01T00:00:00Z"}"#
        #expect(throws: BerthError.self) { try MachineRecord.decode(Data(json.utf8)) }
    }

    @Test func storeLayoutRelativeAndAbsolute() {
        let l = StoreLayout(root: "/s/")
        #expect(l.root == "/s")
        #expect(l.relative("/s/machines/a/key") == "machines/a/key")
        #expect(l.relative("/elsewhere/key") == "/elsewhere/key")
        #expect(l.absolute("machines/a/key") == "/s/machines/a/key")
        #expect(l.absolute("/abs") == "/abs")
    }
}
