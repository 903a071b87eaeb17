import BerthCore
import Foundation
import Testing
@testable import BerthSSH

/// Tests against a private sshd on 127.0.0.1 (root only).
@Suite(.enabled(if: TestSSHD.available && TestKeys.shared != nil))
struct SSHSessionTests {
    let keys: TestKeys
    init() throws { keys = try #require(TestKeys.shared) }

    private func withServer(_ body: (TestSSHD) throws -> Void) throws {
        let sshd = try TestSSHD(authorizedKeys: try keys.authorized())
        defer { sshd.stop() }
        try body(sshd)
    }

    private func withSession(key: String? = nil, _ body: (SSHSession, TestSSHD) throws -> Void) throws {
        try withServer { sshd in
            let session = try SSHSession.connect(sshd.endpoint(key: key ?? keys.ed25519))
            defer { session.close() }
            try body(session, sshd)
        }
    }

    // MARK: authentication

    @Test func ed25519KeyAuthenticates() throws {
        try withSession(key: keys.ed25519) { session, _ in
            #expect(session.authenticatedWith == keys.ed25519)
            let user = try session.check("id -un")
            #expect(user == "root\n")
        }
    }

    @Test func rsa3072KeyAuthenticatesWithSHA2() throws {
        try withSession(key: keys.rsa3072) { session, sshd in
            #expect(session.authenticatedWith == keys.rsa3072)
            #expect(try session.check("echo ok") == "ok\n")
            let log = try String(contentsOfFile: sshd.logPath, encoding: .utf8)
            #expect(log.contains("Accepted publickey for root") && log.contains("RSA SHA256:"))
        }
    }

    @Test func legacyPEMRSAKeyAuthenticates() throws {
        try withSession(key: keys.rsaPEM) { session, _ in
            let out = try session.check("echo ok")
            #expect(out == "ok\n")
        }
    }

    @Test func wrongKeyIsRefusedWithClearMessage() throws {
        try withServer { sshd in
            let endpoint = sshd.endpoint(key: keys.stranger, label: "lab1")
            do {
                _ = try SSHSession.connect(endpoint)
                Issue.record("stranger key was accepted")
            } catch let error as SSHError {
                guard case .authenticationFailed = error else { Issue.record("unexpected: \(error)"); return }
                #expect(error.description
                        == "ssh lab1 (127.0.0.1:\(sshd.port)): authentication failed for user root (tried \(keys.stranger))")
            }
        }
    }

