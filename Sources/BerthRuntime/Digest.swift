import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Content digests of layers and image configs (`sha256:<hex>`), over BerthCore's `SHA256Digest`.
public enum Digest {
    /// `sha256:<hex>` of `data`.
    public static func sha256(_ data: Data) -> String { "sha256:" + SHA256Digest.hex(of: data) }

    /// `sha256:<hex>` of a file, read in pieces.
    public static func sha256(file path: String) throws -> String { "sha256:" + (try SHA256Digest.hex(file: path)) }
}
