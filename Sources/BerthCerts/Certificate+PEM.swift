import X509

extension Certificate {
    /// Parses one PEM `CERTIFICATE`, mapping library errors to ``CertificateError``.
    static func parse(pem: String) throws -> Certificate {
        do {
            return try Certificate(pemEncoded: pem)
        } catch {
            throw CertificateError.malformedCertificate(reason: String(describing: error))
        }
    }
}

extension Certificate.PrivateKey {
    /// Parses one PEM private key (PKCS#8, SEC1 or PKCS#1), mapping library errors to ``CertificateError``.
    static func parse(pem: String) throws -> Certificate.PrivateKey {
        do {
            return try Certificate.PrivateKey(pemEncoded: pem)
        } catch {
            throw CertificateError.malformedPrivateKey(reason: String(describing: error))
        }
    }
}
