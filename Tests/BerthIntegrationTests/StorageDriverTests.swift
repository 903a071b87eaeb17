import Foundation
import Testing

/// The vfs storage driver (issue 5: "where overlayfs is not available, a copying driver is used instead"), forced
/// through the agent's configuration on a lab host.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct StorageDriverTests {
    static let network = ["--lab-network", "btvfs", "--lab-subnet", "10.213.104.0/24"]

    @Test func vfsCopiesLayersPerContainer() throws {
        try ContainerTests().withHost("vfs", "vfs1", network: Self.network) { h, docker in
            let d = { (args: [String]) in docker(args, nil) }
            #expect(d(["info", "-f", "{{.Driver}}"]).stdout == "overlay2\n")
            #expect(d(["run", "--rm", "bb", "echo", "overlay"]).stdout == "overlay\n")
            // Force vfs in /etc/berth/berthd.json; the launcher starts the killed agent again.
            let forced = h.berth(["ssh", "vfs1", #"sed -i 's/^{/{"storage-driver": "vfs",/' /etc/berth/berthd.json"#
                                  + " && kill -KILL $(cat /run/berth/berthd.pid)"])
            try #require(forced.status == 0, "\(forced.stderr)")
            var driver = ""
            for _ in 0..<100 where driver != "vfs\n" {
                Thread.sleep(forTimeInterval: 0.2)
                driver = d(["info", "-f", "{{.Driver}}"]).stdout
            }
            try #require(driver == "vfs\n")
            #expect(d(["info"]).stdout.contains("Storage Driver: vfs"))

            let hi = d(["run", "--rm", "bb", "echo", "hi"])
            #expect(hi.status == 0 && hi.stdout == "hi\n", "\(hi)")

            // volume copy-up reads the container's copy
            let copyUp = d(["run", "--rm", "-v", "/var/www", "bb", "cat", "/var/www/index.html"])
            #expect(copyUp.stdout == "<h1>berth</h1>\n", "\(copyUp)")

            // An image of two layers whose top one deletes a file and makes a directory opaque.
            let base = NSTemporaryDirectory() + "vfs-base-\(getpid()).tar"
            let archive = NSTemporaryDirectory() + "vfs-wh-\(getpid()).tar"
            defer { for path in [base, archive] { try? FileManager.default.removeItem(atPath: path) } }
            #expect(Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", base]).status == 0)
            #expect(Harness.run([Harness.repo + "/Tests/scripts/whiteout-image.sh", base, "wh", archive]).status == 0)
            let loaded = d(["load", "-i", archive])
            #expect(loaded.status == 0, "\(loaded.stderr)")
            let layered = d(["run", "--rm", "wh", "sh", "-c",
                             "test -e /etc/group || echo gone; cat /etc/passwd | wc -l; ls /var/www; cat /tmp/added"])
            #expect(layered.stdout == "gone\n2\nnew.html\nadded\n", "\(layered)")

            // The container's files live in its own copy: kept over stop/start, gone with the container.
            #expect(d(["create", "--name", "keep", "bb", "sh", "-c", "cat /kept 2>/dev/null; echo x >> /kept"])
                .status == 0)
            let dir = d(["inspect", "-f", "{{.GraphDriver.Name}} {{.GraphDriver.Data.Dir}}", "keep"]).stdout
            #expect(dir.hasPrefix("vfs /var/lib/berth/containers/"), "\(dir)")
            let rootfs = String(dir.dropFirst(4).dropLast())
            for _ in 0..<2 { #expect(d(["start", "keep"]).status == 0 && d(["wait", "keep"]).stdout == "0\n") }
            #expect(d(["logs", "keep"]).stdout == "x\n")
            #expect(h.berth(["ssh", "vfs1", "cat \(rootfs)/kept"]).stdout == "x\nx\n")
            // docker cp out of the stopped container reads its copy
            let copied = d(["cp", "keep:/kept", "-"])
            #expect(copied.status == 0 && copied.stdout.contains("x\nx\n"), "\(copied.stderr)")
            #expect(d(["rm", "keep"]).status == 0)
            #expect(h.berth(["ssh", "vfs1", "test -e \(rootfs) || echo gone"]).stdout == "gone\n")

            // run -d + exec, then rm -f leaves no copy behind
            let id = d(["run", "-d", "bb", "sleep", "60"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id.count == 64)
            let exec = d(["exec", id, "sh", "-c", "echo in > /tmp/f && cat /tmp/f"])
            #expect(exec.status == 0 && exec.stdout == "in\n", "\(exec)")
            #expect(d(["rm", "-f", id]).status == 0)
            let left = h.berth(["ssh", "vfs1", "ls /var/lib/berth/containers | wc -l"]).stdout
            #expect(left.trimmingCharacters(in: .whitespaces) == "0\n")

            // build RUN steps need the overlay upper directory: one clear error
            var env = h.dockerEnvironment("vfs1")
            env["DOCKER_BUILDKIT"] = "0"
            let built = Harness.run(["docker", "build", "-q", "-"], env: env, stdin: "FROM bb\nRUN true\n")
            #expect(built.status != 0 && built.stderr.contains("not supported with the vfs storage driver"),
                    "\(built)")
        }
    }
}
