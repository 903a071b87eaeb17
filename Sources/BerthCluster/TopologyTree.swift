extension Topology {
    /// A tree for a terminal; `color` adds ANSI bold to machine names only.
    ///
    ///     lab  ·  store: etcd on lab1 (1/1 healthy)  ·  flannel 10.5.0.0/16 vxlan vni 1
    ///     ├─ lab1  10.213.90.2  lab  Running
    ///     │  ├─ flannel  10.5.3.0/24
    ///     │  ├─ ov1  overlay  10.0.1.0/24  vni 4096
    ///     │  │  └─ web  10.0.1.2  running  busybox
    ///     │  └─ (on no network)
    ///     │     └─ site-data  created  site
    ///     └─ lab2  10.213.90.3  lab  Stopped (agent did not answer)
    public static func tree(_ cluster: ObservedCluster, title: String, color: Bool = false) -> String {
        var root = TreeNode(headline(cluster, title: title))
        for m in cluster.machines {
            let v = view(m, in: cluster)
            let name = color ? "\u{1B}[1m\(m.name)\u{1B}[0m" : m.name
            var node = TreeNode(name + "  " + machineDetails(m))
            if let lease = v.lease { node.children.append(TreeNode("flannel  \(lease)")) }
            for n in v.networks {
                var net = TreeNode(networkSummary(n.network))
                net.children = n.members.map { TreeNode(containerSummary($0.container, address: $0.address)) }
                node.children.append(net)
            }
            if !v.unattached.isEmpty {
                var loose = TreeNode(unattachedLabel)
                loose.children = v.unattached.map { TreeNode(containerSummary($0, address: nil)) }
                node.children.append(loose)
            }
            root.children.append(node)
        }
        var out = ""
        root.render(into: &out, prefix: "", branch: nil)
        return out
    }

    struct TreeNode {
        var text: String
        var children: [TreeNode] = []
        init(_ text: String) { self.text = text }

        /// `branch` is nil for the root, else whether this node is the last of its siblings.
        func render(into out: inout String, prefix: String, branch isLast: Bool?) {
            let childPrefix: String
            if let isLast {
                out += prefix + (isLast ? "└─ " : "├─ ") + oneLine(text) + "\n"
                childPrefix = prefix + (isLast ? "   " : "│  ")
            } else {
                out += oneLine(text) + "\n"
                childPrefix = ""
            }
            for (i, child) in children.enumerated() {
                child.render(into: &out, prefix: childPrefix, branch: i == children.count - 1)
            }
        }

        /// Keeps a stray newline in a name from breaking the drawing.
        private func oneLine(_ s: String) -> String {
            String(s.map { $0.isNewline ? " " : $0 })
        }
    }
}
