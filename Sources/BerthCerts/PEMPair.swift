/// A certificate and its private key, both PEM-encoded.
///
/// The certificate is an X.509 `CERTIFICATE` block; the key is a PKCS#8 `PRIVATE KEY` block.
/// BerthCerts never writes these to disk: the caller decides where they live and with which mode.
public struct PEMPair: Codable, Equatable, Hashable, Sendable {
    /// The certificate, `-----BEGIN CERTIFICATE-----`.
    public var certificatePEM: String
    /// The private key in PKCS#8, `-----BEGIN PRIVATE KEY-----`.
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}
