import BerthCore
import BerthLinux
import Foundation

/// An etcd member on a host, and the client files an agent uses to reach the cluster store.
extension Provisioner {
    /// Installs the store's CA and this machine's client certificate where `cluster-store-opts` points.
    public func installClusterClient(etcd: EtcdLayout, caPEM: String, client: (cert: String, key: String)) throws {
        try host.root("mkdir -p \(etcd.certDir) && chmod 700 \(etcd.certDir)")
        try host.install(Data(caPEM.utf8), at: etcd.certDir + "/ca.pem", mode: 0o644)
        try host.install(Data(client.cert.utf8), at: etcd.certDir + "/client.pem", mode: 0o644)
        try host.install(Data(client.key.utf8), at: etcd.certDir + "/client-key.pem", mode: 0o600)
    }

    /// The etcd binary a member runs: the host's `/usr/bin/etcd` when it is the controller's (same SHA-256),
    /// else the controller's, uploaded (and checked by hash) to `/usr/local/bin/berth-etcd`.
    public func installEtcdBinary(_ local: String, etcd: EtcdLayout, say: (String) -> Void) throws -> String {
        let digest = try SHA256Digest.hex(file: local)
        if remoteDigest(etcd.systemBinary) == digest { return etcd.systemBinary }
        if remoteDigest(etcd.uploadedBinary) != digest {
            say("\(host.label): uploading etcd (\(local))")
            try host.root("mkdir -p \(layout.binDir)")
            try host.installFile(local, at: etcd.uploadedBinary, mode: 0o755, progress: nil)
            guard remoteDigest(etcd.uploadedBinary) == digest else {
                throw BerthError.failed("\(host.label): the uploaded \(etcd.uploadedBinary) does not match \(local)'s SHA-256")
            }
        }
        return etcd.uploadedBinary
    }

    func remoteDigest(_ path: String) -> String? {
        guard let r = try? host.tryRoot("sha256sum \(path) 2>/dev/null"), r.exitStatus == 0 else { return nil }
        return r.output.split(separator: " ").first.map(String.init)
    }

    /// Writes a member's certificates, config, launcher or unit and control script (does not start it).
    public func installEtcdMember(_ v: EtcdTemplateValues, caPEM: String, member: (cert: String, key: String)) throws {
        let etcd = v.layout
        try host.root("mkdir -p \(etcd.certDir) \(etcd.dataDir) \(layout.binDir) && chmod 700 \(etcd.certDir) \(etcd.dataDir)")
        try host.install(Data(caPEM.utf8), at: etcd.certDir + "/ca.pem", mode: 0o644)
        try host.install(Data(member.cert.utf8), at: etcd.certDir + "/member.pem", mode: 0o644)
        try host.install(Data(member.key.utf8), at: etcd.certDir + "/member-key.pem", mode: 0o600)
        try host.install(Data(try templates.render("berth-etcd.conf.yml.tmpl", v).utf8), at: etcd.configFile, mode: 0o600)
        try host.install(Data(try templates.render("berth-etcd-ctl.sh.tmpl", v).utf8), at: etcd.ctl, mode: 0o755)
        if v.initSystem == "systemd" {
            try host.install(Data(try templates.render("berth-etcd.service.tmpl", v).utf8), at: etcd.unitFile, mode: 0o644)
        } else {
            try host.install(Data(try templates.render("berth-etcd-launcher.sh.tmpl", v).utf8), at: etcd.launcher, mode: 0o755)
        }
    }

    /// `start`, `stop`, `restart`, `kill`, `status` or `pid` through the member's control script.
    @discardableResult
    public func etcdControl(_ action: String, etcd: EtcdLayout) throws -> String {
        try host.root("\(etcd.ctl) \(action)")
    }

    /// Whether this host has an etcd member installed (its control script).
    public func hasEtcdMember(etcd: EtcdLayout) -> Bool {
        (try? host.tryRoot("test -x \(etcd.ctl)"))?.exitStatus == 0
    }

    /// Stops the member and removes its data, config, certificates, scripts and uploaded binary; also the
    /// agent's client files (the whole `/etc/berth/etcd`). Safe on a host that has none of it.
    public func uninstallEtcd(etcd: EtcdLayout) throws {
        if hasEtcdMember(etcd: etcd) { _ = try? etcdControl("stop", etcd: etcd) }
        _ = try? host.tryRoot("systemctl disable berth-etcd.service 2>/dev/null; true")
        try host.root("rm -rf \(etcd.dataDir) \(etcd.certDir) && rm -f \(etcd.ctl) \(etcd.launcher) \(etcd.unitFile) "
            + "\(etcd.uploadedBinary) \(etcd.logFile) \(etcd.runDir)/etcd.pid \(etcd.runDir)/etcd-launcher.pid")
        _ = try? host.tryRoot("[ -d /run/systemd/system ] && systemctl daemon-reload; true")
    }
}
