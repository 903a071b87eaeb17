import Testing
@testable import BerthCore

@Suite struct EndpointAllocatorTests {
    let address = IPv4Address("10.88.0.2")!
    typealias Binding = EndpointAllocator.HostBinding
    typealias Port = EndpointAllocator.HostPort

    @Test func addressesComeFromThePoolSkippingTakenOnes() throws {
        let pool = try IPv4Pool(subnet: IPv4Network(parsing: "10.88.0.0/24"))
        let taken: Set = [IPv4Address("10.88.0.2")!, IPv4Address("10.88.0.3")!]
        #expect(try EndpointAllocator.address(in: pool, requested: nil, taken: taken).description == "10.88.0.4")
        #expect(try EndpointAllocator.address(in: pool, requested: IPv4Address("10.88.0.77"), taken: taken)
            .description == "10.88.0.77")
        #expect(throws: IPv4Pool.Failure.addressInUse(IPv4Address("10.88.0.3")!)) {
            try EndpointAllocator.address(in: pool, requested: IPv4Address("10.88.0.3"), taken: taken)
        }
    }

    @Test func interfacesAndNames() {
        #expect(EndpointAllocator.interface(used: []) == "eth0")
        #expect(EndpointAllocator.interface(used: ["eth0", "eth2"]) == "eth1")
        #expect(EndpointAllocator.hostVeth(endpointID: "0123456789abcdef") == "veth0123456")
        #expect(EndpointAllocator.mac(for: address) == "02:42:0a:58:00:02")
    }

    @Test func fixedAndDynamicHostPorts() throws {
        // In key order; a dynamic port is the lowest free one for its protocol.
        let mappings = try EndpointAllocator.ports(
            ["80/tcp": [Binding(hostPort: 8080)], "53/udp": [Binding(hostIP: "127.0.0.1")], "443": [Binding()]],
            address: address, inUse: [Port(proto: "tcp", port: 32768)])
        #expect(mappings == [
            PortMapping(proto: "tcp", hostIP: "", hostPort: 32769, containerIP: address, containerPort: 443),
            PortMapping(proto: "udp", hostIP: "127.0.0.1", hostPort: 32768, containerIP: address, containerPort: 53),
            PortMapping(proto: "tcp", hostIP: "", hostPort: 8080, containerIP: address, containerPort: 80),
        ])
    }

    @Test func publishAllAddsExposedPortsWithoutBindings() throws {
        let mappings = try EndpointAllocator.ports(["80/tcp": [Binding(hostPort: 9000)]],
                                                   exposed: ["80/tcp", "8443/tcp"], publishAll: true,
                                                   address: address, inUse: [])
        #expect(mappings.map(\.hostPort) == [9000, 32768])
        #expect(mappings.map(\.containerPort) == [80, 8443])
        #expect(try EndpointAllocator.ports([:], exposed: ["80/tcp"], publishAll: false, address: address,
                                            inUse: []).isEmpty)
    }

    @Test func refusesTakenPortsBadKeysAndAFullRange() {
        #expect(throws: EndpointAllocator.Failure.portAllocated(8080)) {
            try EndpointAllocator.ports(["80/tcp": [Binding(hostPort: 8080)]], address: address,
                                        inUse: [Port(proto: "tcp", port: 8080)])
        }
        #expect(throws: EndpointAllocator.Failure.portAllocated(8080)) {
            try EndpointAllocator.ports(["80/tcp": [Binding(hostPort: 8080)], "81/tcp": [Binding(hostPort: 8080)]],
                                        address: address, inUse: [])
        }
        // The same port number on another protocol is free.
        #expect((try? EndpointAllocator.ports(["53/udp": [Binding(hostPort: 8080)]], address: address,
                                              inUse: [Port(proto: "tcp", port: 8080)]))?.count == 1)
        #expect(throws: EndpointAllocator.Failure.invalidPort("http/tcp")) {
            try EndpointAllocator.ports(["http/tcp": [Binding()]], address: address, inUse: [])
        }
        let full = Set(EndpointAllocator.dynamicPorts.map { Port(proto: "tcp", port: $0) })
        #expect(throws: EndpointAllocator.Failure.noFreePort) {
            try EndpointAllocator.ports(["80/tcp": [Binding()]], address: address, inUse: full)
        }
        #expect(EndpointAllocator.Failure.portAllocated(80).description
            == "Bind for 0.0.0.0:80 failed: port is already allocated")
    }
}
