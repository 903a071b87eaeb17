#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import BerthCore

@Suite struct NetworkModeTests {
    @Test(arguments: [
        (nil, NetworkMode.bridge), ("", .bridge), ("default", .bridge), ("bridge", .bridge), ("none", .none),
        ("host", .host), ("container:web", .container("web")), ("mynet", .network("mynet")),
    ] as [(String?, NetworkMode)])
    func parsesDockersSpellings(text: String?, mode: NetworkMode) {
        #expect(NetworkMode(parsing: text) == mode)
    }

    @Test func printsDockersSpelling() {
        #expect(NetworkMode.bridge.text == "bridge")
        #expect(NetworkMode.container("abc").text == "container:abc")
        #expect(NetworkMode.network("n1").text == "n1")
    }

    @Test func decodesTheStringOldRecordsHoldAndEncodesItBack() throws {
        struct Holder: Codable, Equatable { var NetworkMode: BerthCore.NetworkMode? }
        let old = #"{"NetworkMode":"container:0123abcd"}"#
        let decoded = try JSONDecoder().decode(Holder.self, from: Data(old.utf8))
        #expect(decoded.NetworkMode == .container("0123abcd"))
        #expect(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self) == old)
        let legacyDefault = try JSONDecoder().decode(Holder.self, from: Data(#"{"NetworkMode":"default"}"#.utf8))
        #expect(legacyDefault.NetworkMode == .bridge)
        #expect(try JSONDecoder().decode(Holder.self, from: Data("{}".utf8)).NetworkMode == nil)
    }

    @Test func primaryNetworkAndSandbox() {
        #expect(NetworkMode.bridge.primaryNetwork == "bridge")
        #expect(NetworkMode.network("n1").primaryNetwork == "n1")
        #expect(NetworkMode.none.primaryNetwork == nil && NetworkMode.none.ownsSandbox)
        #expect(!NetworkMode.host.ownsSandbox && !NetworkMode.container("x").ownsSandbox)
        #expect(NetworkMode.bridge.names(networkName: "bridge", id: "f00"))
        #expect(NetworkMode.network("f0").names(networkName: "n1", id: "f0"))
        #expect(!NetworkMode.container("n1").names(networkName: "n1", id: "x"))
        #expect(NetworkMode.endpointKey("default") == "bridge" && NetworkMode.endpointKey("n1") == "n1")
    }
}
