import Foundation
import Testing
import BerthSSH

/// `SSHSession.interactive` drives this process's own stdin/stdout, so it cannot run inside the shared
/// test run. Opt-in: run the test binary alone with BERTH_SSH_INTERACTIVE=<command or "shell"> and
/// BERTH_SSH_INTERACTIVE_EXPECT=<status>, with stdin from a file, a pipe, or a pty (`script`).
@Suite(.enabled(if: TestSSHD.available && ProcessInfo.processInfo.environment["BERTH_SSH_INTERACTIVE"] != nil))
struct InteractiveManualTests {
    @Test func interactiveSession() throws {
        let env = ProcessInfo.processInfo.environment
        let keys = try #require(TestKeys.shared)
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let session = try SSHSession.connect(sshd.endpoint(key: keys.ed25519))
        defer { session.close() }
        let command = env["BERTH_SSH_INTERACTIVE"].flatMap { $0 == "shell" ? nil : $0 }
        let status = try session.interactive(command: command)
        FileHandle.standardError.write(Data("\r\ninteractive exit status: \(status)\r\n".utf8))
        if let expected = env["BERTH_SSH_INTERACTIVE_EXPECT"].flatMap(Int32.init) {
            #expect(status == expected)
        }
    }
}
