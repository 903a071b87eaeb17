/// Drawings of what runs where: a tree for a terminal, Graphviz DOT, and a self-contained SVG (no script, font file
/// or stylesheet from outside, so a browser shows it as it is). Pure and deterministic: machines in the order
/// given, networks and containers by name.
public enum Topology {
    /// One network as drawn on one machine: the network and the containers on it with their addresses.
    struct Attachment {
        var network: ObservedNetwork
        var members: [(container: ObservedContainer, address: String)]
    }

    /// The networks worth drawing on a machine: user networks always; `bridge`, `host`, `none` only when used.
    static func attachments(_ m: ObservedMachine) -> (networks: [Attachment], loose: [ObservedContainer]) {
        let containers = m.containers.sorted { $0.name < $1.name }
        var out: [Attachment] = []
        for n in m.networks.sorted(by: { $0.name < $1.name }) {
            let members = containers.compactMap { c in c.networks[n.name].map { (c, $0) } }
            if ["bridge", "host", "none"].contains(n.name), members.isEmpty { continue }
            if n.name == "docker_gwbridge" { continue }  // every overlay container's way out; said once per container
            out.append(Attachment(network: n, members: members))
        }
        let loose = containers.filter { c in !out.contains { a in a.members.contains { $0.container.id == c.id } } }
        return (out, loose)
    }

    static func headline(_ c: ObservedCluster, title: String) -> String {
        var parts = [title]
        if let s = c.store {
            parts.append("store: etcd on \(s.members.joined(separator: ", ")) (\(s.healthy.count)/\(s.members.count) healthy)")
        }
        if let f = c.flannel {
            parts.append("flannel \(f.network)\(f.backend.isEmpty ? "" : " \(f.backend)")\(f.vni.map { " vni \($0)" } ?? "")")
        }
        return parts.joined(separator: "  ·  ")
    }

    static func describe(_ n: ObservedNetwork) -> String {
        var s = "\(n.name)  \(n.driver)"
        if let subnet = n.subnet { s += "  \(subnet)" }
        if let vni = n.vni { s += "  vni \(vni)" }
        if let parent = n.parent { s += "  parent \(parent)" }
        return s
    }

    static func describe(_ c: ObservedContainer, address: String?) -> String {
        var s = c.name
        if let address, !address.isEmpty { s += "  \(address)" }
        s += "  \(c.state)  \(c.image)"
        if !c.ports.isEmpty { s += "  " + c.ports.joined(separator: ", ") }
        return s
    }

    static func machineLine(_ m: ObservedMachine) -> String {
        "\(m.name)  \(m.address)  \(m.driver)  \(m.state)" + (m.agentAnswered || !m.isRunning ? "" : " (agent did not answer)")
            + (!m.isRunning ? " (agent not running)" : "")
    }

    // MARK: tree

    public static func tree(_ cluster: ObservedCluster, title: String, color: Bool = false) -> String {
        var lines = [headline(cluster, title: title)]
        for (i, m) in cluster.machines.enumerated() {
            let last = i == cluster.machines.count - 1
            let name = color ? "\u{1B}[1m\(m.name)\u{1B}[0m" : m.name
            lines.append((last ? "└─ " : "├─ ") + name + String(machineLine(m).dropFirst(m.name.count)))
            let pad = last ? "   " : "│  "
            var rows: [(String, [String])] = []
            if let lease = cluster.flannel?.leases[m.name] { rows.append(("flannel  \(lease)", [])) }
            let (nets, loose) = attachments(m)
            for a in nets {
                rows.append((describe(a.network), a.members.map { describe($0.container, address: $0.address) }))
            }
            if !loose.isEmpty { rows.append(("(no network)", loose.map { describe($0, address: nil) })) }
            for (j, row) in rows.enumerated() {
                let lastRow = j == rows.count - 1
                lines.append(pad + (lastRow ? "└─ " : "├─ ") + row.0)
                for (k, child) in row.1.enumerated() {
                    lines.append(pad + (lastRow ? "   " : "│  ") + (k == row.1.count - 1 ? "└─ " : "├─ ") + child)
                }
            }
        }
        if cluster.machines.isEmpty { lines.append("(no machines)") }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: DOT

    static func quote(_ s: String) -> String {
        "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n") + "\""
    }

