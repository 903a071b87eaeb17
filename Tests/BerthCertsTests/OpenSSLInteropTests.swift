import BerthCerts
import Foundation
import Testing

private let openssl = "/usr/bin/openssl"

/// Checks the certificates with an independent implementation: the openssl CLI.
@Suite("openssl interop", .enabled(if: Tool.exists(openssl)))
struct OpenSSLInteropTests {
    let dir: TemporaryDirectory
    let ca: PEMPair
    let caFile: String

    init() throws {
        dir = try TemporaryDirectory()
        ca = try CertificateFactory.makeCA(organization: "alice")
        caFile = try dir.write("ca.pem", ca.certificatePEM)
    }

    @Test func verifiesServerCertificateForServerPurpose() throws {
        let server = try CertificateFactory.makeServer(signedBy: ca, organization: "alice.node1",
                                                       hosts: ["10.0.0.5", "node1", "localhost"])
        let file = try dir.write("server.pem", server.certificatePEM)
        let result = try Tool.run(openssl, ["verify", "-CAfile", caFile, "-purpose", "sslserver",
                                            "-verify_ip", "10.0.0.5", file])
        #expect(result.status == 0, "\(result.output)")
        let named = try Tool.run(openssl, ["verify", "-CAfile", caFile, "-verify_hostname", "node1", file])
        #expect(named.status == 0, "\(named.output)")
        let wrong = try Tool.run(openssl, ["verify", "-CAfile", caFile, "-verify_hostname", "node2", file])
        #expect(wrong.status != 0)
    }

    @Test func verifiesClientCertificateForClientPurpose() throws {
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: "alice")
        let file = try dir.write("cert.pem", client.certificatePEM)
        let result = try Tool.run(openssl, ["verify", "-CAfile", caFile, "-purpose", "sslclient", file])
        #expect(result.status == 0, "\(result.output)")
        let asServer = try Tool.run(openssl, ["verify", "-CAfile", caFile, "-purpose", "sslserver", file])
        #expect(asServer.status != 0)
    }

    @Test func rejectsCertificateFromAnotherCA() throws {
        let other = try CertificateFactory.makeCA(organization: "mallory")
        let client = try CertificateFactory.makeClient(signedBy: other, organization: "mallory")
        let file = try dir.write("foreign.pem", client.certificatePEM)
        #expect(try Tool.run(openssl, ["verify", "-CAfile", caFile, file]).status != 0)
    }

    @Test func keysAreECP256AndMatchCertificates() throws {
        let server = try CertificateFactory.makeServer(signedBy: ca, organization: "o", hosts: ["localhost"])
        let certFile = try dir.write("server.pem", server.certificatePEM)
        let keyFile = try dir.write("server-key.pem", server.privateKeyPEM)
        let fromCert = try Tool.run(openssl, ["x509", "-in", certFile, "-noout", "-pubkey"])
        let fromKey = try Tool.run(openssl, ["pkey", "-in", keyFile, "-pubout"])
        #expect(fromCert.status == 0 && fromKey.status == 0)
        #expect(fromCert.output == fromKey.output)
        let text = try Tool.run(openssl, ["x509", "-in", certFile, "-noout", "-text"])
        #expect(text.output.contains("prime256v1"))
        #expect(text.output.contains("ecdsa-with-SHA256"))
        #expect(text.output.contains("Digital Signature, Key Encipherment"))
        #expect(text.output.contains("CA:FALSE"))
        let caText = try Tool.run(openssl, ["x509", "-in", caFile, "-noout", "-text"])
        #expect(caText.output.contains("CA:TRUE"))
        #expect(caText.output.contains("Certificate Sign"))
    }
}
