import BerthCore
import BerthLinux
import BerthMachine
import Foundation
import Glibc

/// A lab host on this machine: a network namespace on a lab switch (a bridge), its own hostname and private
/// mounts, and its own sshd. Berth then provisions it over SSH exactly as a generic host.
public final class LabDriver: MachineDriver {
    public let driverName = "lab"
    let context: DriverContext
    var st: LabState

    init(context: DriverContext, state: LabState) {
        self.context = context
        self.st = state
    }

    var layout: StoreLayout { context.store.layout }
    var hostDir: String { layout.absolute(st.hostDir) }

    public var ssh: SSHSettings {
        SSHSettings(ipAddress: st.address, port: 22, user: "root", keyPath: layout.machineDir(context.machineName) + "/id_ed25519")
    }

    public func encodeState() throws -> JSONValue { try JSONValue.from(st) }

    public func preCreateCheck() throws {
        guard geteuid() == 0 else { throw BerthError.preCreateCheck("the lab driver needs root (network namespaces)") }
        for tool in ["/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/unshare"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw BerthError.preCreateCheck("the lab driver needs \(tool); run `make deps`")
        }
        let subnet = try IPv4Network(parsing: st.subnet)
        for (dest, dev) in Link.routedNetworks(excludingDevice: st.network) {
            let net = dest == "default" ? nil : (try? IPv4Network(parsing: dest.contains("/") ? dest : dest + "/32", strict: false))
            if let net, net.overlaps(subnet) {
                throw BerthError.preCreateCheck("lab subnet \(subnet) overlaps \(net) on \(dev); choose another with --lab-subnet")
            }
        }
    }

    public func create() throws {
        let subnet = try IPv4Network(parsing: st.subnet)
        try FileOps.makeDirectory(hostDir, mode: 0o700)
        try context.store.withLock {
            st.address = try LabAddressBook(store: context.store).allocate(for: context.machineName, network: st.network,
                                                                           subnet: subnet)
            try LabKeys.ensureStoreKey(layout)
        }
        let key = try Data(contentsOf: URL(fileURLWithPath: layout.labKey))
        try context.store.write(key, to: layout.machineDir(context.machineName) + "/id_ed25519", mode: 0o600)
        try LabHostFiles(driver: self).write()
        try boot()
    }

    public func start() throws {
        if state() == .running { return }
        try teardown(kill: true)
        try boot()
    }

    public func stop() throws { try teardown(kill: false) }
    public func kill() throws { try teardown(kill: true) }

    public func remove() throws {
        try teardown(kill: true)
        LabSwitch(network: st.network).removeIfUnused()
    }

    public func state() -> MachineState {
        guard NetNS.exists(st.netns), let pid = st.sshdPid, Exec.isAlive(pid), Exec.commandName(pid) == "sshd" else {
            return .stopped
        }
        return .running
    }

    /// Plugs the namespace into the switch and starts the host's init (boot.sh, which becomes sshd).
    func boot() throws {
        let subnet = try IPv4Network(parsing: st.subnet)
        try LabSwitch(network: st.network).ensure(gateway: "\(subnet.firstHost)/\(subnet.prefix)")
        if !NetNS.exists(st.netns) { try NetNS.add(st.netns) }
        do {
            try Link.plugVeth(host: st.veth, bridge: st.network, netns: st.netns, inside: "eth0",
                              address: "\(st.address)/\(subnet.prefix)")
        } catch {
            // Nothing of a host that never booted is left behind: no namespace, no veth.
            try? teardown(kill: true)
            throw error
        }
        let pid = try Exec.spawnDetached(
            ["ip", "netns", "exec", st.netns, "unshare", "--mount", "--uts", "--propagation", "private",
             "/bin/sh", hostDir + "/boot.sh"], logPath: hostDir + "/boot.log")
        st.sshdPid = pid
        // The chain ip -> unshare -> sh -> sshd execs in place, so the pid becomes sshd's.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if Exec.commandName(pid) == "sshd" { return }
            if !Exec.isAlive(pid) { break }
            usleep(20_000)
        }
        let log = (try? String(contentsOfFile: hostDir + "/boot.log", encoding: .utf8))?
            .split(whereSeparator: \.isNewline).suffix(2).joined(separator: " / ") ?? ""
        try? teardown(kill: true)
        throw BerthError.failed("lab host \(context.machineName) did not boot: \(log)")
    }

    /// Ends every process in the host's namespace (all of them ours), then removes its links and namespace.
    func teardown(kill: Bool) throws {
        endAgent()
        endContainers()
        if let pid = st.sshdPid, Exec.isAlive(pid), NetNS.pids(st.netns).contains(pid) {
            Exec.terminate(pid, grace: kill ? 0 : 3)
        }
        if NetNS.exists(st.netns) {
            for pid in NetNS.pids(st.netns) { Exec.terminate(pid, grace: kill ? 0 : 2) }
            try NetNS.delete(st.netns)
        }
        try Link.delete(st.veth)
        Link.waitGone(st.veth)
        st.sshdPid = nil
    }

    /// The host's agent goes first, with the launcher that would restart it (SIGKILL, which the agent is built to
    /// survive: its containers' supervisors keep their state), so it cannot restart an `always` container while
    /// the host's containers are being ended.
    func endAgent() {
        guard NetNS.exists(st.netns) else { return }
        let pids = NetNS.pids(st.netns)
        let launchers = pids.filter { Exec.arguments(of: $0)?.contains { $0.hasSuffix("berthd-launcher") } == true }
        let agents = pids.filter { pid in
            guard Exec.commandName(pid) == "berthd", let argv = Exec.arguments(of: pid) else { return false }
            return argv.count < 2 || argv[1] != "shim"
        }
        for pid in launchers + agents { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Containers die with their host, as they do with a VM: the host's container processes are children of its
    /// agent's supervisors but live in network namespaces of their own, so killing the host's namespace would miss
    /// them. Each container's init (a child of a process in the host's namespace, outside that namespace) gets
    /// SIGKILL, which ends its whole PID namespace; the supervisors then record the exits and free the cgroups.
    func endContainers() {
        guard NetNS.exists(st.netns) else { return }
        let inHost = Set(NetNS.pids(st.netns))
        let inits = Exec.children(of: inHost).filter { !inHost.contains($0) }
        guard !inits.isEmpty else { return }
        for pid in inits { _ = Glibc.kill(pid, SIGKILL) }
        for _ in 0..<200 where inits.contains(where: { Exec.isAlive($0) }) { usleep(10_000) }
        usleep(200_000) // the supervisors' turn to note the exits
    }
}
