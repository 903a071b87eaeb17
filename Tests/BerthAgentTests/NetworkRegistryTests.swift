import Foundation
@testable import BerthAgent
import BerthCore
import Logging
import Testing

@Suite struct NetworkRegistryTests {
    static func temporaryDirectory() -> String {
        let path = "/tmp/berth-netreg-" + EngineNaming.randomID().prefix(12)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ name: String, id: String = EngineNaming.randomID(), subnet: String = "10.77.0.0/24")
        -> NetworkRecord {
        NetworkRecord(id: id, name: name, driver: "bridge", created: "2026-01-01T00:00:00Z",
                      pool: try? IPv4Pool(subnet: IPv4Network(parsing: subnet)), bridge: "br-" + id.prefix(12),
                      mtu: nil, internal: false, userSubnet: true, predefined: false, labels: ["a": "b"], options: [:])
    }

    static func endpoint(_ container: String, network: String, address: String, ports: [PortMapping] = [])
        -> EndpointRecord {
        EndpointRecord(id: EngineNaming.randomID(), networkID: network, containerID: container, containerName: "c",
                       interface: "eth0", hostVeth: "vethx", address: IPv4Address(address)!, mac: "02:42:00:00:00:00",
                       aliases: [], ports: ports)
    }

    @Test func networksPersistAndAreFoundByIDNameOrPrefix() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var registry = NetworkRegistry(directory: dir)
        registry.load()
        let a = Self.record("alpha", id: "aa11" + EngineNaming.randomID().dropFirst(4))
        let b = Self.record("beta", id: "aa22" + EngineNaming.randomID().dropFirst(4), subnet: "10.78.0.0/24")
        try registry.save(a)
        try registry.save(b)

        var reloaded = NetworkRegistry(directory: dir)
        reloaded.load()
        #expect(reloaded.networks == [a.id: a, b.id: b])
        #expect(try reloaded.find("alpha") == a)
        #expect(try reloaded.find(b.id) == b)
        #expect(try reloaded.find("aa2") == b)
        #expect(throws: NetworkError.self) { try reloaded.find("aa") }  // ambiguous prefix
        #expect(throws: NetworkError.self) { try reloaded.find("gamma") }
        #expect(Set(reloaded.subnets.map(\.description)) == ["10.77.0.0/24", "10.78.0.0/24"])

        reloaded.remove(network: a.id)
        var again = NetworkRegistry(directory: dir)
        again.load()
        #expect(Array(again.networks.keys) == [b.id])
        // Atomic writes leave no temporary files beside the records.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["\(b.id).json", "endpoints"])
    }

    @Test func endpointsPersistPerContainerAndFeedTheAllocator() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var registry = NetworkRegistry(directory: dir)
        registry.load()
        let mapping = PortMapping(proto: "tcp", hostIP: "", hostPort: 8080, containerIP: IPv4Address("10.77.0.2")!,
                                  containerPort: 80)
        try registry.setEndpoints([Self.endpoint("c1", network: "n1", address: "10.77.0.2", ports: [mapping])], of: "c1")
        try registry.setEndpoints([Self.endpoint("c2", network: "n1", address: "10.77.0.3"),
                                   Self.endpoint("c2", network: "n2", address: "10.78.0.2")], of: "c2")

        var reloaded = NetworkRegistry(directory: dir)
        reloaded.load()
        #expect(reloaded.endpoints(of: "c2").map(\.networkID) == ["n1", "n2"])
        #expect(reloaded.takenAddresses(on: "n1") == [IPv4Address("10.77.0.2")!, IPv4Address("10.77.0.3")!])
        #expect(reloaded.publishedPorts == [EndpointAllocator.HostPort(proto: "tcp", port: 8080)])
        #expect(reloaded.hasEndpoints(on: "n2") && !reloaded.hasEndpoints(on: "n3"))

        try reloaded.setEndpoints([], of: "c1")
        #expect(!FileManager.default.fileExists(atPath: dir + "/endpoints/c1.json"))
        var again = NetworkRegistry(directory: dir)
        again.load()
        #expect(Array(again.endpoints.keys) == ["c2"])
    }

    @Test func skipsFilesThatDoNotDecodeAndReadsRecordsWithoutAScope() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/endpoints", withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        // A record as agents wrote it before networks had a scope.
        let old = #"{"created":"2026-01-01T00:00:00Z","driver":"bridge","id":"0123","internal":false,"labels":{},"# +
            #""name":"old","options":{},"predefined":false,"userSubnet":false}"#
        try Data(old.utf8).write(to: URL(fileURLWithPath: dir + "/0123.json"))
        var registry = NetworkRegistry(directory: dir)
        registry.load()
        #expect(registry.networks.count == 1)
        let record = try registry.find("old")
        #expect(record.scope == nil)
        #expect(NetworkResource(record, endpoints: []).Scope == "local")
    }

    @Test func aWriteThatCannotHappenThrowsAndChangesNothing() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file where the directory should be.
        let blocked = dir + "/blocked"
        try Data().write(to: URL(fileURLWithPath: blocked))
        var registry = NetworkRegistry(directory: blocked)
        #expect(throws: NetworkRegistry.WriteError.self) { try registry.save(Self.record("x")) }
        #expect(registry.networks.isEmpty)
    }
}

/// A driver that programs nothing: the store's decisions are checked without root.
final class RecordingDriver: NetworkDriver, @unchecked Sendable {
    var name: String { "recording" }
    /// Local: a global driver's networks go through the cluster store (see OverlayStoreTests).
    var scope: NetworkScope { .local }
    private let lock = NSLock()
    private var _calls: [String] = []
    var calls: [String] {
        lock.lock()
        defer { lock.unlock() }
        return _calls
    }
    private func note(_ call: String) {
        lock.lock()
        defer { lock.unlock() }
        _calls.append(call)
    }

    func createNetwork(_ network: NetworkRecord, allBridges: [String]) throws { note("create \(network.name)") }
    func deleteNetwork(_ network: NetworkRecord) throws { note("delete \(network.name)") }
    func join(_ network: NetworkRecord, endpoint: EndpointRecord, sandbox: Sandbox) throws { note("join") }
    func leave(_ network: NetworkRecord, endpoint: EndpointRecord) { note("leave") }
    func restore(_ network: NetworkRecord, endpoint: EndpointRecord) throws { note("restore") }
}

@Suite struct NetworkStoreDriverTests {
    @Test func registeredDriversMakeNetworksWithTheirScope() async throws {
        let dir = NetworkRegistryTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let driver = RecordingDriver()
        let store = NetworkStore(dataRoot: dir, execRoot: dir + "/exec", logger: Logger(label: "test"),
                                 bridge: "berth-test0", bip: nil, mtu: nil, drivers: NetworkDriverRegistry([driver]))
        var request = try JSONDecoder().decode(NetworkCreateRequest.self, from: Data(#"{"Name":"n1"}"#.utf8))
        request.Driver = "recording"
        let id = try await store.create(request)
        let shown = try await store.inspect("n1")
        #expect(shown.Id == id && shown.Driver == "recording" && shown.Scope == "local")
        #expect(shown.IPAM.Config?.first?.Subnet == "172.18.0.0/16")
        request.Driver = "overlay"
        request.Name = "n2"
        let unknown = request
        await #expect(throws: NetworkError.self) { try await store.create(unknown) }
        try await store.remove("n1")
        #expect(driver.calls == ["create n1", "delete n1"])
        let names = await store.list().map(\.Name)
        #expect(names == ["bridge", "host", "none"])
    }
}
