import BerthAgent
import Foundation
import Testing

@Suite("AgentConfiguration: cluster store")
struct ClusterConfigurationTests {
    private func configuration(_ json: String) throws -> AgentConfiguration {
        try JSONDecoder().decode(AgentConfiguration.self, from: Data(json.utf8))
    }

    private func reason(_ json: String) -> String? {
        do {
            try configuration(json).validate()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func absentKeysMeanNoCluster() throws {
        #expect(try configuration("{}").clusterSettings() == nil)
        #expect(try configuration(#"{"cluster-store": ""}"#).clusterSettings() == nil)
    }

    @Test func dockerdsKeysParse() throws {
        let c = try configuration(#"""
            {"cluster-store": "etcd://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379",
             "cluster-advertise": "10.213.0.11:2376",
             "cluster-store-opts": {"kv.cacertfile": "/etc/berth/etcd/ca.pem", "kv.certfile": "/etc/berth/etcd/client.pem",
                                    "kv.keyfile": "/etc/berth/etcd/client-key.pem"}}
            """#)
        try c.validate()
        let s = try #require(try c.clusterSettings())
        #expect(s.store == "etcd://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379")
        #expect(s.endpoints.map(\.description) == ["10.213.0.11:2379", "10.213.0.12:2379", "10.213.0.13:2379"])
        #expect(s.advertise == "10.213.0.11:2376")
        #expect(s.tls == .init(caFile: "/etc/berth/etcd/ca.pem", certFile: "/etc/berth/etcd/client.pem",
                               keyFile: "/etc/berth/etcd/client-key.pem"))
        #expect(s.endpointsDescription == "https://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379")
    }

    @Test func oneEndpointPlainHTTPAndDefaultPort() throws {
        let s = try #require(try configuration(#"{"cluster-store": "etcd://store.lab/"}"#).clusterSettings())
        #expect(s.endpoints == [.init(host: "store.lab", port: 2379)])
        #expect(s.tls == nil && s.advertise == nil)
        #expect(s.endpointsDescription == "http://store.lab:2379")
    }

    @Test func anInterfaceIsResolvedToItsAddress() throws {
        let c = try configuration(#"{"cluster-store": "etcd://127.0.0.1:2379", "cluster-advertise": "lo:2376"}"#)
        #expect(try c.clusterSettings()?.advertise == "127.0.0.1:2376")
        let fake = try c.clusterSettings(interfaceAddress: { $0 == "lo" ? "10.9.9.9" : nil })
        #expect(fake?.advertise == "10.9.9.9:2376")
    }

    @Test func badValuesNameTheirKey() {
        let store = #""cluster-store": "etcd://10.0.0.1:2379""#
        #expect(reason(#"{"cluster-store": "consul://10.0.0.1:8500"}"#)?.hasPrefix("invalid configuration: cluster-store: ") == true)
        #expect(reason(#"{"cluster-store": "etcd://10.0.0.1:2379/path"}"#)?.contains("has a path") == true)
        #expect(reason(#"{"cluster-store": "etcd://10.0.0.1:99999"}"#)?.contains("bad port") == true)
        #expect(reason(#"{"cluster-store": "etcd://10.0.0.1:2379,"}"#)?.contains("empty endpoint") == true)
        #expect(reason(#"{"cluster-store": "etcd://:2379"}"#)?.contains("bad host") == true)
        #expect(reason(#"{"cluster-advertise": "10.0.0.1:2376"}"#) == "invalid configuration: cluster-advertise: needs cluster-store")
        #expect(reason(#"{"cluster-store-opts": {"kv.certfile": "/a"}}"#) == "invalid configuration: cluster-store-opts: needs cluster-store")
        #expect(reason("{\(store), \"cluster-advertise\": \"10.0.0.1\"}")
                == #"invalid configuration: cluster-advertise: "10.0.0.1" is not IP:PORT or INTERFACE:PORT"#)
        #expect(reason("{\(store), \"cluster-advertise\": \"10.0.0.1:0\"}")?.contains("bad port") == true)
        #expect(reason("{\(store), \"cluster-advertise\": \"nosuchif0:2376\"}")
                == #"invalid configuration: cluster-advertise: "nosuchif0:2376" names no IPv4 address and no interface with one"#)
        #expect(reason("{\(store), \"cluster-store-opts\": {\"kv.path\": \"/x\"}}")?
                    .hasPrefix(#"invalid configuration: cluster-store-opts: unknown option "kv.path""#) == true)
        #expect(reason("{\(store), \"cluster-store-opts\": {\"kv.cacertfile\": \"ca.pem\"}}")
                == #"invalid configuration: cluster-store-opts: kv.cacertfile: "ca.pem" is not an absolute path"#)
        #expect(reason("{\(store), \"cluster-store-opts\": {\"kv.certfile\": \"/c.pem\"}}")
                == "invalid configuration: cluster-store-opts: kv.keyfile is missing (kv.certfile and kv.keyfile go together)")
        #expect(reason("{\(store), \"cluster-store-opts\": {\"kv.cacertfile\": \"/ca.pem\"}}") == nil)
    }
}
