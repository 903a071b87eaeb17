import X509

extension CertificateFactory {
    /// True when `leaf` (PEM) names `ca` (PEM) as its issuer and carries a valid signature by `ca`'s key.
    /// Validity dates and extensions are not checked here; see ``CertificateSummary``.
    public static func verify(leaf: String, issuedBy ca: String) -> Bool {
        guard let leafCertificate = try? Certificate.parse(pem: leaf),
              let caCertificate = try? Certificate.parse(pem: ca) else { return false }
        return leafCertificate.issuer == caCertificate.subject
            && caCertificate.publicKey.isValidSignature(leafCertificate.signature, for: leafCertificate)
    }

    /// True when `pair.privateKeyPEM` is the private half of `pair.certificatePEM`'s public key.
    public static func keyMatches(_ pair: PEMPair) -> Bool {
        guard let certificate = try? Certificate.parse(pem: pair.certificatePEM),
              let key = try? Certificate.PrivateKey.parse(pem: pair.privateKeyPEM) else { return false }
        return key.publicKey == certificate.publicKey
    }
}
