import CGzip

/// A gzip stream over zlib (linked statically): inflates a registry layer as it arrives, or deflates a layer tar for
/// a push. Output goes to a sink in chunks of up to 256 KiB.
final class GzipStream {
    enum Mode { case inflate, deflate(level: Int32) }

    enum Failure: Error, CustomStringConvertible {
        case open
        case corrupt(String)
        case truncated
        var description: String {
            switch self {
            case .open: return "gzip: out of memory"
            case .corrupt(let message): return "gzip: \(message)"
            case .truncated: return "gzip: unexpected end of stream"
            }
        }
    }

    private let stream: OpaquePointer
    private let deflating: Bool
    private var out = [UInt8](repeating: 0, count: 256 << 10)
    /// Inflate: the gzip member's end was seen.
    private(set) var ended = false

    init(_ mode: Mode) throws {
        switch mode {
        case .inflate:
            deflating = false
            guard let s = cgzip_open(0, 0) else { throw Failure.open }
            stream = s
        case .deflate(let level):
            deflating = true
            guard let s = cgzip_open(1, level) else { throw Failure.open }
            stream = s
        }
    }

    deinit { cgzip_close(stream) }

    /// Feeds input; bytes after the end of an inflated member are ignored, as docker does.
    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try step(input, finish: false, sink)
    }

    /// Ends the stream: deflate writes its trailer; inflate fails when the member did not end.
    func finish(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        if deflating {
            try step(UnsafeRawBufferPointer(start: nil, count: 0), finish: true, sink)
        } else if !ended {
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
