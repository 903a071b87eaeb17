/// What `berth apply` will do: steps in phases, plus what it found different (drift) and what it refuses to touch
/// (clashes). Built by `Planner` from a file, what exists and the ledger; carried out by the CLI's executor.

public enum ResourceKind: String, Sendable, Equatable, Codable {
    case machine, network, volume, image, container
}

public enum PlanAction: Sendable, Equatable {
    case createMachine(MachineSpec)
    /// `--adopt`: taken into the ledger as it is.
    case adopt(ResourceKind, ClusterLedger.Entry)
    case startMachine(String)
    case createStore([String])
    case createFlannel(NetworkSpec, machines: [String])
    case joinFlannel([String])
    /// For a cluster-wide network, `machine` is the one whose agent makes it for all.
    case createNetwork(NetworkSpec, machine: String)
    case createVolume(VolumeSpec, machine: String)
    case loadImage(ImageSpec, machine: String)
    /// Creates, connects the further networks and (when `start`) starts.
    case createContainer(ContainerSpec)
    case startContainer(ContainerSpec)
    case removeContainer(ClusterLedger.Entry)
    case removeVolume(ClusterLedger.Entry)
    case removeNetwork(ClusterLedger.Entry)
    case removeImage(ClusterLedger.Entry)
    case removeFlannel
    case removeStore
    case removeMachine(String)
}

/// Phases run in this order; the steps of one phase run in parallel (containers: in order per machine).
public enum PlanPhase: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case prune, adopt, machines, store, flannel, images, networks, volumes, containers
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .prune: return "remove"
        case .adopt: return "adopt"
        case .machines: return "machines"
        case .store: return "store"
        case .flannel: return "flannel"
        case .images: return "images"
        case .networks: return "networks"
        case .volumes: return "volumes"
        case .containers: return "containers"
        }
    }
}

public struct PlanStep: Sendable, Equatable, CustomStringConvertible {
    public var action: PlanAction
    public var phase: PlanPhase
    public init(_ action: PlanAction, _ phase: PlanPhase) {
        self.action = action
        self.phase = phase
    }

    /// The machine the step runs on, when there is one (used to serialise a machine's containers).
    public var machine: String? {
        switch action {
        case .createMachine(let m): return m.name
        case .startMachine(let n), .removeMachine(let n): return n
        case .createNetwork(_, let m), .createVolume(_, let m), .loadImage(_, let m): return m
        case .createContainer(let c), .startContainer(let c): return c.machine
        case .removeContainer(let e), .removeVolume(let e), .removeNetwork(let e), .removeImage(let e), .adopt(_, let e):
            return e.machine
        case .createStore, .createFlannel, .joinFlannel, .removeFlannel, .removeStore: return nil
        }
    }

    public var description: String {
        switch action {
        case .createMachine(let m): return "create machine \(m.name) (\(m.driver))"
        case .adopt(let kind, let e): return "adopt \(kind.rawValue) \(e)"
        case .startMachine(let n): return "start machine \(n)"
        case .createStore(let names): return "create the etcd store on \(names.joined(separator: ", "))"
        case .createFlannel(let n, let machines):
            let f = n.flannel ?? FlannelSpec(network: "?")
            return "create flannel network \(n.name) (\(f.network), \(f.backend)) on \(machines.joined(separator: ", "))"
        case .joinFlannel(let names): return "join flannel on \(names.joined(separator: ", "))"
        case .createNetwork(let n, let m):
            let subnet = n.subnet.map { " \($0)" } ?? ""
            return n.kind.isClusterWide ? "create network \(n.name) (\(n.kind.rawValue)\(subnet)) through \(m)"
                : "create network \(n.name) (\(n.kind.rawValue)\(subnet)) on \(m)"
        case .createVolume(let v, let m): return "create volume \(v.name) on \(m)"
        case .loadImage(let i, let m):
            switch i.source {
            case .importTar(let path, _): return "import image \(i.name) on \(m) from \(path)"
            case .build(let dir, _): return "build image \(i.name) on \(m) from \(dir)"
            }
        case .createContainer(let c):
            return "\(c.start ? "run" : "create") container \(c.name) on \(c.machine) (\(c.image))"
        case .startContainer(let c): return "start container \(c.name) on \(c.machine)"
        case .removeContainer(let e): return "remove container \(e)"
        case .removeVolume(let e): return "remove volume \(e)"
        case .removeNetwork(let e): return "remove network \(e)"
        case .removeImage(let e): return "remove image \(e)"
        case .removeFlannel: return "remove the flannel network"
        case .removeStore: return "remove the etcd store"
        case .removeMachine(let n): return "remove machine \(n)"
        }
    }
}

/// Something that exists and differs from the file; reported, never changed by apply.
public struct Drift: Sendable, Equatable, CustomStringConvertible {
    public var subject: String
    public var difference: String
    public var mark: SourceMark?
    public init(subject: String, difference: String, mark: SourceMark? = nil) {
        self.subject = subject
        self.difference = difference
        self.mark = mark
    }
    public var description: String { "\(subject): \(difference)" }
}

public struct Plan: Sendable, Equatable {
    public var steps: [PlanStep]
    public var drift: [Drift]
    /// Things the file names that exist but were made outside it: apply refuses to start (unless --adopt).
    public var clashes: [Drift]
    /// Made by the file, no longer in it, and kept (no --prune).
    public var leftovers: [String]
    public init(steps: [PlanStep] = [], drift: [Drift] = [], clashes: [Drift] = [], leftovers: [String] = []) {
        self.steps = steps
        self.drift = drift
        self.clashes = clashes
        self.leftovers = leftovers
    }

    /// Nothing to do (drift and leftovers may still be reported).
    public var isEmpty: Bool { steps.isEmpty }

    public func steps(in phase: PlanPhase) -> [PlanStep] { steps.filter { $0.phase == phase } }

    /// The plan as apply prints it before doing anything.
    public func render(file: String? = nil) -> String {
        func at(_ d: Drift) -> String {
            guard let m = d.mark else { return d.description }
            return "\(d.description) (\(file.map { "\($0):" } ?? "line ")\(m.line)\(file == nil ? "" : ":\(m.column)"))"
        }
        var out: [String] = []
        for phase in PlanPhase.allCases {
            let s = steps(in: phase)
            guard !s.isEmpty else { continue }
            out.append("\(phase):")
            out += s.map { "  + \($0)" }
        }
        for d in drift { out.append("drift: \(at(d))") }
        for l in leftovers { out.append("kept: \(l) (no longer in the file; --prune removes it)") }
        if steps.isEmpty { out.append("nothing to do: everything in the file exists") }
        return out.joined(separator: "\n") + "\n"
    }
}
