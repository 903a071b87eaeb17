import Foundation
import Testing

/// The lab driver end to end: real namespaces, real sshd, the real agent, the stock docker CLI.
@Suite("lab hosts", .serialized, .enabled(if: Harness.enabled))
struct LabDriverTests {
    let net = "btlab"
    let subnet = "10.213.93.0/24"

    @Test func threeHostsInParallelThenStopStartAndRemove() throws {
        let h = Harness("lab")
        let names = ["it1", "it2", "it3"]
        defer {
            h.cleanup(names)
            #expect(Harness.namespaces(prefix: net + "-").isEmpty, "namespaces left behind")
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(net)"), "switch left behind")
        }
        let c = h.berth(["create", "-d", "lab", "--lab-network", net, "--lab-subnet", subnet] + names)
        #expect(c.status == 0, "create failed: \(c.stderr)\(c.stdout)")
        try #require(c.status == 0)

        let ls = h.berth(["ls"])
        #expect(ls.lines.first?.hasPrefix("NAME") == true)
        for n in names {
            let row = ls.lines.first { $0.hasPrefix(n + " ") }
            #expect(row?.contains("Running") == true, "ls row for \(n): \(row ?? "missing")\n\(ls.stdout)")
            #expect(row?.contains("lab") == true)
        }
        #expect(h.berth(["ssh", "it2", "hostname"]).stdout == "it2\n")
        // No way out of the lab: the host has no default route.
        #expect(!h.berth(["ssh", "it1", "ip route"]).stdout.contains("default"))
        // Each host's view of /etc/hostname is its own.
        #expect(h.berth(["ssh", "it3", "cat /etc/hostname"]).stdout == "it3\n")

        // The agent over mutual TLS, driven by the stock docker CLI.
        let v = h.docker("it1", ["version", "--format", "{{.Server.Version}}"])
        #expect(v.status == 0, "docker version: \(v.stderr)")
        let info = h.docker("it1", ["info", "--format", "{{.Name}}"])
        #expect(info.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "it1", "docker info: \(info.stderr)")
        var pyEnv = h.dockerEnvironment("it1")
        pyEnv["REQUESTS_CA_BUNDLE"] = nil
        pyEnv["CURL_CA_BUNDLE"] = nil
        let py = Harness.run(["python3", "-c", "import docker; print(docker.from_env().version()['Version'])"], env: pyEnv)
        #expect(py.status == 0 && !py.stdout.isEmpty, "docker-py: \(py.stderr.suffix(300))")
        let ip = h.berth(["ip", "it1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let curl = Harness.run(["curl", "-sk", "--max-time", "5", "https://\(ip):2376/_ping"])
        #expect(curl.status != 0, "agent answered without a client certificate")
        let plain = Harness.run(["curl", "-s", "--max-time", "5", "http://\(ip):2376/_ping"])
        #expect(plain.stdout != "OK")

        // A crashed agent is restarted by its supervisor.
        let pid = h.berth(["ssh", "it1", "cat /run/berth/berthd.pid"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!pid.isEmpty)
        h.berth(["ssh", "it1", "kill -9 \(pid)"])
        var back = false
        for _ in 0..<50 where !back {
            usleep(200_000)
            back = h.berth(["status", "it1"]).stdout == "Running\n"
        }
        #expect(back, "agent not restarted after a crash")

        // Stop takes the host down; start brings it back.
        #expect(h.berth(["stop", "it3"]).status == 0)
        #expect(h.berth(["status", "it3"]).stdout == "Stopped\n")
        #expect(Harness.namespaces(prefix: net + "-it3").isEmpty)
        let st = h.berth(["start", "it3"])
        #expect(st.status == 0, "start: \(st.stderr)")
        #expect(h.berth(["status", "it3"]).stdout == "Running\n")
        #expect(h.berth(["ssh", "it3", "hostname"]).stdout == "it3\n")

        // rm removes everything the driver made.
        let rm = h.berth(["rm", "-y", "it2"])
        #expect(rm.status == 0, "rm: \(rm.stderr)")
        #expect(Harness.namespaces(prefix: net + "-it2").isEmpty)
        #expect(h.berth(["ls", "-q"]).lines == ["it1", "it3"])
    }
}
