import Foundation

/// Facts about a private key file's text that decide how to offer it.
enum PrivateKeyFormat {
    /// True for keys that need a passphrase: openssh-key-v1 with a cipher other than "none", legacy PEM
    /// with `Proc-Type: 4,ENCRYPTED`, and PKCS#8 `ENCRYPTED PRIVATE KEY`.
    static func isEncrypted(_ text: String) -> Bool {
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            return true
        }
        let begin = "-----BEGIN OPENSSH PRIVATE KEY-----", end = "-----END OPENSSH PRIVATE KEY-----"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex),
              let data = Data(base64Encoded: String(text[b.upperBound..<e.lowerBound].filter { !$0.isWhitespace }))
        else { return false }
        let magic = Array("openssh-key-v1".utf8) + [0]
        let bytes = [UInt8](data)
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else { return false }
        var r = SSHWireReader(Array(bytes[magic.count...]))
        guard let cipher = r.text() else { return false }
        return cipher != "none"
    }
}
