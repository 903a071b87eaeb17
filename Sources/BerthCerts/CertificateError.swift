/// What can go wrong while making, reading or checking certificates.
public enum CertificateError: Error, Equatable, CustomStringConvertible {
    /// A PEM block could not be decoded as a certificate.
    case malformedCertificate(reason: String)
    /// A PEM block could not be decoded as a private key, or the key type is not supported.
    case malformedPrivateKey(reason: String)
    /// The certificate authority's key does not belong to its certificate.
    case keyMismatch
    /// The pair passed as a certificate authority is not one (no `basicConstraints CA:true`).
    case notACertificateAuthority(subject: String)
    /// A server certificate was requested with no host name or address.
    case noHosts
    /// A host name is empty or contains characters a DNS SAN cannot carry.
    case invalidHost(String)
    /// Building or signing the certificate failed in the X.509 library.
    case signingFailed(reason: String)

    public var description: String {
        switch self {
        case .malformedCertificate(let reason):
            return "malformed certificate: \(reason)"
        case .malformedPrivateKey(let reason):
            return "malformed private key: \(reason)"
        case .keyMismatch:
            return "the private key does not match the certificate"
        case .notACertificateAuthority(let subject):
            return "certificate \(subject) is not a certificate authority"
        case .noHosts:
            return "a server certificate needs at least one host name or IP address"
        case .invalidHost(let host):
            return "invalid host name for a certificate: \"\(host)\""
        case .signingFailed(let reason):
            return "signing the certificate failed: \(reason)"
        }
    }
}
