import BerthCore
import Foundation

/// A machine's lifecycle: make it, remove it, start and stop it, report its state and SSH endpoint.
/// Configuring the OS on it is the provisioner's job, not the driver's.
public protocol MachineDriver: AnyObject {
    /// The driver's name as `ls` prints it (`generic`, `lab`).
    var driverName: String { get }
    /// Checks that can fail before anything is made (exit status 3).
    func preCreateCheck() throws
    /// Makes the machine. On return, `ssh` says how to reach it.
    func create() throws
    /// Removes everything the driver made. Must succeed when parts are already gone.
    func remove() throws
    func start() throws
    func stop() throws
    func kill() throws
    /// The host-level state (is the machine there at all); the agent's health is checked separately.
    func state() -> MachineState
    /// How to reach the machine over SSH (key path absolute).
    var ssh: SSHSettings { get }
    /// The driver's own record, stored as `Driver` in config.json.
    func encodeState() throws -> JSONValue
}

/// What a driver is handed: the store (for its files and the lock) and the machine's name.
public struct DriverContext {
    public var store: MachineStore
    public var machineName: String
    public var templates: Templates
    public var log: (String) -> Void

    public init(store: MachineStore, machineName: String, templates: Templates, log: @escaping (String) -> Void = { _ in }) {
        self.store = store
        self.machineName = machineName
        self.templates = templates
        self.log = log
    }

    public var machineDir: String { store.layout.machineDir(machineName) }
}

/// Makes drivers of one kind, from create flags or from a stored record.
public protocol DriverFactory {
    var driverName: String { get }
    func make(context: DriverContext, options: DriverOptions) throws -> MachineDriver
    func load(context: DriverContext, state: JSONValue) throws -> MachineDriver
}

/// Driver flags from the command line, by flag name without dashes (`generic-ip-address`).
public struct DriverOptions {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }
    public subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }

    public func int(_ key: String, default d: Int) throws -> Int {
        guard let s = self[key] else { return d }
        guard let v = Int(s), v > 0, v < 65536 else {
            throw BerthError.invalidArgument("--\(key): \"\(s)\" is not a valid port number")
        }
        return v
    }
}

/// The drivers compiled in, by name.
public struct DriverRegistry {
    private var factories: [String: DriverFactory]

    public init(_ list: [DriverFactory]) {
        factories = Dictionary(uniqueKeysWithValues: list.map { ($0.driverName, $0) })
    }

    public var names: [String] { factories.keys.sorted() }

    public func factory(_ name: String) throws -> DriverFactory {
        guard let f = factories[name] else {
            throw BerthError.invalidArgument("Driver \"\(name)\" not found. Available drivers: \(names.joined(separator: ", "))")
        }
        return f
    }

    /// Rebuilds the driver of a stored machine.
    public func driver(for record: MachineRecord, store: MachineStore, templates: Templates,
                       log: @escaping (String) -> Void = { _ in }) throws -> MachineDriver {
        try factory(record.driverName).load(
            context: DriverContext(store: store, machineName: record.name, templates: templates, log: log),
            state: record.driver)
    }
}
