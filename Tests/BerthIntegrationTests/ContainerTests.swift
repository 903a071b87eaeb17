import Foundation
import Testing

/// Containers and images on a lab host, driven by the stock docker CLI (issue 5).
@Suite(.serialized, .enabled(if: Harness.enabled))
struct ContainerTests {
    static let machine = "ctr1"

    @Test func importRunExecLogsStopRemove() throws {
        let h = Harness("ctr")
        defer { h.cleanup([Self.machine]) }
        let created = h.berth(["create", "-d", "lab", "--lab-network", "btctr", "--lab-subnet", "10.213.98.0/24",
                               Self.machine])
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-\(getpid()).tar"
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        let d = { (args: [String]) in h.docker(Self.machine, args) }

        #expect(d(["import", tar, "bb"]).stdout.hasPrefix("sha256:"))
        #expect(d(["images"]).stdout.contains("bb "))

        let hi = d(["run", "--rm", "bb", "echo", "hi"])
        #expect(hi.status == 0 && hi.stdout == "hi\n")

        let missing = d(["run", "--rm", "bb", "nosuch"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("executable file not found"))

        #expect(d(["run", "-d", "--name", "web", "bb", "httpd", "-f", "-p", "80"]).status == 0)
        let inUse = d(["run", "-d", "--name", "web", "bb", "true"])
        #expect(inUse.status != 0 && inUse.stderr.contains("is already in use"))
        let ps = d(["exec", "web", "ps"])
        #expect(ps.status == 0 && ps.stdout.contains("httpd -f -p 80"))
        #expect(d(["ps", "-q"]).lines.count == 1)
        #expect(d(["logs", "web"]).status == 0)
        #expect(d(["stop", "-t", "1", "web"]).status == 0)
        #expect(d(["inspect", "-f", "{{.State.ExitCode}}", "web"]).stdout == "137\n")
        #expect(d(["rm", "-f", "web"]).status == 0)
        #expect(d(["ps", "-a", "-q"]).stdout.isEmpty)

        #expect(d(["image", "inspect", "nosuch"]).stderr.contains("No such image: nosuch"))
        #expect(d(["rm", "nosuch"]).stderr.contains("No such container: nosuch"))
        // Nothing of the containers is left behind.
        #expect(Harness.sh("ps -eo args | grep -c '[b]erthd shim'").stdout == "0\n")
    }
}
