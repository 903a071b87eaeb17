import X509

extension DistinguishedName {
    /// `O=<organization>, CN=<commonName>`, the subject of every Berth certificate.
    static func berth(organization: String, commonName: String) throws -> DistinguishedName {
        do {
            return try DistinguishedName {
                OrganizationName(organization)
                CommonName(commonName)
            }
        } catch {
            throw CertificateError.signingFailed(reason: "subject O=\(organization), CN=\(commonName): \(error)")
        }
    }
}
