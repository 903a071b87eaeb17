import Foundation
import Testing

/// The generic driver against a host this test makes by hand (not with the lab driver).
@Suite("generic driver", .serialized, .enabled(if: Harness.enabled))
struct GenericDriverTests {
    @Test func provisionsAHandMadeHost() throws {
        let h = Harness("gen")
        let dir = h.store + "-host"
        let script = Harness.repo + "/Tests/scripts/handmade-host.sh"
        let key = h.store + "-key"
        Harness.sh("rm -f \(key) \(key).pub; ssh-keygen -q -t ed25519 -N '' -f \(key)")
        let up = Harness.run(["bash", script, "up", "btgen-g1", dir, "10.213.94.1", "10.213.94.2", key + ".pub"])
        defer {
            h.cleanup(["g1"])
            Harness.run(["bash", script, "down", "btgen-g1", dir])
            Harness.sh("rm -f \(key) \(key).pub")
            #expect(Harness.namespaces(prefix: "btgen").isEmpty)
        }
        try #require(up.status == 0, "hand-made host: \(up.stderr)")

        let c = h.berth(["create", "-d", "generic", "--generic-ip-address", "10.213.94.2", "--generic-ssh-key", key,
                         "--engine-label", "role=test", "g1"])
        #expect(c.status == 0, "create: \(c.stderr)\n\(c.stdout)")
        try #require(c.status == 0)
        #expect(c.stdout.contains("Provisioning with debian..."))
        #expect(h.berth(["ssh", "g1", "hostname"]).stdout == "g1\n")
        let labels = h.docker("g1", ["info", "--format", "{{json .Labels}}"])
        #expect(labels.stdout.contains("role=test"), "labels: \(labels.stdout) \(labels.stderr)")
        let ls = h.berth(["ls", "--filter", "driver=generic", "--format", "{{.Name}} {{.DriverName}} {{.State}}"])
        #expect(ls.stdout == "g1 generic Running\n")
        // The host key is pinned on first contact.
        let kh = try String(contentsOfFile: h.store + "/machines/g1/known_hosts", encoding: .utf8)
        #expect(kh.contains("10.213.94.2"))

        let rm = h.berth(["rm", "-y", "g1"])
        #expect(rm.status == 0, "rm: \(rm.stderr)")
        // The agent was uninstalled from the host.
        let left = Harness.run(["ip", "netns", "exec", "btgen-g1", "nsenter", "-t", up.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                                "-m", "ls", "/usr/local/bin"])
        #expect(!left.stdout.contains("berthd"), "agent left on host: \(left.stdout)")
    }
}
