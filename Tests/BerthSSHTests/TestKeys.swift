import Foundation

/// User keys generated once per test run with ssh-keygen (no passphrase).
final class TestKeys: @unchecked Sendable {
    static let shared: TestKeys? = try? TestKeys()

    let dir: String
    /// OpenSSH-format keys.
    let ed25519: String
    let rsa3072: String
    /// A legacy PEM (PKCS#1) RSA key.
    let rsaPEM: String
    /// A key that is not in authorized_keys.
    let stranger: String

    private init() throws {
        dir = try TestFiles.makeTemporaryDirectory("berth-keys")
        ed25519 = dir + "/id_ed25519"
        rsa3072 = dir + "/id_rsa3072"
        rsaPEM = dir + "/id_rsa_pem"
        stranger = dir + "/id_stranger"
        try Self.generate(type: "ed25519", path: ed25519)
        try Self.generate(type: "rsa", bits: 3072, path: rsa3072)
        try Self.generate(type: "rsa", bits: 2048, path: rsaPEM, extra: ["-m", "PEM"])
        try Self.generate(type: "ed25519", path: stranger)
        TestFiles.removeAtExit(dir)
    }

    /// The public halves of the keys the test sshd should accept.
    func authorized() throws -> [String] {
        try [ed25519, rsa3072, rsaPEM].map { try String(contentsOfFile: $0 + ".pub", encoding: .utf8) }
    }

    static func generate(type: String, bits: Int? = nil, path: String, passphrase: String = "",
                         extra: [String] = []) throws {
        var args = ["-q", "-t", type, "-N", passphrase, "-C", "berth-test", "-f", path] + extra
        if let bits { args += ["-b", String(bits)] }
        let result = try TestFiles.runTool("/usr/bin/ssh-keygen", args)
        guard result.status == 0 else { throw TestFailure("ssh-keygen failed: \(result.output)") }
    }

    /// `ssh-keygen -lf` fingerprint of a public key file (`SHA256:...`).
    static func fingerprint(ofPublicKey path: String) throws -> String {
        let result = try TestFiles.runTool("/usr/bin/ssh-keygen", ["-lf", path])
        let fields = result.output.split(separator: " ")
        guard result.status == 0, fields.count >= 2 else { throw TestFailure("ssh-keygen -lf: \(result.output)") }
        return String(fields[1])
    }
}
