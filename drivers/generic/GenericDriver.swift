import BerthCore
import BerthLinux
import BerthMachine
import Foundation

/// Any Linux host reachable over SSH. The machine exists before berth; berth only provisions it.
public final class GenericDriver: MachineDriver {
    public struct State: Codable {
        var ipAddress: String
        var sshUser: String
        var sshPort: Int
        /// Store-relative when berth copied the key into the machine directory.
        var sshKeyPath: String?

        enum CodingKeys: String, CodingKey {
            case ipAddress = "IPAddress", sshUser = "SSHUser", sshPort = "SSHPort", sshKeyPath = "SSHKeyPath"
        }
    }

    public let driverName = "generic"
    private let context: DriverContext
    private var st: State
    /// The key named by --generic-ssh-key, copied into the store at create.
    private var sourceKey: String?

    private let reach: (String, Int) throws -> Void

    init(context: DriverContext, state: State, sourceKey: String?, reach: @escaping (String, Int) throws -> Void) {
        self.context = context
        self.st = state
        self.sourceKey = sourceKey
        self.reach = reach
    }

    public var ssh: SSHSettings {
        SSHSettings(ipAddress: st.ipAddress, port: st.sshPort, user: st.sshUser,
                    keyPath: st.sshKeyPath.map(context.store.layout.absolute))
    }

    public func preCreateCheck() throws {
        if let k = sourceKey, !FileManager.default.isReadableFile(atPath: k) {
            throw BerthError.invalidArgument("--generic-ssh-key: cannot read \(k)")
        }
        do {
            try reach(st.ipAddress, st.sshPort)
        } catch {
            throw BerthError.preCreateCheck("SSH port of \(st.ipAddress): \(error)")
        }
    }

    /// Copies the SSH key into the machine directory (0600) so the store is self-contained.
    public func create() throws {
        guard let k = sourceKey, let data = FileManager.default.contents(atPath: k) else { return }
        let dest = context.machineDir + "/id_ssh"
        try context.store.write(data, to: dest, mode: 0o600)
        st.sshKeyPath = context.store.layout.relative(dest)
    }

    public func remove() throws {}
    public func start() throws {}
    public func stop() throws {}
    public func kill() throws {}

    /// A generic host is assumed up; the agent ping decides what `ls` shows.
    public func state() -> MachineState { .running }

    public func encodeState() throws -> JSONValue { try JSONValue.from(st) }
}

/// `-d generic`, with docker-machine's flags.
public struct GenericDriverFactory: DriverFactory {
    public let driverName = "generic"
    /// Checks that the SSH port answers before anything is registered (injected so unit tests send no packet).
    let reach: (String, Int) throws -> Void

    public init(reach: @escaping (String, Int) throws -> Void = { try TCPProbe.check(host: $0, port: $1, timeout: 10) }) {
        self.reach = reach
    }

    public func make(context: DriverContext, options: DriverOptions) throws -> MachineDriver {
        guard let ip = options["generic-ip-address"] else {
            throw BerthError.invalidArgument("generic driver requires the --generic-ip-address option")
        }
        guard IPv4Address(ip) != nil || ip.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
            throw BerthError.invalidArgument("--generic-ip-address: \"\(ip)\" is not an address or host name")
        }
        let port = try options.int("generic-ssh-port", default: 22)
        let user = options["generic-ssh-user"] ?? "root"
        let key = options["generic-ssh-key"].map { ($0 as NSString).expandingTildeInPath }
        return GenericDriver(context: context, state: .init(ipAddress: ip, sshUser: user, sshPort: port, sshKeyPath: nil),
                             sourceKey: key, reach: reach)
    }

    public func load(context: DriverContext, state: JSONValue) throws -> MachineDriver {
        GenericDriver(context: context, state: try state.decode(GenericDriver.State.self), sourceKey: nil, reach: reach)
    }
}
