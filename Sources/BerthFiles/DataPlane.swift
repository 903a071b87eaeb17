#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The agent's data plane: file operations served on the agent's mutual-TLS port beside the Engine API, so bulk
/// bytes of `berth scp` move over TLS (whole AES-GCM records) rather than libssh2's SSH channels. SSH stays the
/// control plane and the fallback.
///
/// Every request names the user it acts for (the machine's SSH user, or `user@` of the operand); the agent runs the
/// operation with that user's uid, groups and a 022 umask, relative paths starting in the user's home, so a copy
/// is allowed or refused as OpenSSH's would be for that user and new files belong to that user.
///
/// - `GET  /berth/data/v1/ping` → ``DataPlane/Ping``.
/// - `POST /berth/data/v1/fs` with a ``DataPlane/Operation`` → ``DataPlane/Answer``; a failure is `422` with a
///   ``DataPlane/Failure``.
/// - `GET  /berth/data/v1/file?user=U&path=P&offset=O&length=N`: the bytes (fewer if the file is shorter).
/// - `PUT  /berth/data/v1/file?user=U&path=P&offset=O&upload=T[&final=1]` with at most ``DataPlane/chunk``
///   bytes: written at `offset` into the existing file `P`. Parts of one upload `T` come in order; the agent hashes
///   them as it stores them and the final part's ``DataPlane/Answer`` carries the count and SHA-256 of the upload.
/// - `POST /berth/data/v1/push` with a ``DataPlane/Push``: this agent reads a stretch of its file and uploads it to
///   another agent (with its own certificate, which the store's CA signed for client use too), so host-to-host
///   bytes never pass through the controller. The answer carries both ends' SHA-256 (`sha256` as read here,
///   `destinationSha256` as stored there); `502` with a ``DataPlane/Failure`` of cause `unreachable` when the other
///   agent cannot be reached or refuses this one, and the controller relays instead.
public enum DataPlane {
    public static let prefix = "/berth/data/v1"
    public static let version = 1
    /// Bytes per `GET`/`PUT` of a file: large enough that a request's round trip is small beside its bytes, small
    /// enough that the agent holds only this much of a request in memory.
    public static let chunk = 8 << 20

    public struct Ping: Codable, Sendable, Equatable {
        public var version: Int
        public init(version: Int = DataPlane.version) { self.version = version }
    }

