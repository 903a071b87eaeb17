import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Streaming SHA-256 as lower-case hex: the one SHA-256 of Berth (file copies, layer digests, image IDs, agent
/// binaries, host-key fingerprints).
///
/// swift-crypto's SHA-256 (BoringSSL, using the CPU's SHA extensions where present, fast even in debug builds).
public final class SHA256Digest {
    private var hasher = SHA256()
    private var finished = false

    /// Why a file could not be hashed.
    public enum FileError: Error, CustomStringConvertible, Equatable {
        case open(String, Int32)
        case read(String, Int32)
        public var description: String {
            switch self {
            case .open(let path, let e): return "open \(path): \(String(cString: strerror(e)))"
            case .read(let path, let e): return "read \(path): \(String(cString: strerror(e)))"
            }
        }
    }

    public init() {}

    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Digest used after finalize()")
        guard bytes.count > 0 else { return }
        hasher.update(bufferPointer: bytes)
    }

    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest's 32 bytes. The digest cannot be updated afterwards.
    public func finalizeBytes() -> [UInt8] {
        precondition(!finished, "SHA256Digest finalized twice")
        finished = true
        return Array(hasher.finalize())
    }

    /// The digest as 64 lower-case hex digits. The digest cannot be updated afterwards.
    public func finalize() -> String { Hex.encode(finalizeBytes()) }

    /// The hex digest of `data`.
    public static func hex(of data: Data) -> String {
        let d = SHA256Digest()
        d.update(data)
        return d.finalize()
    }

    /// The 32 bytes of the digest of `data`.
    public static func bytes(of data: Data) -> [UInt8] {
        let d = SHA256Digest()
        d.update(data)
        return d.finalizeBytes()
    }

    /// The hex digest of a file's contents, read in pieces of 1 MiB.
    public static func hex(file path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.open(path, errno) }
        defer { close(fd) }
        let d = SHA256Digest()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw FileError.read(path, errno) }
            if n == 0 { break }
            buffer.withUnsafeBytes { d.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return d.finalize()
    }
}
