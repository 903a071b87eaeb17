import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streaming SHA-256 of file contents.
///
/// Uses the libcrypto that libssh2 already loads (OpenSSL's SHA-256 uses the CPU's SHA extensions, several
/// times faster than portable code, and fast even in debug builds), looked up with `dlsym` since BerthTransfer
/// has no crypto dependency of its own; falls back to `PortableSHA256` when libcrypto cannot be found.
public final class SHA256Digest {
    public enum Implementation: Sendable { case automatic, portable }

    private var evp: OpaquePointer?
    private var portable: PortableSHA256?
    private var finished = false

    public init(_ implementation: Implementation = .automatic) {
        if implementation == .automatic, let lib = LibCrypto.shared, let ctx = lib.newContext() {
            if lib.digestInit(ctx, lib.sha256(), nil) == 1 {
                evp = ctx
                return
            }
            lib.freeContext(ctx)
        }
        portable = PortableSHA256()
    }

    deinit {
        if let evp { LibCrypto.shared?.freeContext(evp) }
    }

    /// True when the hardware-backed libcrypto implementation is in use.
    public var usesLibCrypto: Bool { evp != nil }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Digest used after finalize()")
        guard bytes.count > 0 else { return }
        if let evp, let lib = LibCrypto.shared {
            _ = lib.digestUpdate(evp, bytes.baseAddress, bytes.count)
        } else {
            portable!.update(bytes)
        }
    }

    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hex digits. The digest cannot be updated afterwards.
    public func finalize() -> String {
        precondition(!finished, "SHA256Digest finalized twice")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        if let evp, let lib = LibCrypto.shared {
            var n: UInt32 = 32
            _ = lib.digestFinal(evp, &out, &n)
        } else {
            out = portable!.finalize()
        }
        return Self.hex(out)
    }

    /// The hex digest of `data`.
    public static func hex(of data: Data, _ implementation: Implementation = .automatic) -> String {
        let d = SHA256Digest(implementation)
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

/// The few EVP functions of libcrypto, found at run time.
struct LibCrypto {
    typealias NewContext = @convention(c) () -> OpaquePointer?
    typealias MessageDigest = @convention(c) () -> OpaquePointer?
    typealias DigestInit = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
    typealias DigestUpdate = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
    typealias DigestFinal = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt8>?,
                                            UnsafeMutablePointer<UInt32>?) -> Int32
    typealias FreeContext = @convention(c) (OpaquePointer?) -> Void

    let newContext: NewContext
    let sha256: MessageDigest
    let digestInit: DigestInit
    let digestUpdate: DigestUpdate
    let digestFinal: DigestFinal
    let freeContext: FreeContext

    static let shared: LibCrypto? = load()

    private static func load() -> LibCrypto? {
        // Already mapped with libssh2 in berth; otherwise load it ourselves.
        let names = ["libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"]
        var handle: UnsafeMutableRawPointer?
        for name in names {
            handle = dlopen(name, RTLD_NOW | RTLD_NOLOAD) ?? dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else { return nil }
        func symbol<T>(_ name: String, _: T.Type) -> T? {
            guard let p = dlsym(handle, name) else { return nil }
            return unsafeBitCast(p, to: T.self)
        }
        guard let new = symbol("EVP_MD_CTX_new", NewContext.self),
              let md = symbol("EVP_sha256", MessageDigest.self),
              let ini = symbol("EVP_DigestInit_ex", DigestInit.self),
              let upd = symbol("EVP_DigestUpdate", DigestUpdate.self),
              let fin = symbol("EVP_DigestFinal_ex", DigestFinal.self),
              let free = symbol("EVP_MD_CTX_free", FreeContext.self) else { return nil }
        return LibCrypto(newContext: new, sha256: md, digestInit: ini, digestUpdate: upd, digestFinal: fin,
                         freeContext: free)
    }
}
