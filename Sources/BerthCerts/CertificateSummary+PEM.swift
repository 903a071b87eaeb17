import X509

extension CertificateSummary {
    /// Decodes the first `CERTIFICATE` block of `pem`.
    /// - Throws: ``CertificateError/malformedCertificate(reason:)`` when it is not a readable X.509 certificate.
    public init(pem: String) throws {
        let certificate = try Certificate.parse(pem: pem)
        let extensions = certificate.extensions
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        var usages: [String] = []
        var isCA = false
        do {
            for name in try extensions.subjectAlternativeNames ?? SubjectAlternativeNames() {
                switch name {
                case .dnsName(let dns): dnsNames.append(dns)
                case .ipAddress(let octets): ipAddresses.append(IPAddressText.text(of: octets.bytes))
                default: continue
                }
            }
            for usage in try extensions.extendedKeyUsage ?? ExtendedKeyUsage() {
                usages.append(Self.name(of: usage))
            }
            if case .isCertificateAuthority = try extensions.basicConstraints { isCA = true }
        } catch {
            throw CertificateError.malformedCertificate(reason: String(describing: error))
        }
        self.init(subject: certificate.subject.description,
                  issuer: certificate.issuer.description,
                  serialNumber: certificate.serialNumber.bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined(),
                  dnsNames: dnsNames,
                  ipAddresses: ipAddresses,
                  extendedKeyUsages: usages,
                  notBefore: certificate.notValidBefore,
                  notAfter: certificate.notValidAfter,
                  isCA: isCA)
    }

    private static func name(of usage: ExtendedKeyUsage.Usage) -> String {
        switch usage {
        case .serverAuth: return "serverAuth"
        case .clientAuth: return "clientAuth"
        case .codeSigning: return "codeSigning"
        case .emailProtection: return "emailProtection"
        case .timeStamping: return "timeStamping"
        case .ocspSigning: return "ocspSigning"
        case .any: return "any"
        default: return usage.description
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
