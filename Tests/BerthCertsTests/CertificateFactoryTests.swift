import BerthCerts
import Foundation
import Testing

/// A whole second, so dates survive the round trip through UTCTime.
private let now = Date(timeIntervalSince1970: 1_750_000_000)

@Suite("CertificateFactory")
struct CertificateFactoryTests {
    let ca: PEMPair

    init() throws {
        ca = try CertificateFactory.makeCA(organization: "alice", now: now)
    }

    @Test func caParsesBackAsCA() throws {
        let summary = try CertificateSummary(pem: ca.certificatePEM)
        #expect(summary.isCA)
        #expect(summary.subject.contains("O=alice"))
        #expect(summary.subject == summary.issuer)
        #expect(summary.dnsNames.isEmpty && summary.ipAddresses.isEmpty)
        #expect(CertificateFactory.verify(leaf: ca.certificatePEM, issuedBy: ca.certificatePEM))
    }

    @Test func validityWindowIsNowMinusFiveMinutesTo1080Days() throws {
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: "alice", now: now)
        for pem in [ca.certificatePEM, client.certificatePEM] {
            let summary = try CertificateSummary(pem: pem)
            #expect(summary.notBefore == now.addingTimeInterval(-300))
            #expect(summary.notAfter == now.addingTimeInterval(1080 * 86400))
            #expect(summary.isValid(at: now))
            #expect(!summary.isValid(at: now.addingTimeInterval(1081 * 86400)))
        }
    }

    @Test func privateKeysArePKCS8AndMatchTheirCertificates() throws {
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: "alice")
        for pair in [ca, client] {
            #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            #expect(pair.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
            #expect(CertificateFactory.keyMatches(pair))
        }
        #expect(!CertificateFactory.keyMatches(PEMPair(certificatePEM: ca.certificatePEM,
                                                        privateKeyPEM: client.privateKeyPEM)))
    }

    @Test func clientCertificateIsForClientAuth() throws {
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: "alice")
        let summary = try CertificateSummary(pem: client.certificatePEM)
        #expect(!summary.isCA)
        #expect(summary.extendedKeyUsages == ["clientAuth"])
        #expect(summary.issuer == (try CertificateSummary(pem: ca.certificatePEM)).subject)
        #expect(CertificateFactory.verify(leaf: client.certificatePEM, issuedBy: ca.certificatePEM))
    }

    @Test func serverCertificateSplitsHostsIntoIPAndDNSNames() throws {
        let server = try CertificateFactory.makeServer(
            signedBy: ca, organization: "alice.node1",
            hosts: ["192.168.56.10", "node1", "localhost", "fd00::10", "192.168.56.10"])
        let summary = try CertificateSummary(pem: server.certificatePEM)
        #expect(summary.ipAddresses == ["192.168.56.10", "fd00::10"])
        #expect(summary.dnsNames == ["node1", "localhost"])
        #expect(summary.extendedKeyUsages == ["serverAuth", "clientAuth"])
        #expect(summary.subject.contains("CN=192.168.56.10"))
        #expect(!summary.isCA)
        #expect(CertificateFactory.verify(leaf: server.certificatePEM, issuedBy: ca.certificatePEM))
    }

    @Test func serialNumbersAreRandom() throws {
        let a = try CertificateSummary(pem: CertificateFactory.makeClient(signedBy: ca, organization: "a").certificatePEM)
        let b = try CertificateSummary(pem: CertificateFactory.makeClient(signedBy: ca, organization: "a").certificatePEM)
        #expect(a.serialNumber != b.serialNumber)
        #expect(a.serialNumber.count >= 16)
    }

    @Test func certificatesFromAnotherCADoNotVerify() throws {
        let other = try CertificateFactory.makeCA(organization: "mallory")
        let client = try CertificateFactory.makeClient(signedBy: other, organization: "mallory")
        #expect(!CertificateFactory.verify(leaf: client.certificatePEM, issuedBy: ca.certificatePEM))
        #expect(!CertificateFactory.verify(leaf: "not a pem", issuedBy: ca.certificatePEM))
    }

    @Test func refusesBadInput() throws {
        let client = try CertificateFactory.makeClient(signedBy: ca, organization: "alice")
        #expect(throws: CertificateError.noHosts) {
            try CertificateFactory.makeServer(signedBy: ca, organization: "o", hosts: [])
        }
        #expect(throws: CertificateError.invalidHost("bad host")) {
            try CertificateFactory.makeServer(signedBy: ca, organization: "o", hosts: ["bad host"])
        }
        #expect(throws: CertificateError.self) {
            try CertificateFactory.makeClient(signedBy: client, organization: "o")
        }
        #expect(throws: CertificateError.keyMismatch) {
            try CertificateFactory.makeClient(
                signedBy: PEMPair(certificatePEM: ca.certificatePEM, privateKeyPEM: client.privateKeyPEM),
                organization: "o")
        }
        #expect(throws: CertificateError.self) { try CertificateSummary(pem: "garbage") }
    }

    @Test func pemPairRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(ca)
        #expect(try JSONDecoder().decode(PEMPair.self, from: data) == ca)
    }
}
