import CGzip

/// A gzip stream over zlib (linked statically): inflates a registry layer as it arrives, or deflates a layer tar for
/// a push; or a bzip2 or xz decompressor (libbz2, liblzma) for build contexts. Output goes to a sink in chunks of up
/// to 256 KiB.
final class GzipStream {
    enum Mode { case inflate, deflate(level: Int32), bunzip2, unxz }

    enum Failure: Error, CustomStringConvertible {
        case open
        case corrupt(String)
        case truncated
        var description: String {
            switch self {
            case .open: return "gzip: out of memory"
            case .corrupt(let message): return message
            case .truncated: return "unexpected end of compressed stream"
            }
        }
    }

    private let stream: OpaquePointer
    private let deflating: Bool
    /// xz ends its (concatenated) streams only when told the input is over.
    private let finishesOnInput: Bool
    private var out = [UInt8](repeating: 0, count: 256 << 10)
    /// Inflate: the gzip member's end was seen.
    private(set) var ended = false

    init(_ mode: Mode) throws {
        let kind: Int32, level: Int32
        switch mode {
        case .inflate: (kind, level) = (Int32(CGZIP_INFLATE), 0)
        case .deflate(let l): (kind, level) = (Int32(CGZIP_DEFLATE), l)
        case .bunzip2: (kind, level) = (Int32(CGZIP_BUNZIP2), 0)
        case .unxz: (kind, level) = (Int32(CGZIP_UNXZ), 0)
        }
        deflating = kind == CGZIP_DEFLATE
        finishesOnInput = kind == CGZIP_UNXZ
        guard let s = cgzip_open_kind(kind, level) else { throw Failure.open }
        stream = s
    }

    deinit { cgzip_close(stream) }

    /// Feeds input; bytes after the end of an inflated member are ignored, as docker does.
    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try step(input, finish: false, sink)
    }

    /// Ends the stream: deflate writes its trailer; inflate fails when the member did not end.
    func finish(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if deflating || finishesOnInput {
            try step(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, sink)
        }
        if !deflating && !ended {
            throw Failure.truncated
        }
    }

    private func step(_ input: UnsafeRawBufferPointer, finish: Bool,
                      _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while !ended {
            let base = input.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) + offset }
            let left = input.count - offset
            var used = 0, made = 0
            let rc = out.withUnsafeMutableBufferPointer { buffer in
                cgzip_step(stream, base, left, finish ? 1 : 0, buffer.baseAddress, buffer.count, &used, &made)
            }
            offset += used
            if made > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<made])) } }
            switch rc {
            case 1:
                ended = true
                return
            case 2:
                continue
            case 0:
                if offset >= input.count && !finish { return }
                if finish && made == 0 && used == 0 { return }
            default:
                throw Failure.corrupt(String(cString: cgzip_message(stream)))
            }
        }
    }
}

extension GzipStream {
    /// The compression `bytes` start with, as dockerd recognises a build context: gzip, bzip2 or xz; nil for none.
    static func compression(of bytes: some Collection<UInt8>) -> Mode? {
        let head = Array(bytes.prefix(6))
        if head.starts(with: [0x1f, 0x8b]) { return .inflate }
        if head.starts(with: [0x42, 0x5a, 0x68]) { return .bunzip2 }  // "BZh"
        if head.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .unxz }
        return nil
    }

    /// `bytes` decompressed when they are gzip, bzip2 or xz, else as they are.
    static func decompressed(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let mode = compression(of: bytes), case let stream = try GzipStream(mode) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4)
        try bytes.withUnsafeBytes { try stream.feed($0) { out.append(contentsOf: $0) } }
        try stream.finish { out.append(contentsOf: $0) }
        return out
    }
}
