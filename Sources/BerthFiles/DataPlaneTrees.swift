#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Volume trees on the data plane: the tar stream of a volume's directory, for `berth volume backup|restore|migrate`.
/// These act as the agent (root), and only on the agent's volumes directory (`<data root>/volumes`): the controller
/// holds a certificate of the store, which gives it root over the Engine API already.
///
/// - `GET    /berth/data/v1/tree?path=DIR`: a tar of `DIR`'s contents (`.` first, numeric owners, modes, times,
///   symbolic and hard links), streamed; the header ``DataPlane/Tree/tokenHeader`` names the send.
/// - `GET    /berth/data/v1/tree/result?token=T` after the stream ended: ``DataPlane/TreeResult`` of that send (the
///   bytes and SHA-256 the agent sent, or why the tar stopped).
/// - `POST   /berth/data/v1/tree/receive?root=ROOT`: a new staging directory under `ROOT` that a tar is extracted
///   into as it arrives → ``DataPlane/TreeReceipt``.
/// - `PUT    /berth/data/v1/tree/receive?token=T&offset=O[&final=1]`: the next part of the tar (at most
///   ``DataPlane/chunk`` bytes, in order); the final part's ``DataPlane/TreeResult`` carries the bytes and SHA-256
///   that arrived once the extraction has finished. A failed extraction removes the staging directory.
/// - `DELETE /berth/data/v1/tree/receive?token=T`: gives a receive up (its staging directory goes).
/// - `POST   /berth/data/v1/tree/push` with a ``DataPlane/TreePush``: this agent tars a directory straight into a
///   receive on another agent; both SHA-256 come back (`sha256` sent, `destinationSha256` arrived). `502` with cause
///   `unreachable` when the other agent cannot be reached, and the controller relays instead.
///
/// The controller checks the sums and puts a staging directory in place (over SSH, the control plane). Staging
/// directories are named ``DataPlane/Tree/stagingName(pid:started:random:)``; one that nobody finished is swept by
/// the next receive (see ``DataPlane/Tree/isAbandoned(_:now:modified:ownPid:active:alive:)``).
extension DataPlane {
    public enum Tree {
        public static let prefix = DataPlane.prefix + "/tree"
        public static let tokenHeader = "Berth-Tree-Token"
        /// The prefix staging directories share with the SSH path's (`VolumeScripts`).
        public static let stagingPrefix = ".berth-tmp-"
        /// How long a staging directory may wait for its commit before it counts as abandoned.
        public static let abandonAfter = 600

        /// `.berth-tmp-<pid>-t<unix seconds>-<random>`: the SSH path's sweep reads the pid before the first `-` and
        /// leaves the directory alone while that process (here the agent) lives; the agent reads the time.
        public static func stagingName(pid: Int32, started: Int, random: String) -> String {
            "\(stagingPrefix)\(pid)-t\(started)-\(random)"
        }

        /// The pid and (for the agent's names) the start time in a staging directory's name; nil for other names.
        public static func parseStaging(_ name: String) -> (pid: Int32, started: Int?)? {
            guard name.hasPrefix(stagingPrefix) else { return nil }
            let fields = name.dropFirst(stagingPrefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard let first = fields.first, let pid = Int32(first), pid > 0 else { return nil }
            var started: Int?
            if fields.count >= 3, fields[1].hasPrefix("t") { started = Int(fields[1].dropFirst()) }
            return (pid, started)
        }

        /// Whether the staging directory `name` (last modified at `modified`) was left behind: made by this agent
        /// (`ownPid`) but neither being received now (`active`) nor younger than ``abandonAfter``, or made by a
        /// process that is gone (`alive` says) and untouched for as long.
        public static func isAbandoned(_ name: String, now: Int, modified: Int, ownPid: Int32, active: Set<String>,
                                       alive: (Int32) -> Bool) -> Bool {
            // `.fifo` and `.old` companions of the SSH path share the prefix; they go with their directory's rule.
            let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name.hasSuffix(".old")
                ? String(name.dropLast(4)) : name
            guard let (pid, started) = parseStaging(base), !active.contains(base) else { return false }
            if pid == ownPid {
                return now - (started ?? modified) > abandonAfter
            }
            return !alive(pid) && now - max(started ?? modified, modified) > abandonAfter
        }
    }

    /// A receive begun: its token and the staging directory the tar goes into.
    public struct TreeReceipt: Codable, Sendable, Equatable {
        public var token: String
        public var staging: String
        public init(token: String, staging: String) {
            self.token = token
            self.staging = staging
        }
    }

    /// How a send or a receive ended.
    public struct TreeResult: Codable, Sendable, Equatable {
        public var bytes: UInt64
        /// Of the bytes sent (a send, a push) or arrived (a receive); nil when it failed.
        public var sha256: String?
        /// A push: the SHA-256 of what the other agent received.
        public var destinationSha256: String?
        /// A receive or push: the staging directory that holds the extracted tree.
        public var staging: String?
        /// Why it failed; nil on success.
        public var message: String?

        public init(bytes: UInt64 = 0, sha256: String? = nil, destinationSha256: String? = nil, staging: String? = nil,
                    message: String? = nil) {
            self.bytes = bytes
            self.sha256 = sha256
            self.destinationSha256 = destinationSha256
            self.staging = staging
            self.message = message
        }
    }

    /// A directory here tarred straight into a receive under `root` on the agent at `to` (`https://host:port`).
    public struct TreePush: Codable, Sendable, Equatable {
        public var path: String
        public var to: String
        public var root: String
        public init(path: String, to: String, root: String) {
            self.path = path
            self.to = to
            self.root = root
        }
    }
}
