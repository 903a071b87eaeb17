/// Drawings of what runs where in a cluster: a tree for a terminal (`tree`), Graphviz DOT (`dot`) and a
/// self-contained SVG (`svg`: no script, stylesheet, font file or external tool needed to view it).
/// Pure and deterministic: machines in the order given, networks by name, containers by name. No I/O.
public enum Topology {}

extension Topology {
    /// One network as drawn on one machine, with the containers on it and their addresses there.
    struct NetworkView {
        var network: ObservedNetwork
        var members: [(container: ObservedContainer, address: String)]
        /// Overlay networks span machines; they are drawn once for the whole cluster.
        var clusterWide: Bool { Topology.isClusterWide(network) }
    }

    /// One machine as drawn: its flannel lease, the networks worth showing, and containers on no network.
    struct MachineView {
        var machine: ObservedMachine
        var lease: String?
        var networks: [NetworkView]
        var unattached: [ObservedContainer]
    }

    /// A network that spans machines rather than living on one.
    static func isClusterWide(_ n: ObservedNetwork) -> Bool { n.driver == "overlay" }

    /// Networks every dockerd has; drawn only when a container is on one of them.
    static let builtinNetworks: Set<String> = ["bridge", "host", "none", "docker_gwbridge"]

    static func byName(_ a: ObservedContainer, _ b: ObservedContainer) -> Bool {
        a.name != b.name ? a.name < b.name : a.id < b.id
    }

    static func byName(_ a: ObservedNetwork, _ b: ObservedNetwork) -> Bool {
        a.name != b.name ? a.name < b.name : a.id < b.id
    }

    /// What to draw for one machine.
    static func view(_ m: ObservedMachine, in cluster: ObservedCluster) -> MachineView {
        let containers = m.containers.sorted(by: byName)
        var networks = m.networks
        // A container may name a network the machine's list lacks; draw it anyway, borrowing what another
        // machine knows of it (an overlay), else with just its name.
        var known = Set(networks.map(\.name))
        for c in containers {
            for name in c.networks.keys.sorted() where !known.contains(name) {
                known.insert(name)
                let other = cluster.machines.lazy.compactMap { $0.network(name) }.first
                networks.append(other ?? ObservedNetwork(id: "", name: name, driver: ""))
            }
        }
        var shown: [NetworkView] = []
        for n in networks.sorted(by: byName) {
            let members = containers.compactMap { c in c.networks[n.name].map { (container: c, address: $0) } }
            if builtinNetworks.contains(n.name) && members.isEmpty { continue }
            shown.append(NetworkView(network: n, members: members))
        }
        let unattached = containers.filter { $0.networks.isEmpty }
        return MachineView(machine: m, lease: cluster.flannel?.leases[m.name], networks: shown, unattached: unattached)
    }

    /// Cluster-wide networks by name, each once, with the first full description found (machines in order).
    static func clusterNetworks(_ views: [MachineView]) -> [ObservedNetwork] {
        var found: [String: ObservedNetwork] = [:]
        for v in views {
            for n in v.networks.map(\.network) where isClusterWide(n) {
                if var have = found[n.name] {
                    if have.subnet == nil { have.subnet = n.subnet }
                    if have.vni == nil { have.vni = n.vni }
                    found[n.name] = have
                } else {
                    found[n.name] = n
                }
            }
        }
        return found.values.sorted(by: byName)
    }

    /// `lab  ·  store: etcd on lab1 (1/1 healthy)  ·  flannel 10.5.0.0/16 vxlan vni 1`
    static func headline(_ c: ObservedCluster, title: String) -> String {
        ([title] + headlineDetails(c)).joined(separator: "  ·  ")
    }

    static func headlineDetails(_ c: ObservedCluster) -> [String] {
        var parts: [String] = []
        if let s = c.store {
            let healthy = s.members.filter { s.healthy.contains($0) }.count
            let on = s.members.isEmpty ? "no members" : "etcd on " + s.members.joined(separator: ", ")
            parts.append("store: \(on) (\(healthy)/\(s.members.count) healthy)")
        }
        if let f = c.flannel {
            parts.append("flannel " + flannelSummary(f))
        }
        return parts
    }

    /// `10.5.0.0/16 vxlan vni 1`
    static func flannelSummary(_ f: ObservedFlannel) -> String {
        var s = f.network
        if !f.backend.isEmpty { s += " \(f.backend)" }
        if let vni = f.vni { s += " vni \(vni)" }
        return s
    }

    /// `name  address  driver  State (agent did not answer)` with empty parts left out; name separate.
    static func machineDetails(_ m: ObservedMachine) -> String {
        machineParts(m).joined(separator: "  ")
    }

    static func machineParts(_ m: ObservedMachine) -> [String] {
        var parts: [String] = []
        if !m.address.isEmpty { parts.append(m.address) }
        if !m.driver.isEmpty { parts.append(m.driver) }
        parts.append(m.agentAnswered ? m.state : "\(m.state) (agent did not answer)")
        return parts
    }

    /// `ov1  overlay  10.0.1.0/24  vni 4096`
    static func networkSummary(_ n: ObservedNetwork) -> String {
        var parts = [n.name]
        if !n.driver.isEmpty { parts.append(n.driver) }
        if let subnet = n.subnet, !subnet.isEmpty { parts.append(subnet) }
        if let vni = n.vni { parts.append("vni \(vni)") }
        if let parent = n.parent, !parent.isEmpty { parts.append("parent \(parent)") }
        return parts.joined(separator: "  ")
    }

    /// `web  10.0.1.2  running  busybox  0.0.0.0:8080->80/tcp`
    static func containerSummary(_ c: ObservedContainer, address: String?) -> String {
        var parts = [c.name]
        if let address, !address.isEmpty { parts.append(address) }
        parts.append(c.state)
        if !c.image.isEmpty { parts.append(c.image) }
        if !c.ports.isEmpty { parts.append(c.ports.joined(separator: ", ")) }
        return parts.joined(separator: "  ")
    }

    /// The line heading containers that are on no network.
    static let unattachedLabel = "(on no network)"
}
