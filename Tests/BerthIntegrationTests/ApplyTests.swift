import Foundation
import Testing

/// `berth apply -f`, `topology` and `destroy -f` (issue 19) on lab hosts, as a user runs them: a file with a store,
/// overlay, flannel, a local bridge, a volume, imported and built images and containers; applied, re-applied,
/// drifted, pruned, fed bad input, clashed with a machine made outside it, stopped midway, and destroyed.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct ApplyTests {
    static let machines = ["ap1", "ap2", "apx"]
    static let labOptions = "{lab-network: btap, lab-subnet: 10.213.126.0/24}"

    static func file(worker: Bool = true, backSubnet: String = "172.30.9.0/24", apx: Bool = false,
                     late: Bool = false) -> String {
        var lines = ["name: aptest", "machines:", "  ap[1:2]:", "    driver: lab", "    options: \(labOptions)"]
        if apx { lines += ["  apx:", "    driver: lab", "    options: \(labOptions)"] }
        lines += ["""
            store:
              etcd: [ap1]
            networks:
              ov:
                driver: overlay
                subnet: 10.0.77.0/24
              fl:
                driver: flannel
                network: 10.77.0.0/16
              back:
                machines: [ap2]
                subnet: \(backSubnet)
            volumes:
              data:
                machines: [ap2]
            """]
        if late { lines += ["  more:", "    machines: [ap1]"] }
        lines += ["""
            images:
              busybox:
                import: ${APPLY_TAR}
                change: 'CMD ["sh"]'
              site:
                build: ./site
                machines: [ap1]
            containers:
              site-data: {machine: ap1, image: site, start: false}
              web:
                machine: ap1
                image: busybox
                command: httpd -f -p 80 -h /usr/local/apache2/htdocs
                volumes-from: [site-data]
                networks: [ov]
            """]
        if worker {
            lines += ["""
                  worker:
                    machine: ap2
                    image: busybox
                    command: [sleep, "3600"]
                    networks: [back, ov]
                    volumes: ["data:/data"]
                    ports: ["8080:80"]
                """]
        }
        if late { lines += ["  late: {machine: ap1, image: \"lateimg:1\", command: [sleep, \"3600\"]}"] }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func applyReapplyDriftPruneClashResumeAndDestroy() throws {
        let h = Harness("apply")
        let dir = NSTemporaryDirectory() + "berth-apply-\(getpid())"
        defer {
            h.berth(["destroy", "-f", dir + "/cluster.yml"], extraEnv: ["APPLY_TAR": dir + "/bb.tar"])
            h.cleanup(Self.machines)
            try? FileManager.default.removeItem(atPath: dir)
        }
        try FileManager.default.createDirectory(atPath: dir + "/site/htdocs", withIntermediateDirectories: true)
        try "FROM busybox\nADD htdocs /usr/local/apache2/htdocs\nVOLUME /usr/local/apache2/htdocs\n"
            .write(toFile: dir + "/site/Dockerfile", atomically: true, encoding: .utf8)
        try "<p>packed</p>\n".write(toFile: dir + "/site/htdocs/index.html", atomically: true, encoding: .utf8)
        let built = Harness.run([Harness.repo + "/Tests/scripts/busybox-rootfs.sh", dir + "/bb.tar"])
        try #require(built.status == 0, "\(built.stderr)")
        let env = ["APPLY_TAR": dir + "/bb.tar"]
        let path = dir + "/cluster.yml"
        func write(_ text: String, to p: String = path) throws { try text.write(toFile: p, atomically: true, encoding: .utf8) }
        func apply(_ extra: [String] = [], file: String = path) -> Harness.Output {
            h.berth(["apply", "-f", file] + extra, extraEnv: env)
        }
        func machines() -> [String] { h.berth(["ls", "-q"]).lines.sorted() }

        // Bad input first: one line naming the file, line and column; nothing made.
        let bad: [(String, String)] = [
            ("machines:\n  ap1: {driver: lab\n", "bad.yml:"),
            ("machines:\n  ap1:\n    driver: vbox\n", "unknown driver \"vbox\""),
            ("machines:\n  ap1: {driver: lab}\nnetworks:\n  n1: {machines: [ap9]}\n", "\"ap9\" is not a machine of this file"),
            ("machines:\n  ap1: {driver: lab}\nimages:\n  bb: {import: \"${NOT_SET_ANYWHERE}\"}\n", "NOT_SET_ANYWHERE"),
            ("machnes:\n  ap1: {driver: lab}\n", "unknown key \"machnes\""),
        ]
        for (text, needle) in bad {
            try write(text, to: dir + "/bad.yml")
            let r = apply(file: dir + "/bad.yml")
            #expect(r.status != 0 && r.stderr.contains(needle) && r.stderr.contains("bad.yml:"), "\(text): \(r)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
        #expect(machines().isEmpty)

        // The plan, then the cluster.
        try write(Self.file())
        let dry = apply(["--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("create machine ap1 (lab)")
                && dry.stdout.contains("run container worker on ap2 (busybox)"), "\(dry)")
        #expect(machines().isEmpty, "--dry-run made nothing")
        let first = apply()
        try #require(first.status == 0, "\(first)")
        #expect(machines() == ["ap1", "ap2"])
        let page = h.docker("ap2", ["run", "--rm", "--network", "ov", "busybox", "wget", "-qO-", "http://web/"])
        #expect(page.stdout == "<p>packed</p>\n", "served across hosts by name: \(page)")
        let nets = h.docker("ap2", ["inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "worker"])
        #expect(nets.stdout == "back ov \n", "\(nets)")
        let lease = h.docker("ap1", ["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", "bridge"])
        #expect(lease.stdout.hasPrefix("10.77."), "flannel readdressed the default bridge: \(lease)")

        // Again: nothing to do.
        let again = apply()
        #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again)")

        // The topology, as a tree and as SVG.
        let tree = h.berth(["topology", "-f", path], extraEnv: env)
        #expect(tree.status == 0 && tree.stdout.contains("ap1") && tree.stdout.contains("web")
                && tree.stdout.contains("10.0.77."), "\(tree)")
        let svg = h.berth(["topology", "-f", path, "--svg", dir + "/t.svg"], extraEnv: env)
        #expect(svg.status == 0 && ((try? String(contentsOfFile: dir + "/t.svg", encoding: .utf8)) ?? "").contains("<svg"),
                "\(svg)")

        // Drift is reported, not changed.
        try write(Self.file(backSubnet: "172.30.10.0/24"))
        let drift = apply()
        #expect(drift.status == 0 && drift.stdout.contains(
            "drift: network back on ap2: subnet 172.30.10.0/24 in the file, 172.30.9.0/24 on the machine"), "\(drift)")

        // Prune: kept without --prune, removed with it.
        try write(Self.file(worker: false))
        let kept = apply()
        #expect(kept.status == 0 && kept.stdout.contains("kept: container worker on ap2"), "\(kept)")
        #expect(h.docker("ap2", ["ps", "-aq", "--filter", "name=worker"]).stdout != "")
        let pruned = apply(["--prune"])
        #expect(pruned.status == 0 && pruned.stdout.contains("remove container worker on ap2"), "\(pruned)")
        #expect(h.docker("ap2", ["ps", "-aq", "--filter", "name=worker"]).stdout == "")

        // A machine made outside the file: refused, then adopted.
        let outside = h.berth(["create", "-d", "lab", "--lab-network", "btap", "--lab-subnet", "10.213.126.0/24", "apx"])
        try #require(outside.status == 0, "\(outside)")
        try write(Self.file(worker: false, apx: true))
        let clash = apply()
        #expect(clash.status != 0 && clash.stderr.contains("machine apx exists and was not made by this file"), "\(clash)")
        let adopted = apply(["--adopt"])
        #expect(adopted.status == 0 && adopted.stdout.contains("adopt machine apx"), "\(adopted)")

        // A step that fails midway: what was done is kept; the next apply finishes it.
        try write(Self.file(worker: false, apx: true, late: true))
        let stopped = apply()
        #expect(stopped.status != 0 && stopped.stderr.contains("apply stopped"), "\(stopped)")
        #expect(h.docker("ap1", ["volume", "ls", "-q"]).lines.contains("more"), "the volume made before the failure stays")
        let tar = dir + "/bb.tar"
        #expect(h.docker("ap1", ["import", tar, "lateimg:1"]).status == 0)
        let finished = apply()
        #expect(finished.status == 0 && finished.stdout.contains("run container late on ap1"), "\(finished)")
        #expect(!finished.stdout.contains("create volume more"), "\(finished)")

        // Destroy: everything the file made or adopted, and nothing is left.
        let destroyed = h.berth(["destroy", "-f", path], extraEnv: env)
        #expect(destroyed.status == 0, "\(destroyed)")
        #expect(machines().isEmpty)
        #expect(Harness.namespaces(prefix: "btap-").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: h.store + "/clusters/aptest.json"))
        let twice = h.berth(["destroy", "-f", path], extraEnv: env)
        #expect(twice.status == 0 && twice.stdout.contains("nothing to destroy"), "\(twice)")
    }
}
