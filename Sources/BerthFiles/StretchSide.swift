#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A side that can move one large file as several stretches at once, each on a lane of its own (for a host, a
/// separate SSH connection). libssh2 encrypts one 16-byte block per library call, so a single connection keeps
/// one core busy on this machine and one sshd process busy on the host; lanes spread that over the cores at both
/// ends. Each side hashes its own copy of every stretch (the source as it reads it, the destination as stored),
/// so the copier compares digests that were computed where the bytes live.
public protocol StretchSide: FileSystemSide {
    /// Makes up to `wanted` lanes ready (opening connections as needed) and returns how many there are; 0 when
    /// this side cannot copy in stretches (a host without GNU `dd` or a hasher), and the copier streams instead.
    func openLanes(_ wanted: Int) -> Int
    /// Sends `stretch` of the file at `path` to `output` in order, on `lane`; returns the stretch's lower-case hex
    /// SHA-256 as this side read it. Errors of `output` pass through unchanged.
    func readStretch(_ path: String, _ stretch: Stretch, lane: Int,
                     output: (UnsafeRawBufferPointer) throws -> Void) throws -> String
    /// Writes what `fill` produces (until it returns 0) into the existing file `path` from `stretch.offset`, on
    /// `lane`; returns the count written and the SHA-256 of the stretch as stored, read back after writing.
    /// Errors of `fill` pass through unchanged.
    func writeStretch(_ path: String, _ stretch: Stretch, lane: Int,
                      fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (written: UInt64, digest: String)
    /// Drops the lanes after a failed stretch: a connection stopped mid-packet is unusable. Later copies reopen them.
    func abandonLanes()
}

/// A side that can send a stretch straight to another side without the bytes passing through this process: an
/// agent pushing to another agent. The copier asks first and relays the stretch itself when the answer is nil.
public protocol DirectStretchSide: StretchSide {
    /// Sends `stretch` of `path` to `destination`'s existing file `destinationPath` (same offsets), on `lane`;
    /// returns the stretch's SHA-256 as read here, and the count and SHA-256 as the destination stored it. Nil when
    /// the two cannot reach each other (or the destination is not of a kind this side can send to).
    func sendStretch(_ path: String, _ stretch: Stretch, lane: Int, to destination: StretchSide,
                     at destinationPath: String) throws -> (source: String, destination: (written: UInt64, digest: String))?
}

extension LocalSide: StretchSide {
    /// The local file system has as many lanes as the copier asks for (threads doing positioned I/O).
    public func openLanes(_ wanted: Int) -> Int { wanted }
    public func abandonLanes() {}

    public func readStretch(_ path: String, _ stretch: Stretch, lane: Int,
                            output: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path, errno) }
        defer { Glibc.close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        defer { buffer.deallocate() }
        let digest = SHA256Digest()
        var offset = stretch.offset
        while offset < stretch.end {
            let n = pread(fd, buffer.baseAddress, Int(min(UInt64(buffer.count), stretch.end - offset)), off_t(offset))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw Self.error(path, e)
            }
            if n == 0 { break } // shrank since it was planned; the destination's count tells
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            digest.update(bytes)
            try output(bytes)
            offset += UInt64(n)
        }
        return digest.finalize()
    }

    public func writeStretch(_ path: String, _ stretch: Stretch, lane: Int,
                             fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (written: UInt64, digest: String) {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error(path, errno) }
        defer { Glibc.close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunk, alignment: 16)
        defer { buffer.deallocate() }
        var offset = stretch.offset
        while true {
            let n = try fill(buffer)
            if n <= 0 { break }
            var done = 0
            while done < n {
                let w = pwrite(fd, buffer.baseAddress! + done, n - done, off_t(offset) + off_t(done))
                if w < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    throw Self.error(path, e)
                }
                done += w
            }
            offset += UInt64(n)
        }
        // Read back what landed, as the host side does with `dd | openssl`.
        let digest = SHA256Digest()
        var at = stretch.offset
        while at < offset {
            let n = pread(fd, buffer.baseAddress, Int(min(UInt64(buffer.count), offset - at)), off_t(at))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw Self.error(path, e)
            }
            if n == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            at += UInt64(n)
        }
        return (offset - stretch.offset, digest.finalize())
    }
}
