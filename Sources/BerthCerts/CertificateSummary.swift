import Foundation

/// What `berth inspect` and the tests want to know about a certificate, decoded from PEM.
public struct CertificateSummary: Equatable, Sendable {
    /// The subject as an RFC 4514 string, e.g. `CN=node1,O=alice.node1`.
    public var subject: String
    /// The issuer as an RFC 4514 string.
    public var issuer: String
    /// The serial number in lower-case hex.
    public var serialNumber: String
    /// DNS names from the subject alternative names, in certificate order.
    public var dnsNames: [String]
    /// IP addresses from the subject alternative names, as canonical text.
    public var ipAddresses: [String]
    /// Extended key usages by short name (`serverAuth`, `clientAuth`, ...), or dotted OID when unnamed.
    public var extendedKeyUsages: [String]
    public var notBefore: Date
    public var notAfter: Date
    /// True when `basicConstraints` says `CA:true`.
    public var isCA: Bool

    public init(subject: String, issuer: String, serialNumber: String, dnsNames: [String], ipAddresses: [String],
                extendedKeyUsages: [String], notBefore: Date, notAfter: Date, isCA: Bool) {
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = serialNumber
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.extendedKeyUsages = extendedKeyUsages
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
    }

    /// True when `date` lies inside the validity window.
    public func isValid(at date: Date = Date()) -> Bool {
        notBefore <= date && date <= notAfter
    }
}
