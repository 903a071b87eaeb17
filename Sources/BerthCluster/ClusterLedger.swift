/// What `berth apply` made (or adopted) for one cluster file, kept in the store as `clusters/<name>.json`, so that
/// a later apply knows its own from what others made, `--prune` knows what the file no longer names, and
/// `berth destroy -f` knows what to take away. Written after every step, atomically.
public struct ClusterLedger: Codable, Sendable, Equatable {
    /// One made thing; `machine` is nil for cluster-wide ones (overlay networks).
    public struct Entry: Codable, Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var machine: String?
        public init(name: String, machine: String? = nil) {
            self.name = name
            self.machine = machine
        }
        public var description: String { machine.map { "\(name) on \($0)" } ?? name }
    }

    public var name: String
    /// The file last applied, as given.
    public var file: String
    public var machines: [String]
    /// The etcd cluster store was made by this file.
    public var store: Bool
    /// The flannel network (its name in the file), when this file made it.
    public var flannel: String?
    public var networks: [Entry]
    public var volumes: [Entry]
    public var images: [Entry]
    public var containers: [Entry]

    public init(name: String, file: String, machines: [String] = [], store: Bool = false, flannel: String? = nil,
                networks: [Entry] = [], volumes: [Entry] = [], images: [Entry] = [], containers: [Entry] = []) {
        self.name = name
        self.file = file
        self.machines = machines
        self.store = store
        self.flannel = flannel
        self.networks = networks
        self.volumes = volumes
        self.images = images
        self.containers = containers
    }

    public var isEmpty: Bool {
        machines.isEmpty && !store && flannel == nil && networks.isEmpty && volumes.isEmpty && images.isEmpty
            && containers.isEmpty
    }

    /// The ledger once `action` is done.
    public mutating func record(_ action: PlanAction) {
        func add(_ list: inout [Entry], _ e: Entry) { if !list.contains(e) { list.append(e) } }
        switch action {
        case .createMachine(let m): if !machines.contains(m.name) { machines.append(m.name) }
        case .adopt(let kind, let e):
            switch kind {
            case .machine: if !machines.contains(e.name) { machines.append(e.name) }
            case .network: add(&networks, e)
            case .volume: add(&volumes, e)
            case .image: add(&images, e)
            case .container: add(&containers, e)
            }
        case .startMachine: break
        case .createStore: store = true
        case .createFlannel(let n, _): flannel = n.name
        case .joinFlannel: break
        case .createNetwork(let n, let machine): add(&networks, Entry(name: n.name, machine: n.kind.isClusterWide ? nil : machine))
        case .createVolume(let v, let machine): add(&volumes, Entry(name: v.name, machine: machine))
        case .loadImage(let i, let machine): add(&images, Entry(name: i.name, machine: machine))
        case .createContainer(let c): add(&containers, Entry(name: c.name, machine: c.machine))
        case .startContainer: break
        case .removeContainer(let e): containers.removeAll { $0 == e }
        case .removeVolume(let e): volumes.removeAll { $0 == e }
        case .removeNetwork(let e): networks.removeAll { $0 == e }
        case .removeImage(let e): images.removeAll { $0 == e }
        case .removeFlannel: flannel = nil
        case .removeStore: store = false
        case .removeMachine(let name):
            machines.removeAll { $0 == name }
            // What lived on it went with it.
            for keyPath in [\ClusterLedger.volumes, \.images, \.containers, \.networks] {
                self[keyPath: keyPath].removeAll { $0.machine == name }
            }
        }
    }
}
