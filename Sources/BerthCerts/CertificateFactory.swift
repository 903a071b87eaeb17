import Crypto
import Foundation
import SwiftASN1
import X509

/// Makes the certificates of a Berth store: one CA, client certificates for the controller, and one server
/// certificate per machine for its agent.
///
/// Keys are ECDSA P-256 (accepted by Go's TLS stack, hence by the docker CLI), serial numbers are random,
/// and every certificate is valid from `now − 5 min` to `now + 1080 days`. Nothing here touches the disk.
public enum CertificateFactory {
    /// How far before `now` a certificate becomes valid, to absorb clock skew between hosts.
    public static let backdate: TimeInterval = 5 * 60
    /// How long a certificate stays valid after `now`.
    public static let lifetime: TimeInterval = 1080 * 24 * 60 * 60

    /// Makes a self-signed certificate authority with `basicConstraints CA:true` and `keyCertSign`.
    /// - Parameters:
    ///   - organization: The subject's `O`, conventionally the user's name.
    ///   - commonName: The subject's `CN`; defaults to `<organization> Berth CA`.
    ///   - now: The moment the validity window is computed from.
    public static func makeCA(organization: String, commonName: String? = nil, now: Date = Date()) throws -> PEMPair {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName.berth(organization: organization,
                                                  commonName: commonName ?? "\(organization) Berth CA")
        let publicKey = Certificate.PublicKey(key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        return try sign(subject: subject, publicKey: publicKey, privateKey: key, extensions: extensions,
                        issuer: nil, now: now)
    }

    /// Makes a client certificate (`extendedKeyUsage clientAuth`) signed by `ca`.
    /// - Parameters:
    ///   - ca: The store's certificate authority, as returned by ``makeCA(organization:commonName:now:)``.
    ///   - organization: The subject's `O`.
    ///   - commonName: The subject's `CN`; defaults to `<organization>`.
    public static func makeClient(signedBy ca: PEMPair, organization: String, commonName: String? = nil,
                                  now: Date = Date()) throws -> PEMPair {
        let authority = try SigningAuthority(ca)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName.berth(organization: organization, commonName: commonName ?? organization)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.clientAuth])
            SubjectKeyIdentifier(hash: publicKey)
            authority.authorityKeyIdentifier
        }
        return try sign(subject: subject, publicKey: publicKey, privateKey: key, extensions: extensions,
                        issuer: authority, now: now)
    }

    /// Makes a server certificate signed by `ca`: `extendedKeyUsage serverAuth, clientAuth`, since a machine's agent
    /// also presents it to other agents when it pushes bytes of `berth scp` to them (the data plane).
    /// - Parameters:
    ///   - ca: The store's certificate authority.
    ///   - organization: The subject's `O`, conventionally `<user>.<machine>`.
    ///   - hosts: Names and addresses the server answers to: each IPv4/IPv6 literal becomes an IP SAN, every other
    ///     entry a DNS SAN. Callers pass the machine IP, its name and `localhost`. The first entry is the `CN`.
    public static func makeServer(signedBy ca: PEMPair, organization: String, hosts: [String],
                                  now: Date = Date()) throws -> PEMPair {
        guard let first = hosts.first else { throw CertificateError.noHosts }
        let authority = try SigningAuthority(ca)
        let sans = try SubjectAlternativeNames.forHosts(hosts)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName.berth(organization: organization, commonName: first)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            sans
            SubjectKeyIdentifier(hash: publicKey)
            authority.authorityKeyIdentifier
        }
        return try sign(subject: subject, publicKey: publicKey, privateKey: key, extensions: extensions,
                        issuer: authority, now: now)
    }

    /// Builds, signs (self-signed when `issuer` is nil) and PEM-encodes one certificate.
    static func sign(subject: DistinguishedName, publicKey: Certificate.PublicKey,
                             privateKey: P256.Signing.PrivateKey, extensions: Certificate.Extensions,
                             issuer: SigningAuthority?, now: Date) throws -> PEMPair {
        do {
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: now.addingTimeInterval(-backdate),
                notValidAfter: now.addingTimeInterval(lifetime),
                issuer: issuer?.certificate.subject ?? subject,
                subject: subject,
                extensions: extensions,
                issuerPrivateKey: issuer?.privateKey ?? Certificate.PrivateKey(privateKey))
            return PEMPair(certificatePEM: try certificate.serializeAsPEM().pemString,
                           privateKeyPEM: privateKey.pemRepresentation)
        } catch let error as CertificateError {
            throw error
        } catch {
            throw CertificateError.signingFailed(reason: String(describing: error))
        }
    }
}
