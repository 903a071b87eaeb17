import Foundation
import Testing
@testable import BerthSSH

/// Default keys and ssh-agent, against a private sshd (root only).
@Suite(.enabled(if: TestSSHD.available && TestAgent.available && TestKeys.shared != nil))
struct SSHAuthSourcesTests {
    let keys: TestKeys
    init() throws { keys = try #require(TestKeys.shared) }

    private func connect(_ sshd: TestSSHD, _ sources: AuthSources) throws -> SSHSession {
        try SSHSession.connect(sshd.endpoint(key: nil), operationTimeout: 30, authSources: sources)
    }

    @Test func agentHeldRSAKeySignsWithSHA2() throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let agent = try TestAgent(keys: [keys.stranger, keys.rsa3072])
        defer { agent.stop() }
        let session = try connect(sshd, AuthSources(homeDirectory: nil, agentSocket: agent.socket))
        defer { session.close() }
        #expect(session.authenticatedWith?.hasPrefix("ssh-agent") == true)
        let out = try session.check("echo agent")
        #expect(out == "agent\n")
    }

    @Test func agentHeldEd25519Key() throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let agent = try TestAgent(keys: [keys.ed25519])
        defer { agent.stop() }
        let session = try connect(sshd, AuthSources(homeDirectory: nil, agentSocket: agent.socket))
        defer { session.close() }
        #expect(session.authenticatedWith == "ssh-agent (berth-test)")
    }

    @Test func defaultKeysUnderHomeAreTried() throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let home = try TestFiles.makeTemporaryDirectory("berth-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        // id_ed25519 is a key the server does not know; id_rsa is.
        try FileManager.default.copyItem(atPath: keys.stranger, toPath: home + "/.ssh/id_ed25519")
        try FileManager.default.copyItem(atPath: keys.rsa3072, toPath: home + "/.ssh/id_rsa")
        let session = try connect(sshd, AuthSources(homeDirectory: home, agentSocket: nil))
        defer { session.close() }
        #expect(session.authenticatedWith == home + "/.ssh/id_rsa")
    }

    @Test func nothingToOfferSaysSo() throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        let agent = try TestAgent(keys: [keys.stranger])
        defer { agent.stop() }
        #expect {
            _ = try connect(sshd, AuthSources(homeDirectory: nil, agentSocket: nil))
        } throws: { error in
            (error as? SSHError)?.description.hasSuffix(
                "authentication failed for user root (no key given, no ~/.ssh/id_* key, no ssh-agent)") == true
        }
        #expect {
            _ = try connect(sshd, AuthSources(homeDirectory: nil, agentSocket: agent.socket))
        } throws: { error in
            (error as? SSHError)?.description.hasSuffix("authentication failed for user root (tried ssh-agent (1 key))") == true
        }
    }
}
