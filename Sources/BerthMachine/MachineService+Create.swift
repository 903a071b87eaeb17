import BerthCore
import Foundation

/// What `create` needs beyond the driver flags.
public struct CreateRequest {
    public var name: String
    public var driverName: String
    public var options: DriverOptions
    public var engine: EngineOptions

    public init(name: String, driverName: String, options: DriverOptions, engine: EngineOptions) {
        self.name = name
        self.driverName = driverName
        self.options = options
        self.engine = engine
    }
}

extension MachineService {
    /// docker-machine's create pipeline: checks, certs, save, create, wait for SSH, detect, provision, verify.
    /// A failure at any step removes what was made and what was registered.
    public func create(_ req: CreateRequest, say: @escaping (String) -> Void,
                       progress: ((Int64, Int64) -> Void)? = nil) throws -> MachineRecord {
        try MachineName.validate(req.name)
        let factory = try drivers.factory(req.driverName)
        let context = DriverContext(store: store, machineName: req.name, templates: templates, log: say)
        guard let agentBinary, FileManager.default.isExecutableFile(atPath: agentBinary) else {
            throw BerthError.preCreateCheck("agent binary not found (\(agentBinary ?? "unset")); run `make agent` or set BERTH_AGENT")
        }

        if store.exists(req.name) { throw BerthError.exists("Host already exists: \"\(req.name)\"") }
        _ = try ClusterStoreSettings.parse(engineOptions: req.engine.options)
        say("Running pre-create checks...")
        let driver = try factory.make(context: context, options: req.options)
        do { try driver.preCreateCheck() } catch let e as BerthError {
            throw BerthError.preCreateCheck("Error with pre-create check: \(e)")
        } catch {
            throw BerthError.preCreateCheck("Error with pre-create check: \(error)")
        }
        if try certificates.ensureStoreCertificates() { say("Created CA and client certificate in \(store.layout.certsDir)") }
        try store.withLock { try store.reserve(req.name) }

        var made = false
        do {
            say("Creating machine...")
            try driver.create()
            made = true
            var record = MachineRecord(name: req.name, driverName: req.driverName, driver: try driver.encodeState(),
                                       engine: req.engine, ssh: driver.ssh)
            record.ssh.keyPath = record.ssh.keyPath.map(store.layout.relative)
            try store.save(record)

            say("Waiting for machine to be running, this may take a few minutes...")
            guard driver.state() == .running else { throw BerthError.failed("\(req.name): machine did not come up") }
            say("Detecting operating system of created instance...")
            say("Waiting for SSH to be available...")
            let shell = try waitForSSH(record)
            defer { shell.close() }
            say("Detecting the provisioner...")
            let prov = provisioner(record, shell: shell)
            var info = try prov.detect()
            say("Provisioning with \(info.osID)...")
            try prov.setHostname(req.name)
            say("Copying certs to the local machine directory...")
            let server = try certificates.issueMachineCertificates(
                name: req.name, hosts: [record.ssh.ipAddress, req.name, "localhost"])
            say("Copying certs to the remote machine...")
            try prov.host.root("mkdir -p \(layout.confDir) \(layout.dataRoot) \(layout.binDir) && chmod 700 \(layout.confDir)")
            try prov.installCertificates(caPEM: try certificates.caPEM(),
                                         server: (server.certificatePEM, server.privateKeyPEM))
            say("Setting Docker configuration on the remote daemon...")
            try prov.installBinary(agentBinary, progress: progress)
            // A store with a cluster points every new machine's agent at it (or at the machine's own --engine-opt one).
            try configureClusterClient(record, prov: prov, info: info, cluster: try store.loadCluster())
            try prov.control("restart")
            say("Checking connection to Docker...")
            info.agentVersion = try waitForAgent(record)
            record.provision = info
            try store.save(record)
            say("Docker is up and running!")
            return record
        } catch {
            if made { try? driver.remove() }
            try? store.remove(req.name)
            throw error
        }
    }
}

