import BerthCore
import Foundation

/// A server's public host key: the algorithm name and the SSH wire-format key blob.
public struct HostKey: Equatable, Hashable, Sendable {
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...
    public var type: String
    /// The public key in SSH wire format (what known_hosts holds in base64).
    public var blob: Data

    public init(type: String, blob: Data) {
        self.type = type
        self.blob = blob
    }

    /// Reads a key from its blob, taking the type from the blob's leading string.
    public init?(blob: Data) {
        var r = SSHWireReader(blob)
        guard let type = r.text(), !type.isEmpty else { return nil }
        self.init(type: type, blob: blob)
    }

    /// Parses the `<type> <base64>` part of a known_hosts or authorized_keys line.
    public init?(type: String, base64: String) {
        guard let blob = Data(base64Encoded: base64), !blob.isEmpty else { return nil }
        self.init(type: type, blob: blob)
    }

    /// The blob as base64, as written in known_hosts.
    public var base64: String { blob.base64EncodedString() }

    /// OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the blob's SHA-256.
    public var fingerprint: String { Self.fingerprint(sha256: Data(SHA256Digest.bytes(of: blob))) }

    /// `<type> SHA256:<...>`, for messages.
    public var summary: String { "\(type) \(fingerprint)" }

    /// Formats a SHA-256 digest the way `ssh-keygen -l` does.
    public static func fingerprint(sha256 digest: Data) -> String {
        var b64 = digest.base64EncodedString()
        while b64.hasSuffix("=") { b64.removeLast() }
        return "SHA256:" + b64
    }
}
