import BerthCore
import Testing
@testable import BerthSSH

@Suite struct SSHErrorTests {
    let peer = SSHPeer(label: "lab1", host: "10.0.0.2", port: 22)

    @Test func messagesAreOneLineWithHost() {
        let cases: [(SSHError, String)] = [
            (.connectionRefused(peer), "ssh lab1 (10.0.0.2:22): connection refused"),
            (.connectTimedOut(peer, seconds: 10), "ssh lab1 (10.0.0.2:22): connection timed out after 10s"),
            (.connectTimedOut(peer, seconds: 2.5), "ssh lab1 (10.0.0.2:22): connection timed out after 2.5s"),
            (.resolveFailed(SSHPeer(label: "lab1", host: "lab1.example", port: 22), reason: "Name or service not known"),
             "ssh lab1 (lab1.example:22): cannot resolve lab1.example: Name or service not known"),
            (.handshakeFailed(peer, reason: "no answer within 10s"),
             "ssh lab1 (10.0.0.2:22): SSH handshake failed: no answer within 10s"),
            (.authenticationFailed(peer, user: "root", tried: ["/k"], note: nil),
             "ssh lab1 (10.0.0.2:22): authentication failed for user root (tried /k)"),
            (.sftp(peer, operation: "SFTP open", path: "/x", status: 2), "ssh lab1 (10.0.0.2:22): SFTP open /x: no such file"),
            (.commandFailed(peer, command: "mv -f -- a b", exitStatus: 1, stderr: "mv: nope\n\n"),
             "ssh lab1 (10.0.0.2:22): `mv -f -- a b` exited 1: mv: nope"),
        ]
        for (error, text) in cases {
            #expect(error.description == text)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func peerNamesIPv6AndBareHosts() {
        #expect(SSHPeer(label: "::1", host: "::1", port: 2222).description == "ssh [::1]:2222")
        #expect(SSHPeer(SSHEndpoint(host: "h", port: 22)).description == "ssh h:22")
    }

    @Test func mismatchNamesFingerprintsFileAndFix() {
        let e = SSHError.hostKeyMismatch(peer, knownHostsPath: "/m/known_hosts", hostPattern: "[10.0.0.2]:2222",
                                         pinned: "ssh-ed25519 SHA256:old", presented: "ssh-ed25519 SHA256:new")
        #expect(e.description.contains("SHA256:old"))
        #expect(e.description.contains("SHA256:new"))
        #expect(e.description.contains("remove the [10.0.0.2]:2222 line from /m/known_hosts"))
        #expect(!e.description.contains("\n"))
    }

    @Test func signalNames() {
        #expect(SSHChannel.signalNumber("KILL") == 9)
        #expect(SSHChannel.signalNumber("SIGTERM") == 15)
        #expect(SSHChannel.signalNumber("WEIRD") == nil)
    }

    @Test func temporaryNameSitsBesideDestination() {
        let tmp = SSHSession.temporaryPath(for: "/etc/docker/daemon.json")
        #expect(tmp.hasPrefix("/etc/docker/.daemon.json.berth-tmp-"))
        #expect(SSHSession.temporaryPath(for: "file").hasPrefix(".file.berth-tmp-"))
        #expect(SSHSession.temporaryPath(for: "/a") != SSHSession.temporaryPath(for: "/a"))
    }
}