    public static func dot(_ cluster: ObservedCluster, title: String) -> String {
        var out = ["graph berth {", "  label=\(quote(headline(cluster, title: title)));", "  labelloc=t;", "  fontname=\"sans-serif\";",
                   "  node [fontname=\"monospace\", fontsize=10];", "  edge [fontname=\"monospace\", fontsize=9];"]
        // Cluster-wide networks: one node for the whole cluster.
        var global: [String: ObservedNetwork] = [:]
        for m in cluster.machines { for n in m.networks where n.scope == "global" { global[n.name] = n } }
        for n in global.values.sorted(by: { $0.name < $1.name }) {
            out.append("  \(quote("net:" + n.name)) [shape=hexagon, style=filled, fillcolor=\"#dbeafe\", label=\(quote(describe(n)))];")
        }
        if let f = cluster.flannel {
            out.append("  \"flannel\" [shape=hexagon, style=filled, fillcolor=\"#dcfce7\", label=\(quote("flannel  \(f.network)  \(f.backend)"))];")
        }
        var edges: [String] = []
        for (i, m) in cluster.machines.enumerated() {
            out.append("  subgraph cluster_\(i) {")
            out.append("    label=\(quote(machineLine(m)));")
            out.append("    style=rounded; color=\"#64748b\";")
            out.append("    \(quote("host:" + m.name)) [shape=box, label=\(quote(m.name + "\n" + m.address))];")
            let (nets, loose) = attachments(m)
            for a in nets where a.network.scope != "global" {
                out.append("    \(quote("net:\(m.name):\(a.network.name)")) [shape=ellipse, label=\(quote(describe(a.network)))];")
            }
            for c in m.containers.sorted(by: { $0.name < $1.name }) {
                out.append("    \(quote("c:\(m.name):\(c.name)")) [shape=box, style=rounded, label=\(quote("\(c.name)\n\(c.state)  \(c.image)"))];")
            }
            out.append("  }")
            if let lease = cluster.flannel?.leases[m.name] {
                edges.append("  \(quote("host:" + m.name)) -- \"flannel\" [label=\(quote(lease))];")
            }
            for a in nets {
                let node = a.network.scope == "global" ? "net:" + a.network.name : "net:\(m.name):\(a.network.name)"
                if a.network.scope == "global" { edges.append("  \(quote("host:" + m.name)) -- \(quote(node)) [style=dashed];") }
                for member in a.members {
                    edges.append("  \(quote("c:\(m.name):\(member.container.name)")) -- \(quote(node)) [label=\(quote(member.address))];")
                }
            }
            for c in loose { edges.append("  \(quote("c:\(m.name):\(c.name)")) -- \(quote("host:" + m.name)) [style=dotted];") }
        }
        return (out + edges + ["}"]).joined(separator: "\n") + "\n"
    }

    // MARK: SVG

    static func xml(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
            .replacingAll("'", "&apos;")
    }

    static let palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2"]

