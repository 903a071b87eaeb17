import Foundation
import Testing

/// Bad input gets one clear line, a non-zero exit, and leaves no half-registered machine.
@Suite("bad input", .serialized, .enabled(if: Harness.enabled))
struct BadInputTests {
    @Test(arguments: [
        (["create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "bad_name"], "invalid machine name"),
        (["create", "-d", "generic", "nohost"], "--generic-ip-address"),
        (["create", "-d", "nosuch", "x1"], "Driver \"nosuch\" not found"),
        (["create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "--generic-ssh-port", "1", "closed"], "refused"),
        (["create", "-d", "lab", "--lab-subnet", "10.213.95.1/24", "badnet"], "host bits"),
        (["inspect", "ghost"], "Host does not exist: \"ghost\""),
        (["ls", "--filter", "color=red"], "Unsupported filter key 'color'"),
    ])
    func oneClearLine(args: [String], expected: String) {
        let h = Harness("bad")
        defer { h.cleanup([]) }
        let o = h.berth(args)
        #expect(o.status != 0)
        let errLines = o.stderr.split(separator: "\n")
        #expect(errLines.count == 1, "stderr: \(o.stderr)")
        #expect(o.stderr.contains(expected), "stderr: \(o.stderr)")
        let machines = (try? FileManager.default.contentsOfDirectory(atPath: h.store + "/machines")) ?? []
        #expect(machines.isEmpty, "left in store: \(machines)")
    }

    @Test func duplicateNameKeepsTheFirst() {
        let h = Harness("dup")
        defer { h.cleanup(["d1"]) }
        // Register by hand a minimal machine record, then try to create over it.
        let dir = h.store + "/machines/d1"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let rec = #"{"ConfigVersion":1,"Name":"d1","DriverName":"generic","Driver":{"IPAddress":"127.0.0.1","SSHUser":"root","SSHPort":1},"EngineOptions":{"Port":2376,"Labels":[],"ArbitraryFlags":[],"Env":[]},"SSH":{"IPAddress":"127.0.0.1","Port":1,"User":"root"},"CreatedAt":"2026-01-01T00:00:00Z"}"#
        FileManager.default.createFile(atPath: dir + "/config.json", contents: Data(rec.utf8))
        let o = h.berth(["create", "-d", "generic", "--generic-ip-address", "127.0.0.1", "d1"])
        #expect(o.status != 0)
        #expect(o.stderr.contains("Host already exists: \"d1\""), "stderr: \(o.stderr)")
        #expect(FileManager.default.contents(atPath: dir + "/config.json") == Data(rec.utf8))
        // ls shows an unreachable host without failing.
        let ls = h.berth(["ls", "--timeout", "2"])
        #expect(ls.status == 0)
        #expect(ls.stdout.contains("d1"))
    }
}
