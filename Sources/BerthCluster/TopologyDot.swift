extension Topology {
    /// Graphviz DOT: one `cluster_<machine>` subgraph per machine holding its containers and local networks;
    /// cluster-wide networks (overlay, flannel) as single nodes outside every machine; edges from containers to
    /// networks labelled with the address. Render with `dot -Tpng`.
    public static func dot(_ cluster: ObservedCluster, title: String) -> String {
        let views = cluster.machines.map { view($0, in: cluster) }
        let wide = clusterNetworks(views)
        var out = "graph \(dotID(title)) {\n"
        out += "  graph [label=\(dotID(headline(cluster, title: title))), labelloc=t, fontname=\"Helvetica\", "
            + "fontsize=16, compound=true, nodesep=0.4, ranksep=0.8];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=11];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=10];\n"

        // Cluster-wide networks, once each.
        if let f = cluster.flannel {
            out += "  \(dotID(flannelNode)) [shape=hexagon, style=filled, fillcolor=\"#ffe0b3\", "
                + "label=\(dotID("flannel\n" + flannelSummary(f)))];\n"
        }
        for n in wide {
            out += "  \(dotID(wideNode(n.name))) [shape=ellipse, style=filled, fillcolor=\"#cfe3f7\", "
                + "label=\(dotID(networkLabel(n)))];\n"
        }

        var edges: [String] = []
        for (index, v) in views.enumerated() {
            let m = v.machine
            out += "\n  subgraph \(dotID("cluster_\(m.name)")) {\n"
            out += "    label=\(dotID(m.name + "\n" + machineParts(m).joined(separator: "\n")));\n"
            out += "    style=rounded; color=\(m.isRunning && m.agentAnswered ? "\"#555555\"" : "\"#cc3333\"");\n"
            var nodes = 0
            if let lease = v.lease {
                let id = leaseNode(index)
                out += "    \(dotID(id)) [shape=note, label=\(dotID("flannel lease\n\(lease)"))];\n"
                edges.append("  \(dotID(id)) -- \(dotID(flannelNode)) [style=dashed, label=\(dotID(lease))];")
                nodes += 1
            }
            for n in v.networks where !n.clusterWide {
                out += "    \(dotID(localNode(index, n.network.name))) [shape=ellipse, "
                    + "label=\(dotID(networkLabel(n.network)))];\n"
                nodes += 1
            }
            var drawn = Set<String>()
            var containers: [ObservedContainer] = []
            for c in v.networks.flatMap({ $0.members.map(\.container) }) + v.unattached where !drawn.contains(c.id + "\u{0}" + c.name) {
                drawn.insert(c.id + "\u{0}" + c.name)
                containers.append(c)
            }
            for c in containers.sorted(by: byName) {
                out += "    \(dotID(containerNode(index, c))) [shape=box, style=rounded, "
                    + "label=\(dotID(containerLabel(c)))];\n"
                nodes += 1
            }
            if nodes == 0 {
                let note = m.agentAnswered ? "nothing shown" : "agent did not answer"
                out += "    \(dotID("m\(index)/empty")) [shape=plaintext, label=\(dotID(note))];\n"
            }
            out += "  }\n"
            for n in v.networks {
                let target = n.clusterWide ? wideNode(n.network.name) : localNode(index, n.network.name)
                for member in n.members {
                    var edge = "  \(dotID(containerNode(index, member.container))) -- \(dotID(target))"
                    if !member.address.isEmpty { edge += " [label=\(dotID(member.address))]" }
                    edges.append(edge + ";")
                }
            }
        }
        if !edges.isEmpty { out += "\n" + edges.joined(separator: "\n") + "\n" }
        out += "}\n"
        return out
    }

    static let flannelNode = "flannel"
    static func wideNode(_ name: String) -> String { "net:\(name)" }
    // Machine-scoped IDs use the machine's index so two machines with odd names cannot collide.
    static func localNode(_ machine: Int, _ name: String) -> String { "m\(machine)/net:\(name)" }
    static func leaseNode(_ machine: Int) -> String { "m\(machine)/flannel-lease" }
    static func containerNode(_ machine: Int, _ c: ObservedContainer) -> String { "m\(machine)/ctr:\(c.name)/\(c.id)" }

    static func networkLabel(_ n: ObservedNetwork) -> String {
        var lines = [n.name]
        let rest = networkSummary(n).dropFirst(n.name.count).split(separator: " ", omittingEmptySubsequences: true)
        if !rest.isEmpty { lines.append(rest.joined(separator: " ")) }
        return lines.joined(separator: "\n")
    }

    static func containerLabel(_ c: ObservedContainer) -> String {
        var lines = [c.name, c.image.isEmpty ? c.state : "\(c.image)  \(c.state)"]
        lines += c.ports
        return lines.joined(separator: "\n")
    }

    /// A DOT double-quoted ID: backslash and quote escaped, newlines as `\n` (centred line breaks).
    static func dotID(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": break
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += " " } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}
