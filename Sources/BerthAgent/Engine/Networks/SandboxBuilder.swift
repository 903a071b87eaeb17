#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime

/// Makes and removes container sandboxes: the network namespace bind-mounted at `<root>/<id12>` (and linked as
/// `/run/netns/<id12>`), the endpoints plugged into it through their drivers, and the container's `/etc/hosts`,
/// `/etc/resolv.conf` and `/etc/hostname`, written in its directory and bind-mounted by the supervisor.
struct SandboxBuilder: Sendable {
    /// `<execRoot>/netns`.
    let root: String

    func sandbox(_ containerID: String) -> Sandbox {
        let key = String(containerID.prefix(12))
        return Sandbox(key: key, path: root + "/" + key, link: key)
    }

    // MARK: namespaces

    /// A fresh namespace with loopback up.
    func create(_ box: Sandbox) throws {
        do { try NetKernel.createNamespace(at: box.path, link: box.link) } catch {
            throw NetworkError.kernel("\(error)")
        }
    }

    /// Removes a sandbox's namespace; quiet when there is none.
    func remove(_ box: Sandbox) {
        if FileManager.default.fileExists(atPath: box.path) { NetKernel.removeNamespace(at: box.path, link: box.link) }
    }

    /// Whether a container has a live sandbox of its own.
    func exists(_ box: Sandbox) -> Bool { NetKernel.isNamespace(box.path) }

    /// Removes every sandbox under `root` whose container is not in `running` (by full ID).
    func removeStale(running: Set<String>) {
        for key in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        where !running.contains(where: { $0.hasPrefix(key) }) {
            NetKernel.removeNamespace(at: root + "/" + key, link: key)
        }
    }

    /// Whether any sandbox is left under `root`.
    var isEmpty: Bool { ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).isEmpty }

    // MARK: endpoints

    /// Plugs `endpoint` into `box` through its network's driver.
    func plug(_ endpoint: EndpointRecord, network: NetworkRecord, driver: any NetworkDriver, into box: Sandbox) throws {
        do { try driver.join(network, endpoint: endpoint, sandbox: box) } catch {
            throw NetworkError.kernel("\(error)")
        }
    }

    func unplug(_ endpoint: EndpointRecord, network: NetworkRecord, driver: any NetworkDriver) {
        driver.leave(network, endpoint: endpoint)
    }

    /// Unplugs an endpoint of a sandbox that is removed next (the driver leaves the rest to the namespace's end).
    func retire(_ endpoint: EndpointRecord, network: NetworkRecord, driver: any NetworkDriver) {
        driver.retire(network, endpoint: endpoint)
    }

    // MARK: /etc files

    /// The files of a container with its own sandbox: its addresses in `/etc/hosts`, the embedded DNS server (when
    /// its first network resolves names) or the host's servers in `/etc/resolv.conf`.
    func writeFiles(directory: String, hostname: String, addresses: [IPv4Address], addresses6: [IPv6Address] = [],
                    embeddedServer: IPv4Address?, extraLines: [String] = [],
                    dns: SandboxFiles.DNSSettings = .init()) throws -> [BindFile] {
        try write(directory: directory, hostname: hostname,
                  hosts: SandboxFiles.hosts(hostname: hostname, addresses: addresses, extra: extraLines,
                                            addresses6: addresses6),
                  resolv: SandboxFiles.resolvConf(hostResolvConf: hostResolvConf, embeddedServer: embeddedServer,
                                                  dns: dns))
    }

    /// The files of a `--network host` container: the host's `/etc/hosts` (and `--add-host` lines) and
    /// `/etc/resolv.conf`.
    func writeHostFiles(directory: String, hostname: String, extraLines: [String] = [],
                        dns: SandboxFiles.DNSSettings = .init()) throws -> [BindFile] {
        var hosts = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8))
            ?? SandboxFiles.hosts(hostname: hostname, addresses: [])
        if !extraLines.isEmpty {
            if !hosts.hasSuffix("\n") { hosts += "\n" }
            hosts += extraLines.joined(separator: "\n") + "\n"
        }
        let resolv = dns == .init() ? hostResolvConf
            : SandboxFiles.resolvConf(hostResolvConf: hostResolvConf, embeddedServer: nil, dns: dns)
        return try write(directory: directory, hostname: hostname, hosts: hosts, resolv: resolv)
    }

    /// A `container:` container's files are the other container's.
    func sharedFiles(of directory: String?) -> [BindFile] {
        ["hosts", "resolv.conf", "hostname"].compactMap { name -> BindFile? in
            guard let directory, FileManager.default.fileExists(atPath: directory + "/" + name) else { return nil }
            return BindFile(source: directory + "/" + name, target: "etc/" + name)
        }
    }

    /// As docker does, a running container joining its first user network starts using the embedded DNS server.
    /// The file is bind-mounted: it is rewritten in place, not by rename.
    func useEmbeddedServer(_ server: IPv4Address, directory: String) {
        let path = directory + "/resolv.conf"
        guard let current = try? String(contentsOfFile: path, encoding: .utf8), !current.contains("berthd") else { return }
        let text = SandboxFiles.resolvConf(hostResolvConf: hostResolvConf, embeddedServer: server)
        try? text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    private var hostResolvConf: String { (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "" }

    private func write(directory: String, hostname: String, hosts: String, resolv: String) throws -> [BindFile] {
        let hostsPath = directory + "/hosts"
        let resolvPath = directory + "/resolv.conf"
        let hostnamePath = directory + "/hostname"
        try hosts.write(toFile: hostsPath, atomically: true, encoding: .utf8)
        try resolv.write(toFile: resolvPath, atomically: true, encoding: .utf8)
        try (hostname + "\n").write(toFile: hostnamePath, atomically: true, encoding: .utf8)
        return [BindFile(source: hostsPath, target: "etc/hosts"),
                BindFile(source: resolvPath, target: "etc/resolv.conf"),
                BindFile(source: hostnamePath, target: "etc/hostname")]
    }
}
