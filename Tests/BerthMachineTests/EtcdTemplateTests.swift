import BerthCore
@testable import BerthMachine
import Foundation
import Testing

/// The etcd member's files and the agent's cluster-store keys, rendered from templates/ against golden files.
@Suite struct EtcdTemplateTests {
    static let cluster = ClusterRecord(token: "berth-0123456789abc", members: [
        ClusterMember(name: "lab1", ipAddress: "10.213.0.11"), ClusterMember(name: "lab2", ipAddress: "10.213.0.12"),
        ClusterMember(name: "lab3", ipAddress: "10.213.0.13"),
    ])

    func values(_ initSystem: String) -> EtcdTemplateValues {
        EtcdTemplateValues(layout: EtcdLayout(), name: "lab1", address: "10.213.0.11", cluster: EtcdTemplateTests.cluster,
                           binary: "/usr/bin/etcd", initSystem: initSystem)
    }

    func agentValues(_ cluster: ClusterStoreSettings?) -> AgentTemplateValues {
        AgentTemplateValues(layout: AgentLayout(), name: "lab1", port: 2376, labels: ["tier=web"], env: [],
                            initSystem: "none", cluster: cluster)
    }

    func checkGolden(_ out: String, _ golden: String) throws {
        let path = TemplateTests.golden + "/" + golden
        if ProcessInfo.processInfo.environment["BERTH_UPDATE_GOLDEN"] == "1" {
            try out.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(out == (try String(contentsOfFile: path, encoding: .utf8)), "\(golden) differs")
    }

    @Test(arguments: [
        ("berth-etcd.conf.yml.tmpl", "none", "berth-etcd.conf.yml"),
        ("berth-etcd-ctl.sh.tmpl", "none", "berth-etcd-ctl.none.sh"),
        ("berth-etcd-ctl.sh.tmpl", "systemd", "berth-etcd-ctl.systemd.sh"),
        ("berth-etcd-launcher.sh.tmpl", "none", "berth-etcd-launcher.sh"),
        ("berth-etcd.service.tmpl", "systemd", "berth-etcd.service"),
    ])
    func memberFilesRenderLikeGolden(template: String, initSystem: String, golden: String) throws {
        try checkGolden(try Sandbox.templates.render(template, values(initSystem)), golden)
    }

    @Test func agentConfigGainsDockerdsClusterKeys() throws {
        let settings = ClusterStoreSettings.berthCluster(EtcdTemplateTests.cluster, advertise: "10.213.0.11:2376",
                                                         certDir: EtcdLayout().certDir)
        let out = try Sandbox.templates.render("berthd.json.tmpl", agentValues(settings))
        try checkGolden(out, "berthd.cluster.json")
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(obj?["cluster-store"] as? String == "etcd://10.213.0.11:2379,10.213.0.12:2379,10.213.0.13:2379")
        #expect(obj?["cluster-advertise"] as? String == "10.213.0.11:2376")
        #expect(obj?["cluster-store-opts"] as? [String: String] == [
            "kv.cacertfile": "/etc/berth/etcd/ca.pem", "kv.certfile": "/etc/berth/etcd/client.pem",
            "kv.keyfile": "/etc/berth/etcd/client-key.pem"])
    }

    @Test func agentConfigWithoutTLSOrAdvertiseHasOnlyTheStore() throws {
        let out = try Sandbox.templates.render("berthd.json.tmpl",
                                               agentValues(ClusterStoreSettings(store: "etcd://10.0.0.5:2379", advertise: nil)))
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(obj?["cluster-store"] as? String == "etcd://10.0.0.5:2379")
        #expect(obj?["cluster-advertise"] == nil)
        #expect(obj?["cluster-store-opts"] == nil)
    }

    @Test func agentConfigOutsideAClusterHasNoClusterKeys() throws {
        let out = try Sandbox.templates.render("berthd.json.tmpl", agentValues(nil))
        #expect(!out.contains("cluster"))
        #expect(try JSONSerialization.jsonObject(with: Data(out.utf8)) is [String: Any])
    }

    @Test func memberScriptsParse() throws {
        for (t, i) in [("berth-etcd-ctl.sh.tmpl", "none"), ("berth-etcd-ctl.sh.tmpl", "systemd"),
                       ("berth-etcd-launcher.sh.tmpl", "none")] {
            let out = try Sandbox.templates.render(t, values(i))
            let tmp = NSTemporaryDirectory() + "berth-etcd-tmpl-\(UUID().uuidString).sh"
            try out.write(toFile: tmp, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-n", tmp]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(t) (\(i)) does not parse")
        }
    }
}
