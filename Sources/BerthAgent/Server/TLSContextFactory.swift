import Glibc
import NIOSSL

/// Builds the server's mutual-TLS context: the server certificate and key, and the CA that client certificates
/// must chain to. A client with no certificate, or one from another CA, fails the handshake.
enum TLSContextFactory {
    static func make(caFile: String, certificateFile: String, keyFile: String) throws -> NIOSSLContext {
        let roots = try load("tlscacert", caFile) { try NIOSSLCertificate.fromPEMFile($0) }
        let chain = try load("tlscert", certificateFile) { try NIOSSLCertificate.fromPEMFile($0) }
        let key = try load("tlskey", keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) }
        guard !roots.isEmpty else { throw TLSSetupError.invalid(role: "tlscacert", path: caFile, reason: "no certificate") }
        guard !chain.isEmpty else { throw TLSSetupError.invalid(role: "tlscert", path: certificateFile, reason: "no certificate") }

        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key),
            trustRoots: .certificates(roots))
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        configuration.sendCANameList = true
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError.invalid(role: "tlskey", path: keyFile,
                                        reason: "does not match \(certificateFile) or is unusable (\(error))")
        }
    }

    /// Checks that `path` is readable (for a precise message), then parses it.
    private static func load<T>(_ role: String, _ path: String, _ parse: (String) throws -> T) throws -> T {
        guard access(path, R_OK) == 0 else {
            let reason = String(cString: strerror(errno))
            throw TLSSetupError.unreadable(role: role, path: path, reason: reason)
        }
        do {
            return try parse(path)
        } catch {
            throw TLSSetupError.invalid(role: role, path: path, reason: "not a valid PEM file (\(error))")
        }
    }
}