    @Test func passphraseProtectedKeyIsExplained() throws {
        try withServer { sshd in
            let path = sshd.dir + "/id_locked"
            try TestKeys.generate(type: "ed25519", path: path, passphrase: "secret")
            // Authorized, so the server accepts the public half and libssh2 needs the private one.
            let authorized = try String(contentsOfFile: sshd.dir + "/authorized_keys", encoding: .utf8)
                + (try String(contentsOfFile: path + ".pub", encoding: .utf8))
            try authorized.write(toFile: sshd.dir + "/authorized_keys", atomically: true, encoding: .utf8)
            #expect {
                _ = try SSHSession.connect(sshd.endpoint(key: path))
            } throws: { error in
                let text = (error as? SSHError)?.description ?? ""
                return text.hasSuffix(
                    "authentication failed for user root (tried \(path) (passphrase-protected; load it into ssh-agent))")
            }
        }
    }

    @Test func missingKeyFileIsNamed() throws {
        try withServer { sshd in
            #expect {
                _ = try SSHSession.connect(sshd.endpoint(key: keys.dir + "/nope"))
            } throws: { error in
                (error as? SSHError)?.description.contains("tried \(keys.dir)/nope (no such file)") == true
            }
        }
    }

    @Test func connectionRefusedIsOneLine() throws {
        let port = try TestSSHD.freePort()
        let endpoint = SSHEndpoint(host: "127.0.0.1", port: port, keyPath: keys.ed25519, label: "lab1", connectTimeout: 3)
        #expect {
            _ = try SSHSession.connect(endpoint)
        } throws: { error in
            (error as? SSHError)?.description == "ssh lab1 (127.0.0.1:\(port)): connection refused"
        }
    }

    // MARK: host keys

    @Test func hostKeyIsPinnedThenMismatchIsRefused() throws {
        try withServer { sshd in
            let knownHosts = sshd.dir + "/pins/known_hosts"
            let endpoint = sshd.endpoint(key: keys.ed25519, knownHosts: knownHosts, label: "lab1")
            let first = try SSHSession.connect(endpoint)
            let presented = try #require(first.hostKey)
            first.close()

            let text = try String(contentsOfFile: knownHosts, encoding: .utf8)
            #expect(text == "[127.0.0.1]:\(sshd.port) \(presented.type) \(presented.base64)\n")
            let mode = (try FileManager.default.attributesOfItem(atPath: knownHosts)[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o600)
            let expectedOld = try TestKeys.fingerprint(ofPublicKey: sshd.hostKeyPath + ".pub")
            #expect(presented.fingerprint == expectedOld)

            // Same key again: accepted, file unchanged.
            try SSHSession.connect(endpoint).close()
            #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == text)

            try sshd.restartWithNewHostKey()
            let expectedNew = try TestKeys.fingerprint(ofPublicKey: sshd.hostKeyPath + ".pub")
            do {
                _ = try SSHSession.connect(endpoint)
                Issue.record("changed host key was accepted")
            } catch let error as SSHError {
                guard case .hostKeyMismatch = error else { Issue.record("unexpected: \(error)"); return }
                let message = error.description
                #expect(message.hasPrefix("ssh lab1 (127.0.0.1:\(sshd.port)): host key mismatch"))
                #expect(message.contains(expectedOld))
                #expect(message.contains(expectedNew))
                #expect(message.contains(knownHosts))
                #expect(message.contains("[127.0.0.1]:\(sshd.port)"))
                #expect(!message.contains("\n"))
            }
            #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == text)
        }
    }

    // MARK: run

    @Test func runReportsExitStatusStdoutAndStderr() throws {
        try withSession { session, _ in
            let r = try session.run("echo out; echo err >&2; exit 3")
            #expect(r.exitStatus == 3)
            #expect(r.output == "out\n")
            #expect(r.errorOutput == "err\n")
            #expect(try session.run("true").exitStatus == 0)
            #expect(try session.run("kill -9 $$").exitStatus == 128 + 9)
            #expect(throws: RemoteCommandError.self) { try session.check("false") }
        }
    }

    @Test func runFeedsStdinAndClosesIt() throws {
        try withSession { session, _ in
            let input = Data((0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let echoed = try session.run("cat", stdin: input, onOutput: nil)
            #expect(echoed.exitStatus == 0)
            #expect(echoed.stdout == input)
            // No stdin: the command sees EOF at once instead of hanging.
            #expect(try session.run("cat").stdout.isEmpty)
            // A command that ignores a large stdin still finishes.
            #expect(try session.run("exit 4", stdin: input, onOutput: nil).exitStatus == 4)
        }
    }

    @Test func heavyStdoutAndStderrTogetherDoNotDeadlock() throws {
        try withSession { session, _ in
            let r = try session.run("head -c 4000000 /dev/zero >&2 & head -c 4000000 /dev/zero; wait")
            #expect(r.exitStatus == 0)
            #expect(r.stdout.count == 4_000_000)
            #expect(r.stderr.count == 4_000_000)
        }
    }

    @Test func outputStreamsWhileTheCommandRuns() throws {
        try withSession { session, _ in
            let start = Date()
            var events: [(Int, String, TimeInterval)] = []
            let r = try session.run("echo first; sleep 0.5; echo second >&2", stdin: nil) { stream, chunk in
                events.append((stream, String(decoding: chunk, as: UTF8.self), Date().timeIntervalSince(start)))
            }
            #expect(r.exitStatus == 0)
            #expect(events.map(\.0) == [1, 2])
            #expect(events.map(\.1) == ["first\n", "second\n"])
            if events.count == 2 { #expect(events[1].2 - events[0].2 >= 0.3) }
        }
    }

    // MARK: files

    @Test func uploadAndDownload64MiBRoundTrip() throws {
        try withSession { session, sshd in
            let local = sshd.dir + "/random.bin"
            try TestFiles.writeRandomFile(local, size: 64 << 20)
            let remote = sshd.dir + "/remote/random.bin"
            try FileManager.default.createDirectory(atPath: sshd.dir + "/remote", withIntermediateDirectories: true)
            var calls = 0
            var last: (Int64, Int64) = (0, 0)
            try session.uploadFile(local, to: remote, mode: 0o640) { sent, total in
                calls += 1
                last = (sent, total)
            }
            #expect(calls > 2)
            #expect(last == (64 << 20, 64 << 20))
            let localSum = try TestFiles.sha256(ofFile: local)
            #expect(try session.check("sha256sum \(shellQuote(remote))").hasPrefix(localSum))
            #expect(try session.check("stat -c %a \(shellQuote(remote))") == "640\n")
            let back = try session.download(remote)
            #expect(back == (try Data(contentsOf: URL(fileURLWithPath: local))))
            #expect(try session.check("ls -A \(shellQuote(sshd.dir + "/remote"))") == "random.bin\n")
        }
    }

    @Test func uploadReplacesAnExistingFileAtomically() throws {
        try withSession { session, sshd in
            let remote = sshd.dir + "/daemon.json"
            try session.upload(Data("one".utf8), to: remote, mode: 0o644)
            try session.upload(Data("two, longer".utf8), to: remote, mode: 0o600)
            #expect(try session.download(remote) == Data("two, longer".utf8))
            #expect(try session.check("stat -c %a \(shellQuote(remote))") == "600\n")
            try session.upload(Data(), to: remote, mode: 0o644)
            #expect(try session.download(remote).isEmpty)
            let names = try session.sftp().readDirectory(sshd.dir).map(\.name)
            #expect(!names.contains { $0.contains("berth-tmp") })
        }
    }

    @Test func failedUploadLeavesNoTemporaryFile() throws {
        try withSession { session, sshd in
            let target = sshd.dir + "/adir"
            try session.check("mkdir -p \(shellQuote(target))/inside")
            #expect(throws: SSHError.self) { try session.upload(Data("x".utf8), to: target, mode: 0o644) }
            let names = try session.sftp().readDirectory(sshd.dir).map(\.name)
            #expect(!names.contains { $0.contains("berth-tmp") })
            #expect(throws: SSHError.self) { try session.upload(Data("x".utf8), to: sshd.dir + "/no/such/dir/f", mode: 0o644) }
            do {
                _ = try session.download(sshd.dir + "/missing")
                Issue.record("download of a missing file succeeded")
            } catch let error as SSHError {
                #expect(error.isNoSuchFile)
                #expect(error.description.hasSuffix("SFTP open \(sshd.dir)/missing: no such file"))
            }
        }
    }

    @Test func sftpLowLevelOperations() throws {
        try withSession { session, sshd in
            let sftp = try session.sftp()
            let base = sshd.dir + "/tree"
            try sftp.mkdir(base, mode: 0o750)
            #expect(try sftp.stat(base).type == .directory)
            #expect(try sftp.stat(base).mode == 0o750)

            let file = try sftp.openForWriting(base + "/f.txt", mode: 0o600)
            try file.write(Data("hello ".utf8))
            try file.write(Data("world".utf8))
            try file.close()
            #expect(throws: SSHError.self) { try file.write(Data("late".utf8)) }

            let reader = try sftp.openForReading(base + "/f.txt")
            #expect(try reader.read(upTo: 5) == Data("hello".utf8))
            #expect(try reader.readToEnd() == Data(" world".utf8))
            #expect(try reader.read(upTo: 5).isEmpty)
            try reader.close()

            try sftp.setAttributes(base + "/f.txt", mode: 0o604, accessTime: 1_000_000_000, modificationTime: 1_234_567_890)
            let attrs = try sftp.stat(base + "/f.txt")
            #expect(attrs.size == 11)
            #expect(attrs.mode == 0o604)
            #expect(attrs.type == .regular)
            #expect(attrs.modificationTime == 1_234_567_890)
            #expect(attrs.accessTime == 1_000_000_000)

            try sftp.symlink(target: "f.txt", at: base + "/link")
            #expect(try sftp.readlink(base + "/link") == "f.txt")
            #expect(try sftp.lstat(base + "/link").type == .symbolicLink)
            #expect(try sftp.stat(base + "/link").type == .regular)

            let entries = try sftp.readDirectory(base).sorted { $0.name < $1.name }
            #expect(entries.map(\.name) == ["f.txt", "link"])
            #expect(entries.first?.attributes.size == 11)

            // SFTP v3 rename refuses to overwrite; the replacing form does it atomically.
            try session.upload(Data("new".utf8), to: base + "/g.txt", mode: 0o644)
            #expect(throws: SSHError.self) { try sftp.rename(base + "/g.txt", to: base + "/f.txt", replacing: false) }
            try sftp.rename(base + "/g.txt", to: base + "/f.txt")
            #expect(try session.download(base + "/f.txt") == Data("new".utf8))
            #expect(try !sftp.exists(base + "/g.txt"))

            #expect(try sftp.realpath(base + "/../tree") == base)
            try sftp.unlink(base + "/link")
            try sftp.unlink(base + "/f.txt")
            try sftp.rmdir(base)
            #expect(try !sftp.exists(base))
        }
    }

    @Test func closedSessionRefusesWork() throws {
        try withSession { session, _ in
            let sftp = try session.sftp()
            session.close()
            session.close()
            #expect(!session.isOpen)
            #expect(throws: SSHError.closed(session.peer)) { try session.run("true") }
            #expect(throws: SSHError.closed(session.peer)) { try sftp.stat("/") }
        }
    }

    @Test func connectorReturnsARemoteShell() throws {
        try withServer { sshd in
            let shell: RemoteShell = try SSHConnector().connect(sshd.endpoint(key: keys.ed25519))
            defer { shell.close() }
            #expect(try shell.check("echo via connector") == "via connector\n")
        }
    }
}
