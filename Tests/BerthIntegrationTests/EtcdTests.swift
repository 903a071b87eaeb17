import Foundation
import Testing

/// The cluster store (issue 13, controller side): a 3-member etcd on lab hosts, `berth etcd ls`, Debian's etcdctl
/// through `berth etcd env`, a member killed and restarted by its launcher, a host stopped and started, a machine
/// created later pointed at the store, and `berth etcd rm` leaving nothing behind. Lab network btetcd only.
@Suite(.serialized, .enabled(if: Harness.enabled))
struct EtcdTests {
    static let members = ["etc1", "etc2", "etc3"]
    static let machines = members + ["etc4"]

    /// `etcdctl ARGS` with the environment `eval $(berth etcd env)` gives.
    func etcdctl(_ h: Harness, _ args: [String]) -> Harness.Output {
        var e = Harness.env
        for line in h.berth(["etcd", "env"]).stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let kv = line.dropFirst("export ".count)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            e[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return Harness.run(["etcdctl", "--dial-timeout=3s", "--command-timeout=5s"] + args, env: e)
    }

    /// Polls `berth etcd ls` until every member is healthy and one leads.
    func waitHealthy(_ h: Harness, seconds: Int = 60) -> Harness.Output {
        var ls = h.berth(["etcd", "ls"])
        for _ in 0..<(seconds * 2) {
            let rows = ls.lines.dropFirst()
            if ls.status == 0, rows.count == 3, rows.allSatisfy({ $0.contains(" healthy ") }),
               rows.filter({ $0.contains(" * ") }).count == 1 { return ls }
            usleep(500_000)
            ls = h.berth(["etcd", "ls"])
        }
        return ls
    }

    func memberPid(_ h: Harness, _ m: String) -> Int32? {
        Int32(h.berth(["ssh", m, "berth-etcd-ctl pid"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func threeMembersServeSurviveAKillAndGoAway() throws {
        let h = Harness("etcd")
        defer {
            h.berth(["etcd", "rm", "-f"])
            h.cleanup(Self.machines)
        }
        let lab = ["-d", "lab", "--lab-network", "btetcd", "--lab-subnet", "10.213.110.0/24"]
        let created = h.berth(["create"] + lab + Self.members)
        try #require(created.status == 0, "\(created.stderr)")

        // Bad input: one line, non-zero, nothing made.
        let even = h.berth(["etcd", "create", "etc1", "etc2"])
        #expect(even.status != 0 && even.stderr.contains("odd number") && even.stderr.split(separator: "\n").count == 1, "\(even)")
        let unknown = h.berth(["etcd", "create", "etc1", "etc2", "nosuch"])
        #expect(unknown.status != 0 && unknown.stderr.contains("Host does not exist: \"nosuch\""), "\(unknown)")
        #expect(h.berth(["stop", "etc3"]).status == 0)
        let stopped = h.berth(["etcd", "create"] + Self.members)
        #expect(stopped.status != 0 && stopped.stderr.contains("etc3: host is not running"), "\(stopped)")
        #expect(h.berth(["start", "etc3"]).status == 0)
        let none = h.berth(["etcd", "ls"])
        #expect(none.status != 0 && none.stderr.contains("no cluster store"), "\(none)")
        #expect(!FileManager.default.fileExists(atPath: h.store + "/etcd"))
        #expect(h.berth(["ssh", "etc1", "test -e /etc/berth/etcd || test -e /var/lib/berth/etcd"]).status != 0)

        let t0 = Date()
        let made = h.berth(["etcd", "create"] + Self.members)
        try #require(made.status == 0, "\(made.stdout)\n\(made.stderr)")
        print("etcd create of 3 members: \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        let again = h.berth(["etcd", "create", "etc1"])
        #expect(again.status != 0 && again.stderr.contains("exists already"), "\(again)")

        let ls = waitHealthy(h)
        print(ls.stdout)
        #expect(ls.lines.first?.hasPrefix("NAME") == true)
        #expect(ls.lines.dropFirst().filter { $0.contains(" healthy ") }.count == 3, "\(ls.stdout)")
        #expect(ls.lines.dropFirst().filter { $0.contains(" * ") }.count == 1, "\(ls.stdout)")

        // Stock etcdctl through `berth etcd env`; nothing without a Berth certificate gets in.
        #expect(etcdctl(h, ["put", "/berth-it/one", "1"]).status == 0)
        let got = etcdctl(h, ["get", "--prefix", "/"])
        #expect(got.status == 0 && got.stdout.contains("/berth-it/one\n1"), "\(got)")
        let ip1 = h.berth(["ip", "etc1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let anonymous = Harness.run(["curl", "-sk", "--max-time", "5", "https://\(ip1):2379/v3/kv/range", "-d", "{\"key\":\"Lw==\"}"])
        #expect(anonymous.status != 0 && !anonymous.stdout.contains("kvs"), "\(anonymous)")

        // Every agent points at the store, dockerd's way.
        let conf = h.berth(["ssh", "etc2", "cat /etc/berth/berthd.json"]).stdout
        #expect(conf.contains("\"cluster-store\": \"etcd://10.213.110.") && conf.contains("\"cluster-advertise\": \"10.213.110."), "\(conf)")
        #expect(conf.contains("/etc/berth/etcd/client-key.pem"), "\(conf)")
        #expect(h.berth(["ssh", "etc2", "stat -c %a /etc/berth/etcd/client-key.pem"]).stdout.hasPrefix("600"))

        // One member's etcd killed by pid: the cluster keeps serving, the launcher brings it back.
        let pid = try #require(memberPid(h, "etc2"))
        #expect(h.berth(["ssh", "etc2", "kill -9 \(pid)"]).status == 0)
        // etcdctl's balancer may first pick the dead member and time out on it; a second try goes to a live one.
        var meanwhile = etcdctl(h, ["put", "/berth-it/two", "2"])
        for _ in 0..<3 where meanwhile.status != 0 { meanwhile = etcdctl(h, ["put", "/berth-it/two", "2"]) }
        #expect(meanwhile.status == 0, "a cluster of three serves with one member down: \(meanwhile)")
        var newPid: Int32?
        for _ in 0..<60 {
            newPid = memberPid(h, "etc2")
            if let p = newPid, p != pid { break }
            usleep(500_000)
        }
        #expect(newPid != nil && newPid != pid, "the launcher restarted etcd")
        #expect(waitHealthy(h).lines.dropFirst().filter { $0.contains(" healthy ") }.count == 3)
        #expect(etcdctl(h, ["get", "/berth-it/two", "--print-value-only"]).stdout == "2\n")

        // A lab host stopped takes its member down; started, the member is back.
        #expect(h.berth(["stop", "etc3"]).status == 0)
        #expect(etcdctl(h, ["put", "/berth-it/three", "3"]).status == 0)
        let started = h.berth(["start", "etc3"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(waitHealthy(h).lines.dropFirst().filter { $0.contains(" healthy ") }.count == 3)

        // A machine created later is pointed at the store too.
        let later = h.berth(["create"] + lab + ["etc4"])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(h.berth(["ssh", "etc4", "cat /etc/berth/berthd.json"]).stdout.contains("\"cluster-store\": \"etcd://"))

        // A member's host cannot be removed from under the store.
        let rmMember = h.berth(["rm", "-y", "etc1"])
        #expect(rmMember.status != 0 && rmMember.stderr.contains("member of the cluster store"), "\(rmMember)")

        let pids = Self.members.compactMap { memberPid(h, $0) }
        #expect(pids.count == 3)
        let removed = h.berth(["etcd", "rm"])
        #expect(removed.status == 0, "\(removed.stdout)\n\(removed.stderr)")
        for m in Self.machines {
            let left = h.berth(["ssh", m, "test -e /var/lib/berth/etcd && echo data; test -e /etc/berth/etcd && echo certs; "
                                + "grep -c cluster /etc/berth/berthd.json; ss -ltn | grep -c ':2379 \\|:2380 '; true"])
            #expect(left.stdout == "0\n0\n", "\(m): \(left.stdout)")
        }
        for p in pids { #expect(kill(p, 0) != 0, "etcd pid \(p) is gone") }
        #expect(!FileManager.default.fileExists(atPath: h.store + "/cluster.json"))
        #expect(!FileManager.default.fileExists(atPath: h.store + "/etcd"))
        #expect(h.berth(["etcd", "ls"]).status != 0)
        #expect(h.docker("etc1", ["info"]).status == 0, "agents answer after the store went")
    }
}
