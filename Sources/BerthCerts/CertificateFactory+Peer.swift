import Crypto
import Foundation
import X509

extension CertificateFactory {
    /// Makes an etcd member's certificate: `extendedKeyUsage serverAuth, clientAuth`, since a member serves its
    /// clients and peers and dials its peers with the same certificate. SANs and `CN` as in
    /// ``makeServer(signedBy:organization:hosts:now:)``.
    public static func makePeer(signedBy ca: PEMPair, organization: String, hosts: [String],
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
}
