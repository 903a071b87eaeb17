import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `berth scp` against two lab hosts: every direction, checked by SHA-256 on both ends; `-d`; killed copies;
/// bad input. Lab hosts share this machine's /tmp (their own mount namespaces, same file system), so each side
/// gets its own directory under one work directory.
@Suite("scp", .serialized, .enabled(if: Harness.enabled))
struct ScpTests {
    let net = "btscp"
    let subnet = "10.213.97.0/24"
    let hosts = ["sc1", "sc2"]

    /// Over the agents' data plane (the default) and over SSH (`BERTH_SCP_SSH=1`, as `--ssh`), the same copies.
    @Test(arguments: ["data plane", "ssh"])
    func copiesInEveryDirectionAndSurvivesKillsAndBadInput(path: String) throws {
        var h = Harness("scp")
        if path == "ssh" { h.env["BERTH_SCP_SSH"] = "1" }
        let work = NSTemporaryDirectory() + "berth-scpit-\(getpid())"
        defer {
            Harness.sh("chattr -i \(work)/sc1/locked 2>/dev/null; umount \(work)/sc2/full 2>/dev/null; true")
            h.berth(["ssh", "sc2", "umount \(work)/sc2/full 2>/dev/null; true"])
            h.cleanup(hosts)
            try? FileManager.default.removeItem(atPath: work)
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let c = h.berth(["create", "-d", "lab", "--lab-network", net, "--lab-subnet", subnet] + hosts)
        try #require(c.status == 0, "create failed: \(c.stderr)\(c.stdout)")
        for d in ["local", "back", "sc1", "sc2"] { Harness.sh("mkdir -p \(work)/\(d)") }

        let v = h.berth(["scp", "-v", "\(work)/local", "sc1:\(work)/sc1/"])
        #expect(v.lines.contains("sc1: " + (path == "ssh" ? "SSH" : "data plane (the agent, over TLS)")), "\(v)")
        try timed(path, "trees and files") { try treesAndFiles(h, work) }
        try timed(path, "1 GiB") { try bigFile(h, work) }
        try timed(path, "-d") { try delta(h, work) }
        try timed(path, "killed copies") { try killed(h, work) }
        if path == "data plane" {
            try timed(path, "agent to agent, relayed") { try routes(h, work) }
            try timed(path, "agents killed mid-stream") { try agentsKilled(h, work) }
            try timed(path, "a certificate of another store") { try foreignCertificate(h, work) }
        }
        try timed(path, "bad input") { try badInput(h, work) }
        try timed(path, "another user") { try otherUser(h, work) }
    }

    func timed(_ path: String, _ what: String, _ body: () throws -> Void) rethrows {
        let start = Date()
        defer { print("scp (\(path)): \(what): \(String(format: "%.1f", Date().timeIntervalSince(start))) s") }
        try body()
    }

    // MARK: trees and small files, every direction

    func treesAndFiles(_ h: Harness, _ work: String) throws {
        let tree = "\(work)/local/tree"
        let make = """
        set -e; mkdir -p '\(tree)/sub dir/deeper'; cd '\(tree)'
        printf 'with spaces\\n' > 'file with spaces.txt'
        printf 'non-ascii\\n' > 'ünïcödé-名前.txt'
        : > empty
        head -c 300000 /dev/urandom > 'sub dir/random.bin'
        printf 'deep\\n' > 'sub dir/deeper/deep.txt'
        chmod 600 'file with spaces.txt'; chmod 751 'sub dir'; chmod 700 'sub dir/deeper'
        ln -s 'file with spaces.txt' link-to-file; ln -s 'sub dir' link-to-dir; ln -s /nonexistent dangling
        touch -d '2001-02-03 04:05:06' 'ünïcödé-名前.txt' 'sub dir/deeper/deep.txt' 'sub dir/deeper' 'sub dir'
        """
        try #require(Harness.sh(make).status == 0)
        let expected = manifest(tree)
        #expect(expected.contains("L ./link-to-dir -> sub dir"), "\(expected)")

        // local -> sc1 -> sc2 -> local, each checked against the source's manifest.
        let up = h.berth(["scp", "-r", "-q", tree, "sc1:\(work)/sc1/"])
        #expect(up.status == 0, "local -> host: \(up.stderr)")
        #expect(remoteManifest(h, "sc1", "\(work)/sc1/tree") == expected)
        let across = h.berth(["scp", "-r", "-q", "sc1:\(work)/sc1/tree", "sc2:\(work)/sc2/"])
        #expect(across.status == 0, "host -> host: \(across.stderr)")
        #expect(remoteManifest(h, "sc2", "\(work)/sc2/tree") == expected)
        let down = h.berth(["scp", "-r", "-q", "sc2:\(work)/sc2/tree", "\(work)/back/"])
        #expect(down.status == 0, "host -> local: \(down.stderr)")
        #expect(manifest("\(work)/back/tree") == expected)

        // Several single files into a directory, names with spaces and non-ASCII, user@machine form.
        let several = h.berth(["scp", "\(tree)/file with spaces.txt", "\(tree)/ünïcödé-名前.txt", "\(tree)/empty",
                               "root@sc2:\(work)/sc2/"])
        #expect(several.status == 0, "several files: \(several.stderr)")
        let sums = h.berth(["ssh", "sc2", "cd \(work)/sc2 && sha256sum 'file with spaces.txt' 'ünïcödé-名前.txt' empty"])
        let local = Harness.sh("cd '\(tree)' && sha256sum 'file with spaces.txt' 'ünïcödé-名前.txt' empty")
        #expect(sums.stdout == local.stdout && !local.stdout.isEmpty)
        // A single file renamed on the way, host to host.
        let renamed = h.berth(["scp", "sc2:\(work)/sc2/ünïcödé-名前.txt", "sc1:\(work)/sc1/renamed ü.txt"])
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(Harness.sh("cmp '\(tree)/ünïcödé-名前.txt' '\(work)/sc1/renamed ü.txt'").status == 0)
        #expect(temporaries(work).isEmpty)
    }

    // MARK: 1 GiB

    func bigFile(_ h: Harness, _ work: String) throws {
        let big = "\(work)/local/big.bin"
        try #require(Harness.sh("head -c 1G /dev/urandom > \(big)").status == 0)
        // SHA-256 by openssl when present (several times faster than coreutils on 1 GiB).
        func sum(_ path: String) -> String {
            "{ openssl dgst -sha256 -r 2>/dev/null || sha256sum; } < \(path) | cut -c1-64"
        }
        let want = Harness.sh(sum(big)).stdout
        // Large files go over several connections (lanes); one lane streams the file as one, as small files go.
        let lanes = h.berth(["scp", "-v", big, "sc1:\(work)/sc1/big-lanes.bin"])
        #expect(lanes.status == 0 && lanes.stdout.contains(" connections)"), "\(lanes.stdout)\(lanes.stderr)")
        let one = h.berth(["scp", "-v", big, "sc1:\(work)/sc1/big-one.bin"], extraEnv: ["BERTH_SCP_LANES": "1"])
        #expect(one.status == 0 && !one.stdout.contains(" connections)"), "\(one.stdout)\(one.stderr)")
        for copy in ["big-lanes.bin", "big-one.bin"] {
            #expect(h.berth(["ssh", "sc1", sum("\(work)/sc1/\(copy)")]).stdout == want, "\(copy)")
        }
        Harness.sh("rm -f \(work)/sc1/big-lanes.bin \(work)/sc1/big-one.bin")
        for (args, machine, path) in [
            (["scp", "-q", big, "sc1:\(work)/sc1/big.bin"], "sc1", "\(work)/sc1/big.bin"),
            (["scp", "-q", "sc1:\(work)/sc1/big.bin", "sc2:\(work)/sc2/big.bin"], "sc2", "\(work)/sc2/big.bin"),
            (["scp", "-q", "sc2:\(work)/sc2/big.bin", "\(work)/back/big.bin"], nil, "\(work)/back/big.bin"),
        ] as [([String], String?, String)] {
            let r = h.berth(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let got = machine.map { h.berth(["ssh", $0, sum(path)]).stdout } ?? Harness.sh(sum(path)).stdout
            #expect(got == want && want.count == 65, "\(args)")
        }
        Harness.sh("rm -f \(work)/sc2/big.bin \(work)/back/big.bin")
    }

    // MARK: -d

    func delta(_ h: Harness, _ work: String) throws {
        let tree = "\(work)/local/tree"
        // Same size, new content: only this file is sent.
        Harness.sh("printf 'WITH SPACES\\n' > '\(tree)/file with spaces.txt'")
        let r = h.berth(["scp", "-r", "-d", "-v", tree, "sc1:\(work)/sc1/"])
        #expect(r.status == 0, "\(r.stderr)")
        let sent = r.lines.filter { $0.hasPrefix("sent ") }
        #expect(sent.count == 1 && sent.first?.contains("file with spaces.txt") == true, "\(r.stdout)")
        #expect(r.lines.filter { $0.hasPrefix("unchanged ") }.count == 4, "\(r.stdout)")
        #expect(remoteManifest(h, "sc1", "\(work)/sc1/tree") == manifest(tree))
        // Nothing changed: nothing sent, and the unchanged file keeps its mtime.
        let before = h.berth(["ssh", "sc1", "stat -c %Y '\(work)/sc1/tree/sub dir/random.bin'"]).stdout
        let again = h.berth(["scp", "-r", "-d", "-v", tree, "sc1:\(work)/sc1/"])
        #expect(again.lines.filter { $0.hasPrefix("sent ") }.isEmpty, "\(again.stdout)")
        #expect(h.berth(["ssh", "sc1", "stat -c %Y '\(work)/sc1/tree/sub dir/random.bin'"]).stdout == before)
        // Host to host: one file edited on sc1 goes to sc2, the rest stays.
        h.berth(["ssh", "sc1", "printf 'DEEP\\n' > '\(work)/sc1/tree/sub dir/deeper/deep.txt'"])
        let hh = h.berth(["scp", "-r", "-d", "-v", "sc1:\(work)/sc1/tree", "sc2:\(work)/sc2/"])
        #expect(hh.status == 0, "\(hh.stderr)")
        #expect(hh.lines.filter { $0.hasPrefix("sent ") }.count == 2, "\(hh.stdout)") // deep.txt and the -d edit above
        #expect(remoteManifest(h, "sc2", "\(work)/sc2/tree") == remoteManifest(h, "sc1", "\(work)/sc1/tree"))
    }

    // MARK: interrupted copies

    func killed(_ h: Harness, _ work: String) throws {
        let big = "\(work)/local/big.bin"
        let target = "\(work)/sc2/victim.bin"
        Harness.sh("printf 'old contents\\n' > \(target)")
        let old = Harness.sh("sha256sum < \(target)").stdout

        // SIGTERM: the copy removes its temporary file itself and exits 128+15.
        let term = try spawn(h, ["scp", "-q", big, "sc2:\(target)"])
        usleep(300_000)
        kill(term.processIdentifier, SIGTERM)
        term.waitUntilExit()
        #expect(term.terminationStatus == 143, "exit \(term.terminationStatus)")
        #expect(Harness.sh("sha256sum < \(target)").stdout == old)
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")

        // The same towards this machine.
        let localTarget = "\(work)/back/victim.bin"
        Harness.sh("printf 'old contents\\n' > \(localTarget)")
        let down = try spawn(h, ["scp", "-q", "sc1:\(work)/sc1/big.bin", localTarget])
        usleep(300_000)
        kill(down.processIdentifier, SIGINT)
        down.waitUntilExit()
        #expect(down.terminationStatus == 130, "exit \(down.terminationStatus)")
        #expect(Harness.sh("sha256sum < \(localTarget)").stdout == old)
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")

        // SIGKILL: the dead process cannot clean up; the temporary file stays until the next copy there.
        let dead = try spawn(h, ["scp", "-q", big, "sc2:\(target)"])
        var appeared = false
        for _ in 0..<100 where !appeared {
            usleep(50_000)
            appeared = !temporaries(work).isEmpty
        }
        kill(dead.processIdentifier, SIGKILL)
        dead.waitUntilExit()
        #expect(appeared, "no temporary file seen before SIGKILL")
        #expect(Harness.sh("sha256sum < \(target)").stdout == old)
        sleep(2) // the next copy starts at least a second (the SFTP time resolution) later
        let next = h.berth(["scp", "-v", "\(work)/local/tree/empty", "sc2:\(work)/sc2/after-kill"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.lines.contains { $0.hasPrefix("removed stale ") }, "\(next.stdout)")
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")
        #expect(Harness.sh("sha256sum < \(target)").stdout == old)
    }

    // MARK: the data plane's own paths and faults

    /// Host to host the source agent pushes to the destination agent; when it cannot reach it, berth relays.
    func routes(_ h: Harness, _ work: String) throws {
        let source = "\(work)/sc1/route.bin"
        try #require(Harness.sh("head -c 40000000 /dev/urandom > \(source)").status == 0)
        defer { Harness.sh("rm -f \(work)/sc1/route.bin \(work)/sc2/route-*.bin") }
        let want = Harness.sh("sha256sum < \(source)").stdout
        let direct = h.berth(["scp", "-v", "sc1:\(source)", "sc2:\(work)/sc2/route-direct.bin"])
        #expect(direct.status == 0 && direct.lines.contains("sc1 -> sc2: agent to agent"), "\(direct)")
        #expect(Harness.sh("sha256sum < \(work)/sc2/route-direct.bin").stdout == want)

        // sc1 can no longer open connections to sc2's agent port (a firewall between them); berth can.
        let (host, port) = try h.agentAddress("sc2")
        let rule = "OUTPUT -p tcp -d \(host) --dport \(port) -j REJECT --reject-with tcp-reset"
        try #require(h.berth(["ssh", "sc1", "iptables -I \(rule)"]).status == 0)
        defer { h.berth(["ssh", "sc1", "iptables -D \(rule)"]) }
        let relayed = h.berth(["scp", "-v", "sc1:\(source)", "sc2:\(work)/sc2/route-relayed.bin"])
        #expect(relayed.status == 0, "\(relayed)")
        #expect(relayed.lines.contains { $0.hasPrefix("sc1 -> sc2: relayed through berth (sc1 cannot reach sc2") },
                "\(relayed.stdout)")
        #expect(Harness.sh("sha256sum < \(work)/sc2/route-relayed.bin").stdout == want)
    }

    /// The agent at either end killed while the bytes flow: one line naming the file, the destination as it was,
    /// and (once the launcher has the agent back) the next copy sweeps what the dead agent left.
    func agentsKilled(_ h: Harness, _ work: String) throws {
        let big = "\(work)/local/big.bin"
        let target = "\(work)/sc2/agent-victim.bin"
        Harness.sh("printf 'old contents\\n' > \(target)")
        let old = Harness.sh("sha256sum < \(target)").stdout
        let killAgent = "kill -KILL $(cat /run/berth/berthd.pid)"

        func copyWhileKilling(_ args: [String], kill machine: String) throws -> (status: Int32, stderr: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Harness.env["BERTH_BIN"] ?? "berth")
            p.arguments = args
            var e = Harness.env
            e["BERTH_STORAGE_PATH"] = h.store
            p.environment = e
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            var appeared = false
            for _ in 0..<200 where !appeared {
                usleep(25_000)
                appeared = !temporaries(work).isEmpty
            }
            #expect(appeared, "no temporary file seen before killing \(machine)'s agent")
            #expect(h.berth(["ssh", machine, killAgent]).status == 0)
            let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, said.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        func agentBack(_ machine: String) {
            for _ in 0..<100 {
                if h.berth(["status", machine]).stdout.contains("Running") { return }
                usleep(200_000)
            }
        }

        // The destination's agent dies: the upload stops with a line about the target.
        let up = try copyWhileKilling(["scp", "-q", big, "sc2:\(target)"], kill: "sc2")
        #expect(up.status != 0)
        #expect(up.stderr.split(separator: "\n").count == 1 && up.stderr.contains(target), "\(up.stderr)")
        #expect(Harness.sh("sha256sum < \(target)").stdout == old)
        agentBack("sc2")
        sleep(2) // the next copy starts at least a second after the temporary file's time
        let next = h.berth(["scp", "-v", "\(work)/local/tree/empty", "sc2:\(work)/sc2/after-agent-kill"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.lines.contains { $0.hasPrefix("removed stale ") }, "\(next.stdout)")
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")

        // The source's agent dies (and the launcher restarts it): the download stops, nothing is left here.
        let localTarget = "\(work)/back/agent-victim.bin"
        Harness.sh("printf 'old contents\\n' > \(localTarget)")
        let down = try copyWhileKilling(["scp", "-q", "sc1:\(work)/sc1/big.bin", localTarget], kill: "sc1")
        #expect(down.status != 0)
        #expect(down.stderr.split(separator: "\n").count == 1 && down.stderr.contains("big.bin"), "\(down.stderr)")
        #expect(Harness.sh("sha256sum < \(localTarget)").stdout == old)
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")
        agentBack("sc1")
        let again = h.berth(["scp", "-v", "sc1:\(work)/sc1/big.bin", localTarget])
        #expect(again.status == 0 && again.lines.contains("sc1: data plane (the agent, over TLS)"), "\(again)")
        Harness.sh("rm -f \(target) \(localTarget)")
    }

    /// A client certificate that another store's CA signed is refused in the TLS handshake: no HTTP answer at all.
    func foreignCertificate(_ h: Harness, _ work: String) throws {
        let dir = "\(work)/foreign"
        let make = """
            set -e; mkdir -p \(dir); cd \(dir)
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=other-ca 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.pem -subj /CN=intruder 2>/dev/null
            printf 'extendedKeyUsage=clientAuth\\n' > ext.cnf
            openssl x509 -req -in req.pem -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 \
              -extfile ext.cnf 2>/dev/null
            """
        try #require(Harness.sh(make).status == 0)
        defer { Harness.sh("rm -rf \(dir)") }
        let (host, port) = try h.agentAddress("sc1")
        let ping = "https://\(host):\(port)/berth/data/v1/ping"
        let certs = h.store + "/certs"
        func curl(_ cert: String, _ key: String) -> Harness.Output {
            Harness.sh("curl -s -o /dev/null -w '%{http_code}' --cacert \(certs)/ca.pem --cert \(cert) --key \(key) \(ping)")
        }
        let ours = curl("\(certs)/cert.pem", "\(certs)/key.pem")
        #expect(ours.stdout == "200", "the store's own certificate: \(ours)")
        let theirs = curl("\(dir)/cert.pem", "\(dir)/key.pem")
        #expect(theirs.status != 0 && theirs.stdout == "000", "another store's certificate: \(theirs)")
    }

    // MARK: bad input

    func badInput(_ h: Harness, _ work: String) throws {
        let file = "\(work)/local/tree/empty"
        let kept = "\(work)/sc1/kept.txt"
        Harness.sh("printf 'keep me\\n' > \(kept)")
        func fails(_ args: [String], _ fragments: [String], _ note: Comment) {
            let r = h.berth(["scp", "-q"] + args)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status != 0, note)
            #expect(lines.count == 1, "\(note): \(r.stderr)")
            for f in fragments { #expect(r.stderr.contains(f), "\(note): \(r.stderr)") }
        }
        fails(["\(work)/local/nope", "sc1:\(kept)"], ["\(work)/local/nope", "no such file"], "missing local source")
        fails(["sc1:\(work)/sc1/nope", kept], ["sc1:\(work)/sc1/nope", "no such file"], "missing remote source")
        fails(["\(work)/local/tree", "sc1:\(work)/sc1/"], ["\(work)/local/tree", "is a directory"], "directory without -r")
        fails([file, "nosuch:/tmp/x"], ["nosuch"], "unknown machine")
        fails([file, "nobody@sc1:/tmp/x"], ["nobody"], "user override")
        fails([file, "\(work)/local/tree/empty", "sc1:\(kept)"], ["sc1:\(kept)", "not a directory"], "several into a file")
        fails([file, "sc1:\(work)/sc1/no/such/dir/x"], ["sc1:\(work)/sc1/no/such/dir", "no such file"], "missing parent")

        // Permission: an immutable directory refuses even root.
        Harness.sh("mkdir -p \(work)/sc1/locked && chattr +i \(work)/sc1/locked")
        if Harness.sh("touch \(work)/sc1/locked/x 2>/dev/null").status != 0 {
            fails([file, "sc1:\(work)/sc1/locked/x"], ["sc1:\(work)/sc1/locked/x", "permission denied"], "permission")
            fails(["sc1:\(kept)", "\(work)/sc1/locked/x"], ["\(work)/sc1/locked/x", "permission denied"], "local permission")
        }
        Harness.sh("chattr -i \(work)/sc1/locked")

        // A full disk on the destination: a 1 MiB tmpfs in sc2's own mount namespace.
        let full = "\(work)/sc2/full"
        Harness.sh("mkdir -p \(full)")
        let mount = h.berth(["ssh", "sc2", "mount -t tmpfs -o size=1m tmpfs \(full) && printf 'before\\n' > \(full)/f"])
        if mount.status == 0 {
            fails(["\(work)/local/tree/sub dir/random.bin", "sc1:\(work)/sc1/big.bin", "sc2:\(full)/"],
                  ["sc2:\(full)/big.bin", "no space left"], "full disk")
            fails(["sc1:\(work)/sc1/big.bin", "sc2:\(full)/f"], ["sc2:\(full)/f", "no space left"], "full disk, replacing")
            let left = h.berth(["ssh", "sc2", "ls -A \(full); cat \(full)/f"]).stdout
            #expect(left.hasPrefix("f\nrandom.bin\nbefore") || left == "f\nbefore\n", "left on the full disk: \(left)")
            h.berth(["ssh", "sc2", "umount \(full)"])
        }
        #expect(Harness.sh("cat \(kept)").stdout == "keep me\n")
        #expect(temporaries(work).isEmpty, "\(temporaries(work))")
    }

    // MARK: a user other than root

    /// `user@machine`: the copy acts as that user, allowed and refused as for that user's own process, new files
    /// theirs, relative paths in their home. The user (uid 4242) exists only in sc1's mount namespace: passwd and
    /// group are bound over copies that add it; the lab sshd takes the machine's key (its one authorized_keys file,
    /// in the test's own store, opened here for others to read) for any user.
    func otherUser(_ h: Harness, _ work: String) throws {
        let dir = "\(work)/sc1/user"
        let keys = "\(h.store)/machines/sc1/lab"
        try #require(Harness.sh("chmod o+x \(h.store) \(h.store)/machines \(h.store)/machines/sc1 \(keys) "
                                + "&& chmod o+r \(keys)/authorized_keys").status == 0)
        let setup = """
        set -e; d='\(dir)'; mkdir -p "$d/home" "$d/rootonly"
        cp /etc/passwd "$d/passwd"; cp /etc/group "$d/group"
        echo "btscp:x:4242:4242:berth scp test:$d/home:/bin/sh" >> "$d/passwd"
        echo "btscp:x:4242:" >> "$d/group"
        mount --bind "$d/passwd" /etc/passwd; mount --bind "$d/group" /etc/group
        chown 4242:4242 "$d/home"; chmod 700 "$d/home"
        echo secret > "$d/rootonly/secret"; chmod 600 "$d/rootonly/secret"; chmod 755 "$d/rootonly"
        """
        let made = h.berth(["ssh", "sc1", setup])
        try #require(made.status == 0, "\(made.stderr)")
        defer { h.berth(["ssh", "sc1", "umount /etc/passwd; umount /etc/group; true"]) }
        let file = "\(work)/local/tree/sub dir/random.bin"
        let mine = h.berth(["scp", "-q", file, "btscp@sc1:\(dir)/home/mine.bin"])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(Harness.sh("stat -c '%u:%g' \(dir)/home/mine.bin").stdout == "4242:4242\n")
        let relative = h.berth(["scp", "-q", file, "btscp@sc1:rel.bin"])
        #expect(relative.status == 0 && Harness.sh("cmp '\(file)' \(dir)/home/rel.bin").status == 0, "\(relative.stderr)")
        for (args, shown) in [([file, "btscp@sc1:\(dir)/rootonly/x"], "sc1:\(dir)/rootonly/x"),
                              (["btscp@sc1:\(dir)/rootonly/secret", "\(work)/back/"], "sc1:\(dir)/rootonly/secret")] {
            let r = h.berth(["scp", "-q"] + args)
            #expect(r.status != 0 && r.stderr.contains(shown) && r.stderr.contains("permission denied")
                    && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        #expect(Harness.sh("ls \(dir)/rootonly").stdout == "secret\n")
        #expect(!FileManager.default.fileExists(atPath: "\(work)/back/secret"))
        // root, the machine's own SSH user, reads what btscp could not.
        #expect(h.berth(["scp", "-q", "sc1:\(dir)/rootonly/secret", "\(work)/back/"]).status == 0)
    }

    // MARK: helpers

    /// Type, permissions, mtime and SHA-256 of everything under `dir` (links by target), one line each.
    static let manifestScript = #"""
    cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
      if [ -L "$f" ]; then echo "L $f -> $(readlink "$f")"
      elif [ -d "$f" ]; then echo "D $f $(stat -c '%a %Y' "$f")"
      else echo "F $f $(stat -c '%a %Y' "$f") $(sha256sum < "$f" | cut -d' ' -f1)"; fi
    done
    """#

    func manifest(_ dir: String) -> String {
        Harness.run(["sh", "-c", Self.manifestScript, "sh", dir]).stdout
    }

    func remoteManifest(_ h: Harness, _ machine: String, _ dir: String) -> String {
        let quoted = "'" + Self.manifestScript.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        return h.berth(["ssh", machine, "sh -c \(quoted) sh '\(dir)'"]).stdout
    }

    /// Temporary files of copies anywhere under `work`.
    func temporaries(_ work: String) -> [String] {
        Harness.sh("find \(work) -name '.*.berth-tmp-*' 2>/dev/null").stdout.split(separator: "\n").map(String.init)
    }

    func spawn(_ h: Harness, _ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.env["BERTH_BIN"] ?? "berth")
        p.arguments = args
        var e = Harness.env
        e["BERTH_STORAGE_PATH"] = h.store
        for (k, v) in h.env { e[k] = v }
        p.environment = e
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}