    /// One file-system call, named as ``FileSystemSide`` names it.
    public struct Operation: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case info, list, readLink, realPath, makeDirectory, makeSymbolicLink, createExclusive, setAttributes,
                 rename, remove, sha256, freeBytes
        }
        public var op: Kind
        public var user: String
        public var path: String
        /// `rename`'s destination, `makeSymbolicLink`'s target.
        public var other: String?
        public var paths: [String]?
        public var followLinks: Bool?
        public var mode: Int32?
        public var modificationTime: Int64?
        public var accessTime: Int64?

        public init(_ op: Kind, user: String, path: String, other: String? = nil, paths: [String]? = nil,
                    followLinks: Bool? = nil, mode: Int32? = nil, modificationTime: Int64? = nil,
                    accessTime: Int64? = nil) {
            self.op = op
            self.user = user
            self.path = path
            self.other = other
            self.paths = paths
            self.followLinks = followLinks
            self.mode = mode
            self.modificationTime = modificationTime
            self.accessTime = accessTime
        }
    }

    /// ``FileInfo`` on the wire.
    public struct Info: Codable, Sendable, Equatable {
        public var kind: String
        public var size: UInt64
        public var mode: Int32
        public var mtime: Int64
        public var atime: Int64

        public init(_ info: FileInfo) {
            switch info.kind {
            case .regular: kind = "file"
            case .directory: kind = "dir"
            case .symbolicLink: kind = "link"
            case .other: kind = "other"
            }
            size = info.size
            mode = info.mode
            mtime = info.modificationTime
            atime = info.accessTime
        }

        public var fileInfo: FileInfo {
            let k: FileInfo.Kind
            switch kind {
            case "file": k = .regular
            case "dir": k = .directory
            case "link": k = .symbolicLink
            default: k = .other
            }
            return FileInfo(kind: k, size: size, mode: mode, modificationTime: mtime, accessTime: atime)
        }
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var info: Info
        public init(name: String, info: Info) {
            self.name = name
            self.info = info
        }
    }

    /// What an operation or an upload answers; only the fields of that operation are set.
    public struct Answer: Codable, Sendable, Equatable {
        public var info: Info?
        public var entries: [Entry]?
        public var text: String?
        public var hashes: [String: String]?
        public var free: UInt64?
        public var written: UInt64?
        public var sha256: String?
        public var destinationSha256: String?
        public init() {}
    }

    /// A stretch of `path` (read as `user`) for another agent's `destination` (written there as `destinationUser`,
    /// into the existing file, from `destinationOffset`).
    public struct Push: Codable, Sendable, Equatable {
        public var user: String
        public var path: String
        public var offset: UInt64
        public var length: UInt64
        /// `https://host:port` of the other agent.
        public var to: String
        public var destinationUser: String
        public var destination: String
        public var destinationOffset: UInt64

        public init(user: String, path: String, offset: UInt64, length: UInt64, to: String, destinationUser: String,
                    destination: String, destinationOffset: UInt64) {
            self.user = user
            self.path = path
            self.offset = offset
            self.length = length
            self.to = to
            self.destinationUser = destinationUser
            self.destination = destination
            self.destinationOffset = destinationOffset
        }
    }

    /// `path` and the other items as a query string (`user=..&path=..`), values percent-encoded.
    public static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// A refused operation: the ``TransferError`` cause, and the path it is about as the agent saw it.
    public struct Failure: Codable, Sendable, Equatable, Error {
        public var cause: String
        public var message: String
        public var path: String

        public init(_ error: TransferError) {
            path = error.location
            message = error.causeText
            switch error.cause {
            case .notFound: cause = "notFound"
            case .permissionDenied: cause = "permissionDenied"
            case .noSpace: cause = "noSpace"
            case .isDirectory: cause = "isDirectory"
            case .notDirectory: cause = "notDirectory"
            case .readOnly: cause = "readOnly"
            case .notRegularFile: cause = "notRegularFile"
            case .interrupted: cause = "interrupted"
            case .checksumMismatch, .other: cause = "other"
            }
        }

        public init(cause: String, message: String, path: String) {
            self.cause = cause
            self.message = message
            self.path = path
        }

        /// The error as a side reports it, about `location` (the path as the user wrote it).
        public func transferError(at location: String) -> TransferError {
            switch cause {
            case "notFound": return TransferError(location, .notFound)
            case "permissionDenied": return TransferError(location, .permissionDenied)
            case "noSpace": return TransferError(location, .noSpace)
            case "isDirectory": return TransferError(location, .isDirectory)
            case "notDirectory": return TransferError(location, .notDirectory)
            case "readOnly": return TransferError(location, .readOnly)
            case "notRegularFile": return TransferError(location, .notRegularFile)
            case "interrupted": return TransferError(location, .interrupted)
            default: return TransferError(location, .other(message))
            }
        }
    }

    /// Runs `operation` on `side` (the agent's ``LocalSide``, already acting as the operation's user).
    public static func perform(_ operation: Operation, on side: FileSystemSide) throws -> Answer {
        var answer = Answer()
        let path = operation.path
        switch operation.op {
        case .info:
            answer.info = try side.info(path, followLinks: operation.followLinks ?? true).map(Info.init)
        case .list:
            answer.entries = try side.list(path).map { Entry(name: $0.name, info: Info($0.info)) }
        case .readLink:
            answer.text = try side.readLink(path)
        case .realPath:
            answer.text = try side.realPath(path)
        case .makeDirectory:
            try side.makeDirectory(path, mode: operation.mode ?? 0o755)
        case .makeSymbolicLink:
            try side.makeSymbolicLink(try required(operation.other, "other"), at: path)
        case .createExclusive:
            try side.createExclusive(path, mode: operation.mode ?? 0o644).close()
        case .setAttributes:
            try side.setAttributes(path, mode: operation.mode, modificationTime: operation.modificationTime,
                                   accessTime: operation.accessTime)
        case .rename:
            try side.rename(path, to: try required(operation.other, "other"))
        case .remove:
            try side.remove(path)
        case .sha256:
            answer.hashes = try side.sha256(operation.paths ?? [path])
        case .freeBytes:
            answer.free = side.freeBytes(path)
        }
        return answer
    }

    private static func required(_ value: String?, _ name: String) throws -> String {
        guard let value else { throw TransferError("", .other("the operation needs \(name)")) }
        return value
    }
}
