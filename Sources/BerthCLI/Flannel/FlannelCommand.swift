import ArgumentParser
import BerthCore
import BerthHTTP
import BerthMachine
import BerthVolume
import Foundation

/// `berth flannel create|join|ls|rm`: flannel's network on the cluster store, the agents playing flanneld.
struct FlannelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flannel", abstract: "Run a flannel network (vxlan or host-gw) across machines through the cluster store",
        subcommands: [FlannelCreate.self, FlannelJoin.self, FlannelLs.self, FlannelRm.self])
}

/// The cluster store through libcurl with the controller's client certificate, trying each member in turn.
struct CurlClusterKV: ClusterKV {
    let clients: [EtcdClient]

    init(cluster: ClusterRecord, layout: StoreLayout) {
        let tls = TLSClientFiles(caPath: layout.etcdCACert, certPath: layout.etcdClientCert, keyPath: layout.etcdClientKey)
        clients = cluster.clientURLs.map { EtcdClient(endpoint: $0, tls: tls, timeout: 5) }
    }

    func any<T>(_ body: (EtcdClient) throws -> T) throws -> T {
        var last: Error = BerthError.failed("no cluster store members")
        for client in clients {
            do { return try body(client) } catch { last = error }
        }
        throw last
    }

    func put(_ key: String, _ value: String) throws { try any { try $0.put(key, value) } }
    func list(prefix: String) throws -> [EtcdGateway.KeyValue] { try any { try $0.list(prefix: prefix) } }
    func delete(_ key: String) throws { try any { try $0.delete(key) } }
    func delete(prefix: String) throws { try any { try $0.delete(prefix: prefix) } }
    func timeToLive(_ lease: Int64) throws -> Int64 { try any { try $0.timeToLive(lease) } }
}

extension GlobalOptions {
    func flannelService() throws -> FlannelService {
        let svc = try service()
        guard let cluster = try svc.store.loadCluster() else {
            throw BerthError.notFound("no cluster store in \(svc.store.layout.root) (berth etcd create MACHINE...)")
        }
        return FlannelService(machines: svc, kv: CurlClusterKV(cluster: cluster, layout: svc.store.layout))
    }
}

struct FlannelCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Write flannel's network config and turn the flannel role on in machines")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The flannel network (CIDR)") var network: String
    @Option(name: .customLong("subnet-len"), help: "Length of each host's subnet (default 24)") var subnetLen: Int?
    @Option(name: .customLong("subnet-min"), help: "First subnet to lease") var subnetMin: String?
    @Option(name: .customLong("subnet-max"), help: "Last subnet to lease") var subnetMax: String?
    @Option(help: "Backend: vxlan or host-gw") var backend: String = "vxlan"
    @Option(help: "VXLAN network identifier (vxlan)") var vni: Int = 1
    @Option(help: "VXLAN UDP port (vxlan)") var port: Int = 8472
    @Argument(help: "Machines (default: every machine of the store)") var machines: [String] = []

    func run() throws {
        try guarded {
            guard let net = try? IPv4Network(parsing: network) else {
                throw BerthError.invalidArgument("flannel: invalid network \(network): not an IPv4 CIDR")
            }
            func address(_ text: String?, _ flag: String) throws -> IPv4Address? {
                guard let text else { return nil }
                guard let a = IPv4Address(text) else { throw BerthError.invalidArgument("flannel: invalid \(flag) \(text)") }
                return a
            }
            guard (1...0xFF_FFFF).contains(vni), (1...65535).contains(port) else {
                throw BerthError.invalidArgument("flannel: --vni must be 1-16777215 and --port 1-65535")
            }
            let config = try FlannelConfig(network: net, subnetLen: subnetLen,
                                           subnetMin: try address(subnetMin, "--subnet-min"),
                                           subnetMax: try address(subnetMax, "--subnet-max"),
                                           backend: .init(type: backend, vni: vni, port: port))
            let flannel = try global.flannelService()
            if try flannel.hasConfig() {
                throw BerthError.invalidArgument("flannel: a network config exists already in the cluster store (berth flannel rm first)")
            }
            // As a dockerd restarted with flannel's --bip: containers on the default bridge stop first (named here),
            // since the bridge takes the machine's flannel subnet.
            try stopDefaultBridgeContainers(flannel, machines)
            let started = Date()
            let listing = try flannel.create(config, on: machines)
            FileHandle.standardOutput.write(Data(listing.render().utf8))
            print("flannel \(config.backend.type) network \(config.network) up on \(listing.rows.count) machine(s) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
    }
}

/// Stops the running containers on the default bridge of each target machine, saying which.
func stopDefaultBridgeContainers(_ flannel: FlannelService, _ names: [String]) throws {
    let svc = flannel.machines
    let records = names.isEmpty ? svc.store.records() : try names.map { try svc.load($0) }
    for record in records where svc.status(record, timeout: 5).state == .running {
        let engine = EngineClient(service: svc, record: record)
        for (id, name) in try engine.runningOnDefaultBridge() {
            try engine.stopContainer(id)
            print("\(record.name): stopped \(name) (on the default bridge, which takes the machine's flannel subnet)")
        }
    }
}

struct FlannelJoin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "join", abstract: "Turn the flannel role on in more machines")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Machines") var machines: [String]

    func run() throws {
        try guarded {
            let flannel = try global.flannelService()
            try stopDefaultBridgeContainers(flannel, machines)
            FileHandle.standardOutput.write(Data(try flannel.join(machines).render().utf8))
        }
    }
}

struct FlannelLs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List flannel's subnet leases")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded { FileHandle.standardOutput.write(Data(try global.flannelService().ls().render().utf8)) }
    }
}

struct FlannelRm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove the flannel network from every machine")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try guarded {
            try global.flannelService().remove()
            print("flannel network removed")
        }
    }
}
