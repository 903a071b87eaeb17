import BerthCore
import Foundation
import Testing
@testable import BerthSSH

/// Transfers that stop part way must leave the session usable (root only).
@Suite(.enabled(if: TestSSHD.available && TestKeys.shared != nil))
struct SFTPFailureTests {
    let keys: TestKeys
    init() throws { keys = try #require(TestKeys.shared) }

    struct SourceFailed: Error {}

    @Test func failingSourceStillLeavesTheChannelInStep() throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let session = try SSHSession.connect(sshd.endpoint(key: keys.ed25519, timeout: 5), operationTimeout: 10)
        defer { session.close() }
        let sftp = try session.sftp()
        let file = try sftp.openForWriting(sshd.dir + "/partial.bin")
        var produced = 0
        #expect(throws: SourceFailed.self) {
            try file.write(from: { buffer in
                guard produced < 24 << 20 else { throw SourceFailed() }
                let n = min(buffer.count, 1 << 20)
                buffer[0..<n].initializeMemory(as: UInt8.self, repeating: 0x5a)
                produced += n
                return n
            })
        }
        // Everything handed to libssh2 before the failure was written, and the same channel still answers.
        let size = try #require(try file.attributes().size)
        #expect(size >= 8 << 20 && size <= UInt64(produced))
        try file.close()
        let again = try sftp.stat(sshd.dir + "/partial.bin")
        #expect(again.size == size)
    }

    @Test func serverFailureMidUploadIsReportedAndRecovered() throws {
        // The server may not write files past 1 MiB (RLIMIT_FSIZE).
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized(), fileSizeLimitKiB: 1024)
        defer { sshd.stop() }
        let session = try SSHSession.connect(sshd.endpoint(key: keys.ed25519, timeout: 5), operationTimeout: 10)
        defer { session.close() }
        let big = Data(repeating: 7, count: 16 << 20)
        let start = Date()
        #expect(throws: SSHError.self) { try session.upload(big, to: sshd.dir + "/big.bin", mode: 0o644) }
        #expect(Date().timeIntervalSince(start) < 10)
        // The session, and SFTP on it, still work; the temporary file is gone.
        try session.upload(Data("small".utf8), to: sshd.dir + "/small.txt", mode: 0o644)
        #expect(try session.download(sshd.dir + "/small.txt") == Data("small".utf8))
        let names = try session.sftp().readDirectory(sshd.dir).map(\.name)
        #expect(!names.contains { $0.contains("berth-tmp") })
        #expect(!names.contains("big.bin"))
        #expect(try session.check("echo alive") == "alive\n")
    }
}