    public static func svg(_ cluster: ObservedCluster, title: String) -> String {
        let charW = 7.2, lineH = 16.0, pad = 12.0, gap = 24.0
        // Cluster-wide bands: flannel first, then global networks by name.
        var bands: [(name: String, label: String)] = []
        if let f = cluster.flannel { bands.append(("flannel", "flannel  \(f.network)  \(f.backend)\(f.vni.map { "  vni \($0)" } ?? "")")) }
        var seen = Set<String>()
        for m in cluster.machines {
            for n in m.networks.sorted(by: { $0.name < $1.name }) where n.scope == "global" && seen.insert(n.name).inserted {
                bands.append((n.name, describe(n)))
            }
        }
        // Each machine's box: its lines of text.
        struct Box { var title: String; var lines: [(text: String, indent: Int, band: Int?)]; var width: Double; var height: Double }
        var boxes: [Box] = []
        for m in cluster.machines {
            var lines: [(String, Int, Int?)] = [(m.address + "  " + m.driver + "  " + m.state, 0, nil)]
            if !m.agentAnswered && m.isRunning { lines.append(("agent did not answer", 0, nil)) }
            if let lease = cluster.flannel?.leases[m.name] { lines.append(("flannel " + lease, 0, 0)) }
            let (nets, loose) = attachments(m)
            for a in nets {
                let band = a.network.scope == "global" ? bands.firstIndex { $0.name == a.network.name } : nil
                lines.append((describe(a.network), 0, band))
                for member in a.members { lines.append((describe(member.container, address: member.address), 1, band)) }
            }
            if !loose.isEmpty {
                lines.append(("(no network)", 0, nil))
                for c in loose { lines.append((describe(c, address: nil), 1, nil)) }
            }
            let longest = max(Double(m.name.count) * 8.4, lines.map { Double($0.0.count + $0.1 * 2) * charW }.max() ?? 0)
            boxes.append(Box(title: m.name, lines: lines, width: max(180, longest + 2 * pad),
                             height: 28 + Double(lines.count) * lineH + pad))
        }
        let top = 44.0
        let bandTop = top + (boxes.map(\.height).max() ?? 0) + gap
        let legendH = Double(bands.count) * 22
        let width = max(Double(title.count) * 8.4 + 2 * pad,
                        boxes.reduce(gap) { $0 + $1.width + gap },
                        (bands.map { Double($0.label.count) * charW }.max() ?? 0) + 80)
        let height = bandTop + legendH + gap
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"monospace\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
                   "<text x=\"\(pad)\" y=\"26\" font-family=\"sans-serif\" font-size=\"15\" font-weight=\"bold\">\(xml(headline(cluster, title: title)))</text>"]
        var x = gap
        var centres: [Double] = []
        for box in boxes {
            out.append("<g><rect x=\"\(x)\" y=\"\(top)\" width=\"\(box.width)\" height=\"\(box.height)\" rx=\"8\" fill=\"#f8fafc\" stroke=\"#64748b\"/>")
            out.append("<text x=\"\(x + pad)\" y=\"\(top + 20)\" font-weight=\"bold\" font-size=\"14\">\(xml(box.title))</text>")
            for (i, line) in box.lines.enumerated() {
                let y = top + 28 + Double(i + 1) * lineH - 4
                let colour = line.band.map { palette[$0 % palette.count] } ?? "#0f172a"
                out.append("<text x=\"\(x + pad + Double(line.indent) * 2 * charW)\" y=\"\(y)\" fill=\"\(colour)\">\(xml(line.text))</text>")
            }
            out.append("</g>")
            centres.append(x + box.width / 2)
            x += box.width + gap
        }
        // Bands: a line under the boxes for each cluster-wide network, a drop from each machine on it, and its label.
        for (i, band) in bands.enumerated() {
            let y = bandTop + Double(i) * 22
            let colour = palette[i % palette.count]
            let on = boxes.indices.filter { b in boxes[b].lines.contains { $0.band == i } }
            if let first = on.first, let last = on.last {
                out.append("<line x1=\"\(centres[first])\" y1=\"\(y)\" x2=\"\(centres[last])\" y2=\"\(y)\" stroke=\"\(colour)\" stroke-width=\"4\"/>")
                for b in on {
                    out.append("<line x1=\"\(centres[b])\" y1=\"\(top + boxes[b].height)\" x2=\"\(centres[b])\" y2=\"\(y)\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>")
                }
            }
            out.append("<text x=\"\((on.last.map { centres[$0] } ?? gap) + 8)\" y=\"\(y + 4)\" fill=\"\(colour)\">\(xml(band.label))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module's drawings).
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
