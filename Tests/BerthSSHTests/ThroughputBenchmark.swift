import Foundation
import Testing
import BerthSSH

/// Upload/download throughput for a 256 MiB file over loopback. Opt-in: BERTH_SSH_BENCH=1.
@Suite(.enabled(if: TestSSHD.available && ProcessInfo.processInfo.environment["BERTH_SSH_BENCH"] != nil))
struct ThroughputBenchmark {
    @Test func upload256MiB() throws {
        let keys = try #require(TestKeys.shared)
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let session = try SSHSession.connect(sshd.endpoint(key: keys.ed25519))
        defer { session.close() }
        let size = 256 << 20
        let local = sshd.dir + "/big.bin"
        try TestFiles.writeRandomFile(local, size: size)
        let remote = sshd.dir + "/big.remote"
        for round in 1...3 {
            let t0 = Date()
            try session.uploadFile(local, to: remote, mode: 0o644, progress: nil)
            let up = Date().timeIntervalSince(t0)
            let t1 = Date()
            let data = try session.download(remote)
            let down = Date().timeIntervalSince(t1)
            #expect(data.count == size)
            let mib = Double(size) / 1048576
            print(String(format: "round %d: upload %.1f MiB/s (%.2fs), download %.1f MiB/s (%.2fs)",
                         round, mib / up, up, mib / down, down))
        }
        let sum = try session.check("sha256sum \(shellQuote(remote))")
        #expect(sum.hasPrefix(try TestFiles.sha256(ofFile: local)))
    }
}
