/// Why a copy failed: one line naming the file (as the user wrote its side: `/tmp/x` or `lab1:/tmp/x`) and the cause.
public struct TransferError: Error, Equatable, CustomStringConvertible {
    public enum Cause: Equatable, Sendable {
        case notFound
        case permissionDenied
        case noSpace
        case isDirectory
        case notDirectory
        case readOnly
        case notRegularFile
        case checksumMismatch(expected: String, actual: String)
        case interrupted
        case other(String)
    }

    /// The path the error is about, with its machine prefix when remote.
    public var location: String
    public var cause: Cause

    public init(_ location: String, _ cause: Cause) {
        self.location = location
        self.cause = cause
    }

    public var description: String {
        location.isEmpty ? causeText : "\(location): \(causeText)"
    }

    public var causeText: String {
        switch cause {
        case .notFound: return "no such file or directory"
        case .permissionDenied: return "permission denied"
        case .noSpace: return "no space left on device"
        case .isDirectory: return "is a directory (use -r to copy directories)"
        case .notDirectory: return "not a directory"
        case .readOnly: return "read-only file system"
        case .notRegularFile: return "not a regular file, directory or symbolic link"
        case .checksumMismatch(let e, let a):
            return "checksum mismatch after copy (source sha256 \(e.prefix(12))…, copy \(a.prefix(12))…); "
                + "nothing replaced"
        case .interrupted: return "interrupted; nothing replaced"
        case .other(let s): return s
        }
    }

    /// True when the copy stopped because it was cancelled (a signal).
    public var isInterrupted: Bool { cause == .interrupted }
}
