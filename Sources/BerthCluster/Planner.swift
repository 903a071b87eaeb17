/// Compares a cluster file with what exists and with the ledger of what the file made before, and returns only the
/// difference, in dependency order. Pure: the same inputs give the same plan, so it is unit-tested without root.
public enum Planner {
    public struct Options: Sendable, Equatable {
        /// Take things the file names but others made into the ledger instead of refusing.
        public var adopt: Bool
        /// Remove what the ledger holds and the file no longer names (machines only with `pruneMachines`).
        public var prune: Bool
        public var pruneMachines: Bool
        public init(adopt: Bool = false, prune: Bool = false, pruneMachines: Bool = false) {
            self.adopt = adopt
            self.prune = prune
            self.pruneMachines = pruneMachines
        }
    }

    /// docker's reference normalisation as far as apply compares images: a missing tag is `latest`.
    public static func normalized(_ image: String) -> String {
        var name = image
        if name.hasPrefix("docker.io/library/") { name.removeFirst("docker.io/library/".count) }
        if name.contains("@") { return name }
        let last = name.split(separator: "/").last.map(String.init) ?? name
        return last.contains(":") ? name : name + ":latest"
    }

    public static func plan(_ spec: ClusterSpec, observed: ObservedCluster, ledger: ClusterLedger,
                            options: Options = Options()) -> Plan {
        var plan = Plan()
        var owned = ledger
        func step(_ a: PlanAction, _ p: PlanPhase) { plan.steps.append(PlanStep(a, p)) }
        /// An existing thing the file names: fine when the ledger has it, adopted with --adopt, else a clash.
        func claim(_ kind: ResourceKind, _ entry: ClusterLedger.Entry, owned mine: Bool, mark: SourceMark?) -> Bool {
            if mine { return true }
            if options.adopt {
                step(.adopt(kind, entry), .adopt)
                owned.record(.adopt(kind, entry))
                return true
            }
            plan.clashes.append(Drift(subject: "\(kind.rawValue) \(entry)",
                                      difference: "exists and was not made by this file (berth apply --adopt takes it over)",
                                      mark: mark))
            return false
        }

        // Prune first, in reverse dependency order.
        pruneSteps(spec, observed: observed, ledger: ledger, options: options, into: &plan)

        // Machines.
        for m in spec.machines {
            guard let o = observed.machine(m.name) else {
                step(.createMachine(m), .machines)
                continue
            }
            guard claim(.machine, .init(name: m.name), owned: ledger.machines.contains(m.name), mark: m.mark) else { continue }
            if o.driver != m.driver {
                plan.drift.append(Drift(subject: "machine \(m.name)",
                                        difference: "driver \(m.driver) in the file, \(o.driver) on the machine", mark: m.mark))
            }
            if !o.isRunning { step(.startMachine(m.name), .machines) }
        }

        // The cluster store.
        if let want = spec.store {
            if let have = observed.store {
                if Set(have.members) != Set(want.etcd) {
                    plan.drift.append(Drift(subject: "the etcd store",
                                            difference: "members \(want.etcd.joined(separator: ", ")) in the file, \(have.members.joined(separator: ", ")) running",
                                            mark: want.mark))
                }
            } else {
                step(.createStore(want.etcd), .store)
            }
        }

        // flannel.
        if let net = spec.networks.first(where: { $0.kind == .flannel }), let f = net.flannel {
            if let have = observed.flannel {
                if have.network != f.network {
                    plan.drift.append(Drift(subject: "flannel network \(net.name)",
                                            difference: "network \(f.network) in the file, \(have.network) in the store", mark: net.mark))
                }
                if let backend = have.leases.isEmpty ? nil : have.backend, backend != f.backend {
                    plan.drift.append(Drift(subject: "flannel network \(net.name)",
                                            difference: "backend \(f.backend) in the file, \(backend) leased", mark: net.mark))
                }
                let missing = net.machines.filter { have.leases[$0] == nil }
                if !missing.isEmpty { step(.joinFlannel(missing), .flannel) }
            } else {
                step(.createFlannel(net, machines: net.machines), .flannel)
            }
        }

        // Images, per machine: imports before builds (a build's FROM may name an imported one).
        let imports = spec.images.filter { if case .importTar = $0.source { return true } else { return false } }
        for image in imports + spec.images.filter({ !imports.contains($0) }) {
            for name in image.machines {
                let have = observed.machine(name)?.images.contains { normalized($0) == normalized(image.name) } ?? false
                // An image is content, not a resource with an owner: one that is there is simply used.
                if !have { step(.loadImage(image, machine: name), .images) }
            }
        }

        // Networks.
        for net in spec.networks where net.kind != .flannel {
            if net.kind.isClusterWide {
                let seen = net.machines.lazy.compactMap { observed.machine($0)?.network(net.name) }.first
                    ?? observed.machines.lazy.compactMap { $0.network(net.name) }.first
                if let seen {
                    let entry = ClusterLedger.Entry(name: net.name)
                    if claim(.network, entry, owned: ledger.networks.contains(entry), mark: net.mark) {
                        networkDrift(net, seen, subject: "network \(net.name)", into: &plan)
                    }
                } else if let first = net.machines.first {
                    step(.createNetwork(net, machine: first), .networks)
                }
                continue
            }
            for name in net.machines {
                let entry = ClusterLedger.Entry(name: net.name, machine: name)
                if let seen = observed.machine(name)?.network(net.name) {
                    if claim(.network, entry, owned: ledger.networks.contains(entry), mark: net.mark) {
                        networkDrift(net, seen, subject: "network \(entry)", into: &plan)
                    }
                } else {
                    step(.createNetwork(net, machine: name), .networks)
                }
            }
        }

        // Volumes.
        for vol in spec.volumes {
            for name in vol.machines {
                let entry = ClusterLedger.Entry(name: vol.name, machine: name)
                if let seen = observed.machine(name)?.volume(vol.name) {
                    if claim(.volume, entry, owned: ledger.volumes.contains(entry), mark: vol.mark), seen.driver != vol.driver {
                        plan.drift.append(Drift(subject: "volume \(entry)",
                                                difference: "driver \(vol.driver) in the file, \(seen.driver) on the machine",
                                                mark: vol.mark))
                    }
                } else {
                    step(.createVolume(vol, machine: name), .volumes)
                }
            }
        }

        // Containers, those another one takes volumes from first.
        for c in ordered(spec.containers) {
            let entry = ClusterLedger.Entry(name: c.name, machine: c.machine)
            guard let seen = observed.machine(c.machine)?.container(c.name) else {
                step(.createContainer(c), .containers)
                continue
            }
            guard claim(.container, entry, owned: ledger.containers.contains(entry), mark: c.mark) else { continue }
            if normalized(seen.image) != normalized(c.image) {
                plan.drift.append(Drift(subject: "container \(entry)",
                                        difference: "image \(c.image) in the file, \(seen.image) running", mark: c.mark))
            }
            let wantNets = Set(c.networks.isEmpty ? ["bridge"] : c.networks)
            let haveNets = Set(seen.networks.keys)
            if !haveNets.isEmpty, wantNets != haveNets {
                plan.drift.append(Drift(subject: "container \(entry)",
                                        difference: "networks \(wantNets.sorted().joined(separator: ", ")) in the file, \(haveNets.sorted().joined(separator: ", ")) attached",
                                        mark: c.mark))
            }
            if c.start, seen.state != "running" { step(.startContainer(c), .containers) }
        }
        _ = owned
        return plan
    }

