import Foundation
import Testing

/// Volumes on lab hosts with the stock docker CLI, and `berth volume backup/restore/migrate` between hosts (issue 6).
@Suite(.serialized, .enabled(if: Harness.enabled))
struct VolumeTests {
    static let network = ["--lab-network", "btvol", "--lab-subnet", "10.213.101.0/24"]

    /// Creates lab hosts and imports busybox (`busybox`, and `datapacked` with `VOLUME /var/www`) on the first.
    static func setUp(_ h: Harness, _ machines: [String]) throws -> String {
        let created = h.berth(["create", "-d", "lab"] + network + machines)
        try #require(created.status == 0, "\(created.stderr)")
        let tar = NSTemporaryDirectory() + "bb-rootfs-vol-\(getpid()).tar"
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", tar])
        try #require(built.status == 0, "\(built.stderr)")
        for m in machines {
            try #require(h.docker(m, ["import", "-c", "CMD [\"sh\"]", tar, "busybox"]).status == 0)
        }
        try #require(h.docker(machines[0], ["import", "--change", "VOLUME /var/www", "--change", "CMD [\"sh\"]", tar,
                                                    "datapacked"]).status == 0)
        return tar
    }

    @Test func namedAnonymousBindsVolumesFromCopyUp() throws {
        let h = Harness("vol")
        let m = "btvol1"
        defer { h.cleanup([m]) }
        let tar = try Self.setUp(h, [m])
        defer { try? FileManager.default.removeItem(atPath: tar) }
        let d = { (args: [String]) in h.docker(m, args) }

        // Named volumes: create, labels, ls filters, inspect, share between containers, read-only.
        #expect(d(["volume", "create", "--label", "app=web", "data"]).stdout == "data\n")
        #expect(d(["volume", "create", "other"]).status == 0)
        #expect(d(["volume", "ls", "-q", "--filter", "label=app=web"]).stdout == "data\n")
        #expect(d(["volume", "ls", "-q", "--filter", "name=oth"]).stdout == "other\n")
        #expect(d(["volume", "inspect", "-f", "{{.Driver}} {{.Mountpoint}}", "data"]).stdout
                == "local /var/lib/berth/volumes/data/_data\n")
        #expect(d(["run", "--rm", "-v", "data:/data", "busybox", "sh", "-c", "echo one > /data/f"]).status == 0)
        #expect(d(["run", "--rm", "-v", "data:/d2", "busybox", "cat", "/d2/f"]).stdout == "one\n")
        let ro = d(["run", "--rm", "-v", "data:/data:ro", "busybox", "sh", "-c", "echo x > /data/g"])
        #expect(ro.status != 0 && ro.stderr.contains("Read-only file system"))
        #expect(d(["run", "-d", "--name", "holder", "-v", "data:/data", "busybox", "sleep", "300"]).status == 0)
        #expect(d(["run", "--rm", "--mount", "type=volume,src=data,dst=/m", "busybox", "cat", "/m/f"]).stdout == "one\n")
        let inUse = d(["volume", "rm", "data"])
        #expect(inUse.status != 0 && inUse.stderr.contains("volume is in use"))
        let holderID = d(["inspect", "-f", "{{.Id}}", "holder"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(inUse.stderr.contains(holderID))
        #expect(d(["inspect", "-f", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}}{{end}}", "holder"]).stdout
                == "volume data /data true\n")
        #expect(d(["volume", "ls", "-q", "--filter", "dangling=true"]).stdout == "other\n")

        // Binds: -v creates a missing source, --mount refuses it with docker's message.
        let dir = NSTemporaryDirectory() + "btvol-bind-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(d(["run", "--rm", "-v", "\(dir)/new:/b", "busybox", "sh", "-c", "echo hi > /b/x"]).status == 0)
        #expect((try? String(contentsOfFile: dir + "/new/x", encoding: .utf8)) == "hi\n")
        let missing = d(["run", "--rm", "--mount", "type=bind,src=\(dir)/nope,dst=/b", "busybox", "true"])
        #expect(missing.status != 0 && missing.stderr.contains("bind source path does not exist: \(dir)/nope"))
        #expect(d(["run", "--rm", "--mount", "type=bind,src=\(dir)/new,dst=/b,readonly", "busybox", "cat", "/b/x"]).stdout
                == "hi\n")

        // Anonymous volumes: -v /path, and rm -v removes them.
        #expect(d(["create", "--name", "anon", "-v", "/scratch", "busybox", "true"]).status == 0)
        let anonName = d(["inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "anon"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(anonName.count == 64)
        #expect(d(["rm", "-v", "anon"]).status == 0)
        #expect(!d(["volume", "ls", "-q"]).lines.contains(anonName))

        // Copy-up and the data-packed volume container (an image with VOLUME /var/www made by docker create).
        #expect(d(["create", "--name", "vc_data", "datapacked"]).status == 0)
        #expect(d(["run", "-d", "--volumes-from", "vc_data", "--name", "web", "busybox", "httpd", "-f", "-p", "80",
                   "-h", "/var/www"]).status == 0)
        #expect(d(["exec", "web", "cat", "/var/www/index.html"]).stdout == "<h1>berth</h1>\n")
        #expect(d(["run", "--rm", "-v", "fresh:/var/www", "busybox", "cat", "/var/www/index.html"]).stdout
                == "<h1>berth</h1>\n")
        #expect(d(["run", "--rm", "--volumes-from", "vc_data:ro", "busybox", "sh", "-c", "echo x > /var/www/y"]).status != 0)

        // Paths in the image resolve inside its root: a symbolic link cannot aim copy-up or a mount point at the host.
        let esc = NSTemporaryDirectory() + "btvol-esc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: esc) }
        #expect(Harness.sh("mkdir -p \(esc)/r && tar -C \(esc)/r -xf \(tar) && ln -s /etc \(esc)/r/escape && "
                           + "ln -s ../../../../root \(esc)/r/up && tar -C \(esc)/r -cf \(esc)/esc.tar .").status == 0)
        #expect(d(["import", esc + "/esc.tar", "esc"]).status == 0)
        // The image's /etc (plus the network files docker also binds there), not the host's.
        let escaped = d(["run", "--rm", "-v", "esc1:/escape", "esc", "ls", "/escape"]).stdout.split(separator: "\n")
        #expect(escaped.contains("group") && escaped.contains("passwd") && !escaped.contains("os-release"), "\(escaped)")
        #expect(d(["run", "--rm", "-v", "esc2:/up/btvolx", "esc", "true"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/root/btvolx"))

        // The classic backup recipe through a bind, then the restore into a new volume container.
        let backup = NSTemporaryDirectory() + "btvol-backup-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let tarred = d(["run", "--rm", "--volumes-from", "vc_data", "-v", "\(backup):/backup", "busybox",
                        "tar", "cvf", "/backup/data.tar", "/var/www"])
        #expect(tarred.status == 0)
        #expect(FileManager.default.fileExists(atPath: backup + "/data.tar"))
        #expect(d(["create", "--name", "vc2", "-v", "/var/www", "busybox", "true"]).status == 0)
        #expect(d(["run", "--rm", "--volumes-from", "vc2", "-v", "\(backup):/backup", "busybox", "sh", "-c",
                   "rm -f /var/www/index.html; cd / && tar xvf /backup/data.tar"]).status == 0)
        #expect(d(["run", "--rm", "--volumes-from", "vc2", "busybox", "cat", "/var/www/index.html"]).stdout
                == "<h1>berth</h1>\n")

        // Clean up: removing the holders frees the volumes; prune removes the unused anonymous ones.
        #expect(d(["rm", "-f", "holder", "web", "vc2"]).status == 0)
        #expect(d(["volume", "rm", "data"]).status == 0)
        #expect(d(["rm", "vc_data"]).status == 0)
        let pruned = d(["volume", "prune", "-f"])
        #expect(pruned.status == 0 && pruned.stdout.contains("Total reclaimed space"))
        #expect(d(["volume", "ls", "-q"]).stdout.split(separator: "\n").sorted() == ["esc1", "esc2", "fresh", "other"])
        #expect(d(["volume", "rm", "nosuch"]).stderr.contains("no such volume"))
    }

    @Test(arguments: ["data plane", "ssh"])
    func backupRestoreMigrateBetweenHosts(path: String) throws {
        var h = Harness("volmig")
        if path == "ssh" { h.env["BERTH_VOLUME_SSH"] = "1" }
        let (a, b) = ("btvol2", "btvol3")
        defer { h.cleanup([a, b]) }
        let tar = try Self.setUp(h, [a, b])
        defer { try? FileManager.default.removeItem(atPath: tar) }

        // A volume with a tree: files, a symlink, an empty directory, odd names, ownership and modes.
        let fill = "mkdir -p /d/sub/empty && echo hello > /d/a && head -c 3000000 /dev/urandom > /d/sub/big && "
            + "ln -s a /d/link && echo x > '/d/sp ace' && chown 1234:5678 /d/a && chmod 640 /d/a"
        #expect(h.docker(a, ["run", "--rm", "-v", "data:/d", "busybox", "sh", "-c", fill]).status == 0)
        let listing = "cd /d && find . | sort | while read -r f; do stat -c '%n %u:%g %a %F' \"$f\"; done; "
            + "find . -type f | sort | xargs -I{} sha256sum {}"
        let before = h.docker(a, ["run", "--rm", "-v", "data:/d", "busybox", "sh", "-c", listing]).stdout
        #expect(before.contains("./a 1234:5678 640"))

        let dir = NSTemporaryDirectory() + "btvol-mig-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // backup → file, restore → the other host; equal listings and checksums.
        let backed = h.berth(["volume", "backup", "\(a):data", dir + "/data.tar"])
        #expect(backed.status == 0, "\(backed.stderr)")
        let restored = h.berth(["volume", "restore", dir + "/data.tar", "\(b):restored"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(h.docker(b, ["run", "--rm", "-v", "restored:/d", "busybox", "sh", "-c", listing]).stdout == before)
        let again = h.berth(["volume", "restore", dir + "/data.tar", "\(b):restored"])
        #expect(again.status != 0 && again.stderr.contains("not empty"))
        #expect(h.berth(["volume", "restore", "-q", "--force", dir + "/data.tar", "\(b):restored"]).status == 0)

        // A bind-backed volume (its directory is its device, outside the volumes directory) backs up too.
        let device = dir + "/bind-device"
        try FileManager.default.createDirectory(atPath: device + "/inner", withIntermediateDirectories: true)
        try "bound\n".write(toFile: device + "/inner/file", atomically: true, encoding: .utf8)
        #expect(h.docker(a, ["volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=\(device)",
                             "bindvol"]).status == 0)
        let bound = h.berth(["volume", "backup", "-q", "\(a):bindvol", dir + "/bind.tar"])
        #expect(bound.status == 0, "\(bound.stderr)")
        #expect(Harness.sh("tar tf \(dir)/bind.tar").lines.contains { $0.hasSuffix("inner/file") })
        #expect(h.docker(a, ["volume", "rm", "bindvol"]).status == 0)

        // migrate host to host, then with --rm-source.
        let migrated = h.berth(["volume", "migrate", "-v", "\(a):data", b])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.lines.contains("\(a) -> \(b): " + (path == "ssh" ? "relayed through berth" : "agent to agent")),
                "\(migrated.stdout)")
        #expect(h.docker(b, ["run", "--rm", "-v", "data:/d", "busybox", "sh", "-c", listing]).stdout == before)
        if path == "data plane" {
            // The source's agent cannot open connections to the target's (a firewall between them): berth relays.
            let (host, port) = try h.agentAddress(b)
            let rule = "OUTPUT -p tcp -d \(host) --dport \(port) -j REJECT --reject-with tcp-reset"
            try #require(h.berth(["ssh", a, "iptables -I \(rule)"]).status == 0)
            let relayed = h.berth(["volume", "migrate", "-v", "\(a):data", "\(b):relayed"])
            h.berth(["ssh", a, "iptables -D \(rule)"])
            #expect(relayed.status == 0, "\(relayed.stderr)")
            #expect(relayed.lines.contains { $0.hasPrefix("\(a) -> \(b): relayed through berth (\(a) cannot reach \(b)") },
                    "\(relayed.stdout)")
            #expect(h.docker(b, ["run", "--rm", "-v", "relayed:/d", "busybox", "sh", "-c", listing]).stdout == before)
        }
        #expect(h.berth(["volume", "migrate", "-q", "--rm-source", "\(a):data", "\(b):moved"]).status == 0)
        #expect(h.docker(b, ["run", "--rm", "-v", "moved:/d", "busybox", "sh", "-c", listing]).stdout == before)
        #expect(h.docker(a, ["volume", "ls", "-q"]).stdout.isEmpty)

        // A migrate that fails midway (the target's disk fills up) leaves no target volume and no staging data.
        #expect(h.docker(b, ["run", "--rm", "-v", "large:/d", "busybox", "sh", "-c",
                             "head -c 400000000 /dev/urandom > /d/blob"]).status == 0)
        #expect(h.berth(["ssh", a, "mount -t tmpfs -o size=2m btvolfull /var/lib/berth/volumes"]).status == 0)
        let failed = h.berth(["volume", "migrate", "-q", "\(b):large", "\(a):large"])
        let left = h.berth(["ssh", a, "ls -A /var/lib/berth/volumes"]).stdout
        #expect(h.berth(["ssh", a, "umount /var/lib/berth/volumes"]).status == 0)
        #expect(failed.status != 0)
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(!h.docker(a, ["volume", "ls", "-q"]).lines.contains("large"))
        // SIGTERM and SIGINT: the command gives up what it began and exits 128+signal; nothing is left.
        func staging(_ machine: String) -> Bool {
            h.berth(["ssh", machine, "ls -A /var/lib/berth/volumes"]).stdout.contains(".berth-tmp-")
        }
        func interrupted(_ args: [String], _ sig: Int32, when started: () -> Bool) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Harness.env["BERTH_BIN"] ?? "berth")
            p.arguments = args
            var e = Harness.env
            e["BERTH_STORAGE_PATH"] = h.store
            for (k, v) in h.env { e[k] = v }
            p.environment = e
            try p.run()
            for _ in 0..<100 {
                if started() { break }
                usleep(50_000)
            }
            kill(p.processIdentifier, sig)
            p.waitUntilExit()
            return p.terminationStatus
        }
        let term = try interrupted(["volume", "migrate", "-q", "\(b):large", "\(a):large"], SIGTERM) { staging(a) }
        #expect(term == 143)
        var cleaned = false
        for _ in 0..<50 where !cleaned {
            cleaned = !staging(a)
            if !cleaned { usleep(200_000) }
        }
        #expect(cleaned, "a staging directory stayed on \(a) after SIGTERM")
        #expect(!h.docker(a, ["volume", "ls", "-q"]).lines.contains("large"))
        let backupFile = dir + "/large.tar"
        let temporary = { (try? FileManager.default.contentsOfDirectory(atPath: dir))?.contains { $0.contains(".berth-tmp-") } ?? false }
        let int = try interrupted(["volume", "backup", "-q", "\(b):large", backupFile], SIGINT, when: temporary)
        #expect(int == 130)
        #expect(!temporary() && !FileManager.default.fileExists(atPath: backupFile))

        // A killed migrate leaves no target volume either.
        let berth = Process()
        berth.executableURL = URL(fileURLWithPath: Harness.env["BERTH_BIN"] ?? "berth")
        berth.arguments = ["volume", "migrate", "-q", "\(b):large", "\(a):large"]
        var env = Harness.env
        env["BERTH_STORAGE_PATH"] = h.store
        for (k, v) in h.env { env[k] = v }
        berth.environment = env
        try berth.run()
        // Killed once the bytes flow (a staging directory is there on the target).
        for _ in 0..<100 {
            if h.berth(["ssh", a, "ls -A /var/lib/berth/volumes"]).stdout.contains(".berth-tmp-") { break }
            usleep(100_000)
        }
        kill(berth.processIdentifier, SIGKILL)
        berth.waitUntilExit()
        usleep(500_000)
        #expect(!h.docker(a, ["volume", "ls", "-q"]).lines.contains("large"))
        if path == "data plane" {
            // The target's agent killed while the bytes flow: one line, no target volume; the launcher brings the
            // agent back and a later receive sweeps what it left (ten minutes on).
            let migrate = Process()
            migrate.executableURL = berth.executableURL
            migrate.arguments = ["volume", "migrate", "-q", "\(b):large", "\(a):large"]
            migrate.environment = env
            let err = Pipe()
            migrate.standardError = err
            try migrate.run()
            for _ in 0..<100 {
                if h.berth(["ssh", a, "ls -A /var/lib/berth/volumes"]).stdout.contains(".berth-tmp-") { break }
                usleep(100_000)
            }
            #expect(h.berth(["ssh", a, "kill -KILL $(cat /run/berth/berthd.pid)"]).status == 0)
            let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            migrate.waitUntilExit()
            #expect(migrate.terminationStatus != 0)
            #expect(said.split(separator: "\n").count == 1 && said.contains(a), "\(said)")
            for _ in 0..<100 {
                if h.berth(["status", a]).stdout.contains("Running") { break }
                usleep(200_000)
            }
            #expect(!h.docker(a, ["volume", "ls", "-q"]).lines.contains("large"))
        }
        // The next migrate works (and sweeps nothing it should not).
        #expect(h.berth(["volume", "migrate", "-q", "\(b):large", "\(a):large"]).status == 0)
        #expect(h.docker(a, ["volume", "ls", "-q"]).lines.contains("large"))
    }
}
