import BerthCerts
import BerthCore
import Foundation

/// The cluster store's certificates: its own CA in `<store>/etcd/`, the controller's client certificate beside
/// it (what `berth etcd env` hands etcdctl), a member certificate per etcd member and a client certificate per
/// machine whose agent uses the store. Nothing without a certificate from this CA reaches etcd.
extension CertificateIssuer {
    public static let etcdOrganization = "berth-etcd"

    /// Makes the cluster store's CA and the controller's client certificate (call under the store lock, into a
    /// fresh `<store>/etcd/`).
    public func makeEtcdAuthority() throws {
        let l = store.layout
        try FileManager.default.createDirectory(atPath: l.etcdDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let ca = try CertificateFactory.makeCA(organization: CertificateIssuer.etcdOrganization)
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: CertificateIssuer.etcdOrganization,
                                                       commonName: "berth")
        try store.write(Data(ca.privateKeyPEM.utf8), to: l.etcdCAKey, mode: 0o600)
        try store.write(Data(ca.certificatePEM.utf8), to: l.etcdCACert, mode: 0o644)
        try store.write(Data(client.privateKeyPEM.utf8), to: l.etcdClientKey, mode: 0o600)
        try store.write(Data(client.certificatePEM.utf8), to: l.etcdClientCert, mode: 0o644)
    }

    func etcdAuthority() throws -> PEMPair {
        let l = store.layout
        guard let cert = FileManager.default.contents(atPath: l.etcdCACert),
              let key = FileManager.default.contents(atPath: l.etcdCAKey) else {
            throw BerthError.notFound("\(l.etcdCACert) is missing; remove the cluster store (berth etcd rm -f) and create it again")
        }
        return PEMPair(certificatePEM: String(decoding: cert, as: UTF8.self), privateKeyPEM: String(decoding: key, as: UTF8.self))
    }

    public func etcdCAPEM() throws -> String { try etcdAuthority().certificatePEM }

    /// An etcd member's certificate (server and peer): the machine's IP, its name, localhost and 127.0.0.1.
    public func issueEtcdMember(name: String, ipAddress: String) throws -> PEMPair {
        try CertificateFactory.makePeer(signedBy: try etcdAuthority(), organization: CertificateIssuer.etcdOrganization,
                                        hosts: [ipAddress, name, "localhost", "127.0.0.1"])
    }

    /// A machine's client certificate for the store (its agent's `kv.certfile`), `CN` the machine's name.
    public func issueEtcdClient(machine: String) throws -> PEMPair {
        try CertificateFactory.makeClient(signedBy: try etcdAuthority(), organization: CertificateIssuer.etcdOrganization,
                                          commonName: machine)
    }

    /// The controller's files for the store, for the etcd probe and `berth etcd env`.
    public var etcdClientTLS: ClientTLSFiles {
        let l = store.layout
        return ClientTLSFiles(caPath: l.etcdCACert, certPath: l.etcdClientCert, keyPath: l.etcdClientKey)
    }
}
