/// Why the TLS listener could not be set up from the configured files.
public enum TLSSetupError: Error, Equatable, CustomStringConvertible {
    /// A file is missing or unreadable. `role` is the option name (`tlscacert`, `tlscert`, `tlskey`).
    case unreadable(role: String, path: String, reason: String)
    /// A file was read but is not valid PEM of the expected kind, or the key does not fit the certificate.
    case invalid(role: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let role, let path, let reason):
            return "\(role) \(path): \(reason)"
        case .invalid(let role, let path, let reason):
            return "\(role) \(path): \(reason)"
        }
    }
}
