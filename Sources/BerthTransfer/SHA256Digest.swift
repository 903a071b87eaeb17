import Crypto
import Foundation

/// Streaming SHA-256 of file contents, as lower-case hex.
///
/// swift-crypto's SHA-256 (BoringSSL, using the CPU's SHA extensions where present, fast even in debug builds):
/// the one implementation the controller uses, also for host-key fingerprints.
public final class SHA256Digest {
    private var hasher = SHA256()
    private var finished = false

    public init() {}

    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Digest used after finalize()")
        guard bytes.count > 0 else { return }
        hasher.update(bufferPointer: bytes)
    }

    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hex digits. The digest cannot be updated afterwards.
    public func finalize() -> String {
        precondition(!finished, "SHA256Digest finalized twice")
        finished = true
        return Self.hex(Array(hasher.finalize()))
    }

    /// The hex digest of `data`.
    public static func hex(of data: Data) -> String {
        let d = SHA256Digest()
        d.update(data)
        return d.finalize()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xf)])
        }
        return String(decoding: s, as: UTF8.self)
    }
}
