import Foundation

/// The parts of an unencrypted RSA private key needed to sign, read from the formats ssh-keygen
/// writes: `OPENSSH PRIVATE KEY` (openssh-key-v1), `RSA PRIVATE KEY` (PKCS#1) and `PRIVATE KEY` (PKCS#8).
struct RSAPrivateKey: Equatable {
    /// Big-endian magnitudes.
    var n: [UInt8]
    var e: [UInt8]
    var d: [UInt8]

    /// The public key blob: string "ssh-rsa", mpint e, mpint n.
    var publicBlob: Data { blob(typeName: "ssh-rsa") }

    /// The public key blob with another leading type name. libssh2 1.10 takes the algorithm it names in
    /// the userauth request from this string, so `rsa-sha2-512` here makes it ask for a SHA-512 signature
    /// (OpenSSH reads a blob typed `rsa-sha2-*` as the same RSA key).
    func blob(typeName: String) -> Data {
        var w = SSHWireWriter()
        w.string(typeName)
        w.mpint(e)
        w.mpint(n)
        return w.data
    }

    /// Parses PEM text. Returns nil when the text is not an RSA key this type understands, including
    /// encrypted keys.
    init?(pem text: String) {
        if let body = Self.pemBody(text, label: "OPENSSH PRIVATE KEY") {
            guard let key = Self.parseOpenSSH(body) else { return nil }
            self = key
        } else if let body = Self.pemBody(text, label: "RSA PRIVATE KEY") {
            var outer = DERReader(body)
            guard let seq = outer.element(tag: 0x30), let key = Self.parsePKCS1(seq) else { return nil }
            self = key
        } else if let body = Self.pemBody(text, label: "PRIVATE KEY") {
            guard let key = Self.parsePKCS8(body) else { return nil }
            self = key
        } else {
            return nil
        }
    }

    init(n: [UInt8], e: [UInt8], d: [UInt8]) {
        self.n = n
        self.e = e
        self.d = d
    }

    /// The base64 body between BEGIN/END lines, nil if absent or if the PEM has headers (Proc-Type
    /// marks an encrypted legacy key).
    private static func pemBody(_ text: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex)
        else { return nil }
        let inner = text[b.upperBound..<e.lowerBound]
        guard !inner.contains(":") else { return nil }
        let base64 = inner.filter { !$0.isWhitespace }
        return Data(base64Encoded: String(base64)).map { [UInt8]($0) }
    }

    private static func parseOpenSSH(_ bytes: [UInt8]) -> RSAPrivateKey? {
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else { return nil }
        var r = SSHWireReader(Array(bytes[magic.count...]))
        guard let cipher = r.text(), cipher == "none", r.text() != nil, r.string() != nil,
              let count = r.uint32(), count == 1, r.string() != nil, let privateSection = r.string()
        else { return nil }
        var p = SSHWireReader(privateSection)
        guard let check1 = p.uint32(), let check2 = p.uint32(), check1 == check2,
              let type = p.text(), type == "ssh-rsa",
              let n = p.mpint(), let e = p.mpint(), let d = p.mpint(), !n.isEmpty, !e.isEmpty, !d.isEmpty
        else { return nil }
        return RSAPrivateKey(n: n, e: e, d: d)
    }

    /// RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }
    private static func parsePKCS1(_ sequence: [UInt8]) -> RSAPrivateKey? {
        var r = DERReader(sequence)
        guard r.unsignedInteger() != nil, let n = r.unsignedInteger(), let e = r.unsignedInteger(),
              let d = r.unsignedInteger(), !n.isEmpty, !e.isEmpty, !d.isEmpty
        else { return nil }
        return RSAPrivateKey(n: n, e: e, d: d)
    }

    /// PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING }
    private static func parsePKCS8(_ bytes: [UInt8]) -> RSAPrivateKey? {
        let rsaEncryption: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
        var outer = DERReader(bytes)
        guard let info = outer.element(tag: 0x30) else { return nil }
        var r = DERReader(info)
        guard r.unsignedInteger() != nil, let algorithm = r.element(tag: 0x30) else { return nil }
        var a = DERReader(algorithm)
        guard a.element(tag: 0x06) == rsaEncryption, let octets = r.element(tag: 0x04) else { return nil }
        var inner = DERReader(octets)
        guard let seq = inner.element(tag: 0x30) else { return nil }
        return parsePKCS1(seq)
    }
}
