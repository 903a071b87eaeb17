import X509

/// A parsed certificate authority: its certificate and the key that signs for it.
struct SigningAuthority {
    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// Parses `pair` and checks that it is a CA whose key matches its certificate.
    init(_ pair: PEMPair) throws {
        let certificate = try Certificate.parse(pem: pair.certificatePEM)
        let privateKey = try Certificate.PrivateKey.parse(pem: pair.privateKeyPEM)
        guard privateKey.publicKey == certificate.publicKey else { throw CertificateError.keyMismatch }
        guard case .isCertificateAuthority = try certificate.extensions.basicConstraints else {
            throw CertificateError.notACertificateAuthority(subject: certificate.subject.description)
        }
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// The authority key identifier leafs carry: the CA's subject key identifier, else a hash of its key.
    var authorityKeyIdentifier: AuthorityKeyIdentifier {
        let declared = (try? certificate.extensions.subjectKeyIdentifier) ?? nil
        let ski = declared ?? SubjectKeyIdentifier(hash: certificate.publicKey)
        return AuthorityKeyIdentifier(keyIdentifier: ski.keyIdentifier)
    }
}
