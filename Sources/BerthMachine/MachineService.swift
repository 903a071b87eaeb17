import BerthCore
import Foundation

/// Everything the commands do to machines, with every seam injected: store, drivers, SSH, agent probe.
public final class MachineService: @unchecked Sendable {
    public let store: MachineStore
    public let drivers: DriverRegistry
    public let connector: ShellConnector
    public let probe: AgentProbe
    public let templates: Templates
    /// The agent binary `create` and `upgrade` install.
    public let agentBinary: String?
    public let layout = AgentLayout()
    /// How long `create`, `start` and friends wait for a freshly started agent to answer.
    public var agentTimeout: Double = 30

    public init(store: MachineStore, drivers: DriverRegistry, connector: ShellConnector, probe: AgentProbe,
                templates: Templates, agentBinary: String?) {
        self.store = store
        self.drivers = drivers
        self.connector = connector
        self.probe = probe
        self.templates = templates
        self.agentBinary = agentBinary
    }

    public var certificates: CertificateIssuer { CertificateIssuer(store: store) }

    // MARK: Reaching a machine

    /// The SSH endpoint of a stored machine (key path resolved against the store, host key pinned).
    public func endpoint(_ record: MachineRecord, timeout: Double = 10) -> SSHEndpoint {
        SSHEndpoint(host: record.ssh.ipAddress, port: record.ssh.port, user: record.ssh.user,
                    keyPath: record.ssh.keyPath.map(store.layout.absolute),
                    knownHostsPath: store.layout.knownHosts(record.name), label: record.name,
                    connectTimeout: timeout)
    }

    public func connect(_ record: MachineRecord, timeout: Double = 10) throws -> RemoteShell {
        try connector.connect(endpoint(record, timeout: timeout))
    }

    /// Retries an SSH connection until it works or `timeout` passes (a fresh host's sshd may not be up yet).
    public func waitForSSH(_ record: MachineRecord, timeout: Double = 60) throws -> RemoteShell {
        let deadline = Date().addingTimeInterval(timeout)
        var last: Error = BerthError.timeout("\(record.name): SSH did not answer")
        while true {
            do {
                let s = try connect(record, timeout: 5)
                _ = try s.check("exit 0")
                return s
            } catch {
                last = error
                let text = "\(error)"
                // Auth and host-key failures will not fix themselves.
                if text.contains("authentication") || text.contains("host key") { throw error }
            }
            if Date() >= deadline { throw BerthError.timeout("\(record.name): SSH not available after \(Int(timeout))s: \(last)") }
            usleep(200_000)
        }
    }

    public func provisioner(_ record: MachineRecord, shell: RemoteShell) -> Provisioner {
        Provisioner(host: HostCommander(shell: shell, user: record.ssh.user, label: record.name), templates: templates,
                    layout: layout)
    }

    public func driver(_ record: MachineRecord) throws -> MachineDriver {
        try drivers.driver(for: record, store: store, templates: templates)
    }

    public func load(_ name: String) throws -> MachineRecord { try store.load(name) }

    // MARK: State

    /// The state `ls` and `status` show: the driver's, refined by a TLS ping to the agent.
    public func status(_ record: MachineRecord, timeout: Double = 10) -> (state: MachineState, version: String?, error: String?) {
        guard let d = try? driver(record) else { return (.error, nil, "driver \(record.driverName) unavailable") }
        let hostState = d.state()
        guard hostState == .running else { return (hostState, nil, nil) }
        switch probe.health(host: record.ssh.ipAddress, port: record.engine.port,
                            tls: certificates.clientTLS(for: record.name), timeout: timeout) {
        case .running(let v): return (.running, v, nil)
        case .refused: return (.stopped, nil, nil)
        case .timeout: return (.timeout, nil, nil)
        case .error(let e): return (.error, nil, e)
        }
    }

    /// Waits until the agent answers a TLS ping.
    public func waitForAgent(_ record: MachineRecord, timeout: Double? = nil) throws -> String {
        let timeout = timeout ?? agentTimeout
        let deadline = Date().addingTimeInterval(timeout)
        var last = AgentHealth.refused
        while Date() < deadline {
            last = probe.health(host: record.ssh.ipAddress, port: record.engine.port,
                                tls: certificates.clientTLS(for: record.name), timeout: 3)
            if case .running(let v) = last { return v }
            usleep(100_000)
        }
        throw BerthError.timeout("\(record.name): the agent at \(record.url) did not answer within \(Int(timeout))s (\(last))")
    }
}
