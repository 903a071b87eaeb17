import BerthCerts
import BerthCore
import Foundation

/// Makes the store's CA and client certificate once (under the store lock) and a server certificate per machine.
public struct CertificateIssuer {
    public let store: MachineStore
    public static let organization = "berth"

    public init(store: MachineStore) { self.store = store }

    /// Creates `certs/{ca,ca-key,cert,key}.pem` unless they exist. Safe against parallel creates.
    /// Returns true when it made them.
    @discardableResult
    public func ensureStoreCertificates(renew: Bool = false) throws -> Bool {
        let l = store.layout
        return try store.withLock {
            let fm = FileManager.default
            if !renew, fm.fileExists(atPath: l.caCert), fm.fileExists(atPath: l.caKey),
               fm.fileExists(atPath: l.clientCert), fm.fileExists(atPath: l.clientKey) { return false }
            try FileManager.default.createDirectory(atPath: l.certsDir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let ca = try CertificateFactory.makeCA(organization: CertificateIssuer.organization)
            let client = try CertificateFactory.makeClient(signedBy: ca, organization: CertificateIssuer.organization)
            try store.write(Data(ca.privateKeyPEM.utf8), to: l.caKey, mode: 0o600)
            try store.write(Data(ca.certificatePEM.utf8), to: l.caCert, mode: 0o644)
            try store.write(Data(client.privateKeyPEM.utf8), to: l.clientKey, mode: 0o600)
            try store.write(Data(client.certificatePEM.utf8), to: l.clientCert, mode: 0o644)
            return true
        }
    }

    private func read(_ path: String) throws -> String {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw BerthError.notFound("\(path) is missing; run `berth regenerate-certs --client-certs`")
        }
        return String(decoding: d, as: UTF8.self)
    }

    public func caPEM() throws -> String { try read(store.layout.caCert) }

    /// Copies the CA and client pair into the machine directory (so DOCKER_CERT_PATH works) and issues a
    /// server certificate for `hosts` (the IP, the name, localhost). Returns the server pair.
    public func issueMachineCertificates(name: String, hosts: [String]) throws -> PEMPair {
        let l = store.layout
        let dir = l.machineDir(name)
        let ca = PEMPair(certificatePEM: try read(l.caCert), privateKeyPEM: try read(l.caKey))
        let server = try CertificateFactory.makeServer(signedBy: ca, organization: CertificateIssuer.organization,
                                                       hosts: hosts)
        try store.write(Data(ca.certificatePEM.utf8), to: dir + "/ca.pem", mode: 0o644)
        try store.write(Data(try read(l.clientCert).utf8), to: dir + "/cert.pem", mode: 0o644)
        try store.write(Data(try read(l.clientKey).utf8), to: dir + "/key.pem", mode: 0o600)
        try store.write(Data(server.certificatePEM.utf8), to: dir + "/server.pem", mode: 0o644)
        try store.write(Data(server.privateKeyPEM.utf8), to: dir + "/server-key.pem", mode: 0o600)
        return server
    }

    public func clientTLS(for name: String) -> ClientTLSFiles {
        let dir = store.layout.machineDir(name)
        return ClientTLSFiles(caPath: dir + "/ca.pem", certPath: dir + "/cert.pem", keyPath: dir + "/key.pem")
    }
}
