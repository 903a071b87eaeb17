import BerthCore
import BerthLinux
import Foundation

extension MachineService {
    /// Removes a machine: the agent (generic hosts), what the driver made, then the store entry.
    /// With `force`, local state goes even when remote cleanup fails.
    public func remove(_ name: String, force: Bool, say: (String) -> Void) throws {
        let record = try load(name)
        if !force, let cluster = try store.loadCluster(), cluster.member(named: name) != nil {
            throw BerthError.failed("\(name) runs a member of the cluster store; remove the store first (berth etcd rm) or use -f")
        }
        var failure: Error?
        do {
            let d = try driver(record)
            if record.driverName != "lab", d.state() == .running {
                let shell = try connect(record)
                defer { shell.close() }
                try provisioner(record, shell: shell).uninstallAgent()
            }
            try d.remove()
        } catch {
            failure = error
        }
        if let failure, !force {
            throw BerthError.failed("Error removing host \"\(name)\": \(failure) (use -f to remove local state anyway)")
        }
        if let failure { say("Warning: \(failure)") }
        try store.withLock { try store.remove(name) }
        say("Successfully removed \(name)")
    }

    /// Brings the host up (lab: its namespace and sshd) and starts the agent.
    public func start(_ name: String, say: (String) -> Void) throws {
        let record = try load(name)
        let d = try driver(record)
        say("Starting \"\(name)\"...")
        if d.state() != .running { try d.start() }
        try persistDriverState(record, d)
        let shell = try waitForSSH(record)
        defer { shell.close() }
        let prov = provisioner(record, shell: shell)
        try prepareStart(record, prov: prov)
        try prov.control("start")
        _ = try waitForAgent(record)
        say("Machine \"\(name)\" was started.")
    }

    /// Stops the agent, then the host where the driver can (lab hosts go down; generic hosts stay up).
    public func stop(_ name: String, say: (String) -> Void) throws {
        let record = try load(name)
        let d = try driver(record)
        say("Stopping \"\(name)\"...")
        if d.state() == .running {
            let shell = try connect(record)
            let prov = provisioner(record, shell: shell)
            try prov.control("stop")
            try memberControl(record, prov: prov, "stop")
            shell.close()
        }
        try d.stop()
        say("Machine \"\(name)\" was stopped.")
    }

    /// Stop then start: lab hosts go down and come back, as a VM reboots under docker-machine (their containers
    /// die; restart policies decide what the agent starts again); generic hosts stay up and their agent restarts.
    public func restart(_ name: String, say: (String) -> Void) throws {
        let record = try load(name)
        let d = try driver(record)
        say("Restarting \"\(name)\"...")
        if d.state() == .running {
            let shell = try connect(record)
            let prov = provisioner(record, shell: shell)
            try prov.control("stop")
            try memberControl(record, prov: prov, "stop")
            shell.close()
            try d.stop()
        }
        if d.state() != .running {
            try d.start()
            try persistDriverState(record, d)
        }
        let shell = try waitForSSH(record)
        let prov = provisioner(record, shell: shell)
        try prepareStart(record, prov: prov)
        try prov.control("start")
        shell.close()
        _ = try waitForAgent(record)
        say("Restarted machines may have new IP addresses. You may need to re-run the `berth env` command.")
    }

    /// Kills the agent (SIGKILL) and, for lab hosts, the host itself.
    public func kill(_ name: String, say: (String) -> Void) throws {
        let record = try load(name)
        let d = try driver(record)
        say("Killing \"\(name)\"...")
        if d.state() == .running, let shell = try? connect(record, timeout: 5) {
            let prov = provisioner(record, shell: shell)
            _ = try? prov.control("kill")
            try? memberControl(record, prov: prov, "kill")
            shell.close()
        }
        try d.kill()
        say("Machine \"\(name)\" was killed.")
    }

    /// Re-issues the machine's server certificate (and with `clientCerts`, the CA and client certificate first),
    /// installs it and restarts the agent.
    public func regenerateCertificates(_ name: String, clientCerts: Bool, say: (String) -> Void) throws {
        let record = try load(name)
        try requireRunning(record)
        say("Regenerating TLS certificates")
        if clientCerts { try certificates.ensureStoreCertificates(renew: true) }
        let server = try certificates.issueMachineCertificates(
            name: name, hosts: [record.ssh.ipAddress, name, "localhost"])
        let shell = try connect(record)
        defer { shell.close() }
        let prov = provisioner(record, shell: shell)
        try prov.installCertificates(caPEM: try certificates.caPEM(), server: (server.certificatePEM, server.privateKeyPEM))
        try prov.control("restart")
        _ = try waitForAgent(record)
    }

    /// Replaces the agent when the controller's build differs, verifies it, and puts the old one back if the new
    /// one does not answer.
    public func upgrade(_ name: String, say: (String) -> Void, progress: ((Int64, Int64) -> Void)? = nil) throws {
        var record = try load(name)
        guard let agentBinary else { throw BerthError.notFound("agent binary not found; run `make agent` or set BERTH_AGENT") }
        try requireRunning(record)
        let shell = try connect(record)
        defer { shell.close() }
        let prov = provisioner(record, shell: shell)
        let localDigest = try SHA256Digest.hex(file: agentBinary)
        if prov.installedDigest() == localDigest {
            say("\(name): agent is already up to date (\(prov.installedVersion() ?? "unknown"))")
            return
        }
        let info = try record.provision ?? prov.detect()
        say("Upgrading agent on \(name)...")
        let backup = layout.binary + ".previous"
        try prov.host.root("if [ -f \(layout.binary) ]; then cp -p \(layout.binary) \(backup); fi")
        try prov.installBinary(agentBinary, progress: progress)
        try prov.installServiceFiles(record: record, info: info,
                                     cluster: try clusterSettings(for: record, cluster: try store.loadCluster()))
        try prov.control("restart")
        do {
            let v = try waitForAgent(record, timeout: 20)
            record.provision?.agentVersion = v
            try store.save(record)
            try prov.host.root("rm -f \(backup)")
            say("\(name): agent upgraded to \(v)")
        } catch {
            say("\(name): new agent did not answer; restoring the previous one")
            try prov.host.root("if [ -f \(backup) ]; then mv -f \(backup) \(layout.binary); fi")
            try prov.control("restart")
            throw BerthError.failed("\(name): upgrade failed, previous agent restored: \(error)")
        }
    }

    /// Fails fast, naming the machine, when the driver knows the host is down (no SSH timeout to wait out).
    func requireRunning(_ record: MachineRecord) throws {
        if try driver(record).state() != .running {
            throw BerthError.failed("\(record.name): host is not running (berth start \(record.name))")
        }
    }

    func persistDriverState(_ record: MachineRecord, _ d: MachineDriver) throws {
        var r = record
        r.driver = try d.encodeState()
        if r != record { try store.save(r) }
    }
}
