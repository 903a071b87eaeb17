import Foundation
import Testing
@testable import BerthSSH

@Suite struct RSAPrivateKeyTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
    func readsOpenSSHPKCS1AndPKCS8Forms() throws {
        let dir = try TestFiles.makeTemporaryDirectory("berth-rsa")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for format in [nil, "PEM", "PKCS8"] as [String?] {
            let path = dir + "/k_\(format ?? "openssh")"
            try TestKeys.generate(type: "rsa", bits: 2048, path: path, extra: format.map { ["-m", $0] } ?? [])
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            let key = try #require(RSAPrivateKey(pem: pem), "format \(format ?? "openssh")")
            let pub = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ")
            #expect(key.publicBlob.base64EncodedString() == String(pub[1]))
            #expect(key.n.count == 256)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
    func recognizesPassphraseProtectedKeys() throws {
        let dir = try TestFiles.makeTemporaryDirectory("berth-enc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String, [String])] = [
            ("plain", "", []), ("locked", "secret", []),
            ("lockedpem", "secret", ["-m", "PEM"]), ("lockedp8", "secret", ["-m", "PKCS8"]),
        ]
        for (name, passphrase, extra) in cases {
            let path = dir + "/" + name
            try TestKeys.generate(type: name == "plain" ? "ed25519" : "rsa", bits: name == "plain" ? nil : 2048,
                                  path: path, passphrase: passphrase, extra: extra)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(PrivateKeyFormat.isEncrypted(text) == !passphrase.isEmpty, "\(name)")
            if !passphrase.isEmpty { #expect(RSAPrivateKey(pem: text) == nil, "\(name)") }
        }
    }

    @Test func rejectsOtherKeysAndEncryptedOnes() {
        #expect(RSAPrivateKey(pem: "not a key") == nil)
        #expect(RSAPrivateKey(pem: "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----") == nil)
    }

    @Test func sha2BlobRenamesOnlyTheType() {
        let key = RSAPrivateKey(n: [0x80, 1], e: [1, 0, 1], d: [5])
        var r = SSHWireReader(key.blob(typeName: "rsa-sha2-512"))
        #expect(r.text() == "rsa-sha2-512")
        #expect(r.string() == [1, 0, 1])
        #expect(r.string() == [0, 0x80, 1]) // mpint sign padding
        #expect(r.isAtEnd)
    }
}
