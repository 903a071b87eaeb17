import BerthCore
import Foundation

/// Configures the OS of a machine over SSH: detect it, set the hostname, install and control the agent.
/// The same path serves generic hosts and lab hosts.
public final class Provisioner {
    public let host: HostCommander
    public let templates: Templates
    public let layout: AgentLayout

    public init(host: HostCommander, templates: Templates, layout: AgentLayout = AgentLayout()) {
        self.host = host
        self.templates = templates
        self.layout = layout
    }

    /// Reads `/etc/os-release` and PID 1's name.
    public func detect() throws -> ProvisionInfo {
        let out = try host.shell.check("cat /etc/os-release 2>/dev/null; echo '---'; cat /proc/1/comm 2>/dev/null || true")
        let parts = out.components(separatedBy: "---\n")
        let release = OSRelease(parts.first ?? "")
        let pid1 = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespacesAndNewlines) : ""
        guard let id = release["ID"] else {
            throw BerthError.failed("\(host.label): no /etc/os-release; cannot detect the operating system")
        }
        return ProvisionInfo(osID: id, osName: release["PRETTY_NAME"] ?? id,
                             initSystem: pid1 == "systemd" ? "systemd" : "none")
    }

    public func setHostname(_ name: String) throws {
        let q = HostCommander.quote(name)
        try host.root("hostname \(q) && printf '%s\\n' \(q) > /etc/hostname")
    }

    /// Installs certificates, the agent binary, its config and service files, then (re)starts it.
    public func installAgent(record: MachineRecord, info: ProvisionInfo, agentBinary: String,
                             caPEM: String, server: (cert: String, key: String),
                             progress: ((Int64, Int64) -> Void)?) throws {
        try host.root("mkdir -p \(layout.confDir) \(layout.dataRoot) \(layout.binDir) && chmod 700 \(layout.confDir)")
        try installCertificates(caPEM: caPEM, server: server)
        try installBinary(agentBinary, progress: progress)
        try installServiceFiles(record: record, info: info)
        try control("restart")
    }

    public func installCertificates(caPEM: String, server: (cert: String, key: String)) throws {
        try host.install(Data(caPEM.utf8), at: layout.confDir + "/ca.pem", mode: 0o644)
        try host.install(Data(server.cert.utf8), at: layout.confDir + "/server.pem", mode: 0o644)
        try host.install(Data(server.key.utf8), at: layout.confDir + "/server-key.pem", mode: 0o600)
    }

    public func installBinary(_ agentBinary: String, progress: ((Int64, Int64) -> Void)?) throws {
        try host.installFile(agentBinary, at: layout.binary, mode: 0o755, progress: progress)
    }

    /// Renders the agent's config (with dockerd's cluster-store keys when `cluster` is set), control script and
    /// unit or launcher.
    public func installServiceFiles(record: MachineRecord, info: ProvisionInfo, cluster: ClusterStoreSettings? = nil) throws {
        var v = AgentTemplateValues(layout: layout, name: record.name, port: record.engine.port,
                                    labels: record.engine.labels, env: record.engine.env, initSystem: info.initSystem,
                                    cluster: cluster)
        v.insecureRegistries = record.engine.insecureRegistry
        v.registryMirrors = record.engine.registryMirror
        try host.install(Data(try templates.render("berthd.json.tmpl", v).utf8), at: layout.configFile, mode: 0o600)
        try host.install(Data(try templates.render("berthd-ctl.sh.tmpl", v).utf8), at: layout.ctl, mode: 0o755)
        if info.initSystem == "systemd" {
            try host.install(Data(try templates.render("berthd.service.tmpl", v).utf8), at: layout.unitFile, mode: 0o644)
        } else {
            try host.install(Data(try templates.render("berthd-launcher.sh.tmpl", v).utf8), at: layout.launcher, mode: 0o755)
        }
    }

    /// `start`, `stop`, `restart`, `kill` or `status` through the rendered control script.
    @discardableResult
    public func control(_ action: String) throws -> String {
        try host.root("\(layout.ctl) \(action)")
    }

    /// The installed agent's version (`berthd --version`), nil when none is installed.
    public func installedVersion() -> String? {
        guard let r = try? host.tryRoot("\(layout.binary) --version 2>/dev/null"), r.exitStatus == 0 else { return nil }
        return r.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last.map(String.init)
    }

    /// The installed agent binary's SHA-256, nil when none is installed.
    public func installedDigest() -> String? {
        guard let r = try? host.tryRoot("sha256sum \(layout.binary) 2>/dev/null"), r.exitStatus == 0 else { return nil }
        return r.output.split(separator: " ").first.map(String.init)
    }

    /// Removes the agent and its files (for `rm` of a generic host).
    public func uninstallAgent() throws {
        _ = try? control("stop")
        if let r = try? host.tryRoot("systemctl disable berthd.service 2>/dev/null; true"), r.exitStatus != 0 {}
        // The config directory may be a mount point: empty it, then remove it if possible.
        try host.root("rm -f \(layout.binary) \(layout.ctl) \(layout.launcher) \(layout.unitFile) && "
            + "if [ -d \(layout.confDir) ]; then find \(layout.confDir) -mindepth 1 -delete && { rmdir \(layout.confDir) 2>/dev/null || true; }; fi")
    }
}

/// `/etc/os-release` as key/value pairs.
public struct OSRelease {
    public var values: [String: String] = [:]

    public init(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var v = String(line[line.index(after: eq)...])
            if v.count >= 2, let f = v.first, f == "\"" || f == "'", v.last == f { v = String(v.dropFirst().dropLast()) }
            values[String(line[..<eq])] = v
        }
    }

    public subscript(_ key: String) -> String? { values[key] }
}
