import BerthCore
import BerthSSH
import Foundation

/// Stretches on a host: one exec channel per stretch on the lane's own session, running GNU `dd` at the
/// stretch's offset; the same command then reads the stretch back through `openssl dgst` (or `sha256sum`) and
/// reports `berth-sha256 HASH` (on stdout for a write, on stderr for a read, whose stdout is the data).
extension SFTPSide: StretchSide {
    /// The hasher and the `dd` flags a stretch needs; prints `berth-stretches` when the host has them.
    static let stretchProbe = "dd if=/dev/null of=/dev/null bs=1M iflag=skip_bytes,count_bytes oflag=seek_bytes "
        + "conv=notrunc,nocreat status=none 2>/dev/null && { command -v openssl >/dev/null 2>&1 "
        + "|| command -v sha256sum >/dev/null 2>&1; } && echo berth-stretches"

    static let hasher = "if command -v openssl >/dev/null 2>&1; then H='openssl dgst -sha256 -r'; else H=sha256sum; fi; "

    /// `dd` reading `stretch` of `file` (already quoted) to stdout.
    static func readCommand(_ file: String, _ s: Stretch) -> String {
        "dd if=\(file) bs=1M skip=\(s.offset) count=\(s.length) iflag=skip_bytes,count_bytes status=none"
    }

    /// Writes stdin into the file at the stretch's offset, then hashes what landed; stdout is `berth-sha256 H`.
    static func writeStretchCommand(_ path: String, _ s: Stretch) -> String {
        let f = shellQuote(path)
        return hasher
            + "dd of=\(f) bs=1M seek=\(s.offset) oflag=seek_bytes conv=notrunc,nocreat status=none || exit $?; "
            + "h=$(\(readCommand(f, s)) | $H) && echo \"berth-sha256 ${h%% *}\""
    }

    /// Sends the stretch on stdout, then hashes it again from the page cache; the hash goes to stderr.
    static func readStretchCommand(_ path: String, _ s: Stretch) -> String {
        let f = shellQuote(path)
        return hasher + "\(readCommand(f, s)) || exit $?; "
            + "h=$(\(readCommand(f, s)) | $H) && echo \"berth-sha256 ${h%% *}\" >&2"
    }

    /// Opens lane sessions up to `wanted` (in parallel); returns how many there are.
    func openLaneSessions(_ wanted: Int) -> Int {
        guard lanes.count < wanted, let openSession else { return lanes.count }
        let results = parallelMap(Array(lanes.count..<wanted)) { _ in Result { try openSession() } }
        for case .success(let s) in results { lanes.append(s) }
        return lanes.count
    }

    public func openLanes(_ wanted: Int) -> Int {
        if stretchSupport == false || wanted < 1 { return 0 }
        guard openLaneSessions(wanted) >= 1 else { return 0 }
        if stretchSupport == nil {
            let r = try? lanes[0].run(Self.stretchProbe, stdin: nil, onOutput: nil)
            stretchSupport = r?.output.contains("berth-stretches") == true
        }
        return stretchSupport == true ? lanes.count : 0
    }

    public func abandonLanes() {
        // Kept open until the process exits: closing would wait on a channel stopped mid-packet.
        Self.graveyard.keep(lanes)
        lanes = []
    }

    public func readStretch(_ path: String, _ stretch: Stretch, lane: Int,
                            output: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        let r: SSHSession.StreamResult
        do {
            r = try lanes[lane].stream(Self.readStretchCommand(path, stretch), input: nil, output: output)
        } catch let e as SSHError {
            throw mapped(e, path)
        }
        guard r.exitStatus == 0 else { throw TransferError(display(path), StreamedWritableFile.cause(of: r)) }
        guard let h = Self.reportedHash(r.stderr) else {
            throw TransferError(display(path), .other("could not hash \(stretch) on the host"))
        }
        return h
    }

    public func writeStretch(_ path: String, _ stretch: Stretch, lane: Int,
                             fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (written: UInt64, digest: String) {
        var written: UInt64 = 0
        var out = Data()
        let r: SSHSession.StreamResult
        do {
            r = try withoutActuallyEscaping(fill) { fill in
                try lanes[lane].stream(Self.writeStretchCommand(path, stretch), input: { buffer in
                    let n = try fill(buffer)
                    written += UInt64(max(n, 0))
                    return n
                }, output: { out.append(contentsOf: $0) })
            }
        } catch let e as SSHError {
            throw mapped(e, path)
        }
        guard r.exitStatus == 0 else { throw TransferError(display(path), StreamedWritableFile.cause(of: r)) }
        guard let h = Self.reportedHash(out) else {
            throw TransferError(display(path), .other("could not hash \(stretch) on the host"))
        }
        return (written, h)
    }

    /// The hash from a `berth-sha256 HASH` line of a stretch command.
    static func reportedHash(_ output: Data) -> String? {
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") where line.hasPrefix("berth-sha256 ") {
            let h = line.dropFirst("berth-sha256 ".count).lowercased()
            if h.count == 64 && h.allSatisfy(\.isHexDigit) { return h }
        }
        return nil
    }
}
