/// The PEM files for mutual TLS: the CA that signed the server, and this client's certificate and key.
public struct TLSClientFiles: Sendable, Equatable {
    /// The CA certificate(s) the server's certificate must chain to. Only these are trusted.
    public var caPath: String
    /// This client's certificate, presented to the server.
    public var certPath: String
    /// The private key of `certPath`.
    public var keyPath: String

    /// Paths to PEM files; an empty `certPath` presents no client certificate.
    public init(caPath: String, certPath: String, keyPath: String) {
        self.caPath = caPath
        self.certPath = certPath
        self.keyPath = keyPath
    }

    /// The files of a docker-machine style directory: `ca.pem`, `cert.pem`, `key.pem`.
    public init(directory: String) {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.init(caPath: dir + "/ca.pem", certPath: dir + "/cert.pem", keyPath: dir + "/key.pem")
    }
}
