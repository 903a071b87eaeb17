import Foundation
import SwiftASN1
import X509

extension SubjectAlternativeNames {
    /// SANs for `hosts`: each IPv4/IPv6 literal becomes an IP SAN, everything else a DNS SAN.
    /// Duplicates are dropped, keeping the first occurrence's position.
    static func forHosts(_ hosts: [String]) throws -> SubjectAlternativeNames {
        var seen = Set<String>()
        var names: [GeneralName] = []
        for raw in hosts {
            let host = raw.trimmingCharacters(in: .whitespaces)
            guard !host.isEmpty else { throw CertificateError.invalidHost(raw) }
            if let address = IPAddressText.bytes(of: host) {
                guard seen.insert("ip:" + IPAddressText.text(of: address)).inserted else { continue }
                names.append(.ipAddress(ASN1OctetString(contentBytes: address[...])))
            } else {
                guard Self.isValidDNSName(host) else { throw CertificateError.invalidHost(raw) }
                guard seen.insert("dns:" + host.lowercased()).inserted else { continue }
                names.append(.dnsName(host))
            }
        }
        return SubjectAlternativeNames(names)
    }

    /// Letters, digits, `-`, `.`, `_` and a leading `*.` wildcard; no empty labels.
    private static func isValidDNSName(_ name: String) -> Bool {
        var body = Substring(name)
        if body.hasPrefix("*.") { body = body.dropFirst(2) }
        if body.hasSuffix(".") { body = body.dropLast() }
        guard !body.isEmpty, body.utf8.count <= 253 else { return false }
        return body.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.unicodeScalars.allSatisfy { $0.isASCII && (Character($0).isLetter || Character($0).isNumber
                    || $0 == "-" || $0 == "_") }
        }
    }
}