    /// Everything the ledger holds, taken away: containers, cluster-wide networks, then what lives on machines
    /// that stay, flannel, the store, the machines.
    public static func destroy(ledger: ClusterLedger, observed: ObservedCluster) -> Plan {
        var plan = Plan()
        let going = Set(ledger.machines)
        let staying = { (e: ClusterLedger.Entry) in e.machine.map { !going.contains($0) } ?? true }
        for e in ledger.containers { plan.steps.append(PlanStep(.removeContainer(e), .prune)) }
        for e in ledger.volumes where staying(e) { plan.steps.append(PlanStep(.removeVolume(e), .prune)) }
        for e in ledger.networks where staying(e) { plan.steps.append(PlanStep(.removeNetwork(e), .prune)) }
        for e in ledger.images where staying(e) { plan.steps.append(PlanStep(.removeImage(e), .prune)) }
        if ledger.flannel != nil { plan.steps.append(PlanStep(.removeFlannel, .prune)) }
        if ledger.store { plan.steps.append(PlanStep(.removeStore, .prune)) }
        for m in ledger.machines { plan.steps.append(PlanStep(.removeMachine(m), .prune)) }
        return plan
    }

    // MARK: -

    static func pruneSteps(_ spec: ClusterSpec, observed: ObservedCluster, ledger: ClusterLedger, options: Options,
                           into plan: inout Plan) {
        let named = Set(spec.machines.map(\.name))
        let goneMachines = ledger.machines.filter { !named.contains($0) }
        let machinesGo = options.prune && options.pruneMachines
        let goingMachines = machinesGo ? Set(goneMachines) : []
        func wanted(_ e: ClusterLedger.Entry, in list: [(String, [String])]) -> Bool {
            list.contains { name, machines in name == e.name && (e.machine.map { machines.contains($0) } ?? true) }
        }
        func handle(_ entries: [ClusterLedger.Entry], _ kind: String, want: [(String, [String])],
                    _ action: (ClusterLedger.Entry) -> PlanAction) {
            for e in entries where !wanted(e, in: want) {
                if let m = e.machine, goingMachines.contains(m) { continue }
                if options.prune { plan.steps.append(PlanStep(action(e), .prune)) } else { plan.leftovers.append("\(kind) \(e)") }
            }
        }
        handle(ledger.containers, "container", want: spec.containers.map { ($0.name, [$0.machine]) }) { .removeContainer($0) }
        handle(ledger.volumes, "volume", want: spec.volumes.map { ($0.name, $0.machines) }) { .removeVolume($0) }
        handle(ledger.networks, "network", want: spec.networks.filter { $0.kind != .flannel }.map { ($0.name, $0.machines) }) {
            .removeNetwork($0)
        }
        handle(ledger.images, "image", want: spec.images.map { ($0.name, $0.machines) }) { .removeImage($0) }
        if let f = ledger.flannel, !spec.networks.contains(where: { $0.kind == .flannel }) {
            if options.prune { plan.steps.append(PlanStep(.removeFlannel, .prune)) } else { plan.leftovers.append("flannel network \(f)") }
        }
        if ledger.store, spec.store == nil {
            if options.prune { plan.steps.append(PlanStep(.removeStore, .prune)) } else { plan.leftovers.append("the etcd store") }
        }
        for m in goneMachines {
            if machinesGo { plan.steps.append(PlanStep(.removeMachine(m), .prune)) } else {
                plan.leftovers.append("machine \(m)" + (options.prune ? " (--prune-machines removes machines)" : ""))
            }
        }
        _ = observed
    }

