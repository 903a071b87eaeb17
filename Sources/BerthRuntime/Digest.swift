import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc

/// Content digests of layers and image configs.
public enum Digest {
    /// `sha256:<hex>` of `data`.
    public static func sha256(_ data: Data) -> String {
        "sha256:" + Hex.encode(SHA256.hash(data: data))
    }

    /// `sha256:<hex>` of a file, read in pieces.
    public static func sha256(file path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RuntimeError.errno("open \(path)") }
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw RuntimeError.errno("read \(path)") }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return "sha256:" + Hex.encode(hasher.finalize())
    }
}
