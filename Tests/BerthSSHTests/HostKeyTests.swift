import Foundation
import Testing
@testable import BerthSSH

@Suite struct HostKeyTests {
    // From `ssh-keygen -lf` on a fixed ed25519 public key.
    static let ed25519Line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

    @Test func fingerprintIsUnpaddedBase64() {
        let digest = Data(repeating: 0, count: 32)
        #expect(HostKey.fingerprint(sha256: digest) == "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    }

    @Test func keyFromBlobTakesTypeFromBlob() throws {
        let parts = Self.ed25519Line.split(separator: " ")
        let blob = try #require(Data(base64Encoded: String(parts[1])))
        let key = try #require(HostKey(blob: blob))
        #expect(key.type == "ssh-ed25519")
        #expect(key.base64 == String(parts[1]))
        #expect(key.fingerprint.hasPrefix("SHA256:"))
        #expect(!key.fingerprint.hasSuffix("="))
        #expect(key.fingerprint.count == 7 + 43)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")))
    func fingerprintMatchesSSHKeygen() throws {
        let dir = try TestFiles.makeTemporaryDirectory("berth-fp")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (type, bits) in [("ed25519", nil), ("ecdsa", nil), ("rsa", 2048)] as [(String, Int?)] {
            let path = dir + "/k_\(type)"
            try TestKeys.generate(type: type, bits: bits, path: path)
            let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            let fields = line.split(separator: " ")
            let key = try #require(HostKey(type: String(fields[0]), base64: String(fields[1])))
            #expect(key.fingerprint == (try TestKeys.fingerprint(ofPublicKey: path + ".pub")))
        }
    }
}