    static func networkDrift(_ net: NetworkSpec, _ seen: ObservedNetwork, subject: String, into plan: inout Plan) {
        let driver = net.kind.rawValue
        if seen.driver != driver {
            plan.drift.append(Drift(subject: subject, difference: "driver \(driver) in the file, \(seen.driver) on the machine",
                                    mark: net.mark))
        }
        if let want = net.subnet, let have = seen.subnet, want != have {
            plan.drift.append(Drift(subject: subject, difference: "subnet \(want) in the file, \(have) on the machine",
                                    mark: net.mark))
        }
        if let want = net.options["parent"], let have = seen.parent, want != have {
            plan.drift.append(Drift(subject: subject, difference: "parent \(want) in the file, \(have) on the machine",
                                    mark: net.mark))
        }
    }

    /// Containers in file order, except that one another takes `volumes-from` of comes before it.
    static func ordered(_ containers: [ContainerSpec]) -> [ContainerSpec] {
        var done: [ContainerSpec] = []
        var placed = Set<String>()
        func place(_ c: ContainerSpec, _ path: Set<String>) {
            let key = c.machine + "/" + c.name
            guard !placed.contains(key), !path.contains(key) else { return }
            for source in c.volumesFrom {
                if let s = containers.first(where: { $0.name == source && $0.machine == c.machine }) { place(s, path.union([key])) }
            }
            placed.insert(key)
            done.append(c)
        }
        for c in containers { place(c, []) }
        return done
    }
}
