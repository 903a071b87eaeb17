import BerthCore
import BerthLinux
import Foundation

/// The machine store: `certs/`, `machines/NAME/config.json` and friends. Writes are atomic; changes that touch
/// shared files (the CA, name reservation, lab address allocation) happen under one store lock.
public final class MachineStore: @unchecked Sendable {
    public let layout: StoreLayout

    public init(root: String) throws {
        layout = StoreLayout(root: root)
        try FileOps.makeDirectory(layout.root, mode: 0o700)
        try FileOps.makeDirectory(layout.machinesDir, mode: 0o700)
    }

    /// `-s/--storage-path`, else `$BERTH_STORAGE_PATH`, else `~/.berth`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["BERTH_STORAGE_PATH"], !p.isEmpty { return p }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.berth"
    }

    /// Runs `body` holding the store lock (blocks other berth processes and threads doing the same).
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileLock.with(layout.lockFile, body)
    }

    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: layout.configFile(name))
    }

    public func load(_ name: String) throws -> MachineRecord {
        guard let data = FileManager.default.contents(atPath: layout.configFile(name)) else {
            throw BerthError.notFound("Host does not exist: \"\(name)\"")
        }
        do {
            return try MachineRecord.decode(data)
        } catch let e as BerthError {
            throw e
        } catch {
            throw BerthError.failed("\(layout.configFile(name)): unreadable machine record: \(error)")
        }
    }

    public func save(_ record: MachineRecord) throws {
        try FileOps.writeAtomically(record.encoded(), to: layout.configFile(record.name), mode: 0o600)
    }

    /// Names of registered machines (those with a config.json), naturally sorted.
    public func names() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: layout.machinesDir)) ?? []
        return entries.filter { exists($0) }.sorted { NaturalSort.lessIgnoringCase($0, $1) }
    }

    public func records() -> [MachineRecord] { names().compactMap { try? load($0) } }

    /// Claims `name` by creating its directory; fails if it is taken. Call under the lock.
    public func reserve(_ name: String) throws {
        try MachineName.validate(name)
        guard try FileOps.makeDirectoryExclusively(layout.machineDir(name), mode: 0o700) else {
            throw BerthError.exists("Host already exists: \"\(name)\"")
        }
    }

    /// Removes everything the store holds for `name`.
    public func remove(_ name: String) throws {
        let dir = layout.machineDir(name)
        guard FileManager.default.fileExists(atPath: dir) else { return }
        do { try FileManager.default.removeItem(atPath: dir) } catch {
            throw BerthError.failed("removing \(dir): \(error.localizedDescription)")
        }
    }

    /// Writes a file inside the store atomically.
    public func write(_ data: Data, to path: String, mode: mode_t) throws {
        try FileOps.writeAtomically(data, to: path, mode: mode)
    }
}
