import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import BerthCluster

private func small() -> ObservedCluster {
    let web = ObservedContainer(id: "c1", name: "web", image: "busybox", state: "running",
                                networks: ["ov1": "10.0.1.2"])
    let data = ObservedContainer(id: "c2", name: "site-data", image: "site", state: "created")
    let lab1 = ObservedMachine(
        name: "lab1", driver: "lab", state: "Running", address: "10.213.90.2",
        networks: [
            ObservedNetwork(id: "n4", name: "site", driver: "bridge", subnet: "172.18.0.0/16"),
            ObservedNetwork(id: "n1", name: "bridge", driver: "bridge", subnet: "172.17.0.0/16"),
            ObservedNetwork(id: "n2", name: "host", driver: "host"),
            ObservedNetwork(id: "n3", name: "none", driver: "null"),
            ObservedNetwork(id: "n5", name: "ov1", driver: "overlay", scope: "global", subnet: "10.0.1.0/24", vni: 4096),
        ],
        containers: [web, data])
    let lab2 = ObservedMachine(name: "lab2", driver: "lab", state: "Stopped", address: "10.213.90.3",
                               agentAnswered: false)
    return ObservedCluster(
        machines: [lab1, lab2],
        store: ObservedStore(members: ["lab1"], clientURLs: ["https://10.213.90.2:2379"], healthy: ["lab1"]),
        flannel: ObservedFlannel(network: "10.5.0.0/16", backend: "vxlan", vni: 1, leases: ["lab1": "10.5.3.0/24"]))
}

private func big() -> ObservedCluster {
    let overlay = ObservedNetwork(id: "ov", name: "ov1", driver: "overlay", scope: "global",
                                  subnet: "10.0.1.0/24", vni: 4096)
    let builtins = [
        ObservedNetwork(id: "b", name: "bridge", driver: "bridge", subnet: "172.17.0.0/16"),
        ObservedNetwork(id: "h", name: "host", driver: "host"),
        ObservedNetwork(id: "z", name: "none", driver: "null"),
    ]
    let lab1 = ObservedMachine(
        name: "lab1", driver: "lab", state: "Running", address: "10.213.90.2",
        networks: builtins + [overlay, ObservedNetwork(id: "s", name: "site", driver: "bridge", subnet: "172.18.0.0/16")],
        containers: [
            ObservedContainer(id: "1", name: "web", image: "nginx:alpine", state: "running",
                              networks: ["ov1": "10.0.1.2", "site": "172.18.0.2"], ports: ["0.0.0.0:8080->80/tcp"]),
            ObservedContainer(id: "2", name: "db", image: "postgres:16", state: "running", networks: ["site": "172.18.0.3"]),
            ObservedContainer(id: "3", name: "a<&>b", image: "busybox", state: "exited", networks: ["bridge": "172.17.0.2"]),
            ObservedContainer(id: "4", name: "site-data", image: "site", state: "created"),
        ])
    let lab2 = ObservedMachine(
        name: "lab2", driver: "lab", state: "Running", address: "10.213.90.3",
        networks: builtins + [overlay],
        containers: [ObservedContainer(id: "5", name: "api", image: "api:1", state: "running", networks: ["ov1": "10.0.1.3"])])
    let lab3 = ObservedMachine(name: "lab3", driver: "lab", state: "Stopped", address: "10.213.90.4", agentAnswered: false)
    return ObservedCluster(
        machines: [lab1, lab2, lab3],
        store: ObservedStore(members: ["lab1", "lab2", "lab3"], clientURLs: [], healthy: ["lab1", "lab2"]),
        flannel: ObservedFlannel(network: "10.5.0.0/16", backend: "vxlan", vni: 1,
                                 leases: ["lab1": "10.5.3.0/24", "lab2": "10.5.7.0/24"]))
}

/// Parses XML and says whether it is well-formed, collecting all character data.
private final class XMLCheck: NSObject, XMLParserDelegate {
    var text = ""
    var elements: [String: Int] = [:]
    var error: String?
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        text += "\n"
    }
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
    }
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = "\(parseError)" }

    static func parse(_ s: String) -> (ok: Bool, check: XMLCheck) {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(s.utf8))
        parser.delegate = check
        let ok = parser.parse()
        return (ok && check.error == nil, check)
    }
}

@Test func treeSmallExact() {
    let expected = """
    lab  ·  store: etcd on lab1 (1/1 healthy)  ·  flannel 10.5.0.0/16 vxlan vni 1
    ├─ lab1  10.213.90.2  lab  Running
    │  ├─ flannel  10.5.3.0/24
    │  ├─ ov1  overlay  10.0.1.0/24  vni 4096
    │  │  └─ web  10.0.1.2  running  busybox
    │  ├─ site  bridge  172.18.0.0/16
    │  └─ (on no network)
    │     └─ site-data  created  site
    └─ lab2  10.213.90.3  lab  Stopped (agent did not answer)

    """
    #expect(Topology.tree(small(), title: "lab") == expected)
}

@Test func treeColorBoldsOnlyMachineNames() {
    let t = Topology.tree(small(), title: "lab", color: true)
    #expect(t.contains("├─ \u{1B}[1mlab1\u{1B}[0m  10.213.90.2"))
    #expect(t.contains("└─ \u{1B}[1mlab2\u{1B}[0m  10.213.90.3"))
    #expect(t.components(separatedBy: "\u{1B}[1m").count == 3)
}

@Test func treeBig() {
    let t = Topology.tree(big(), title: "lab")
    let lines = t.split(separator: "\n").map(String.init)
    #expect(lines[0] == "lab  ·  store: etcd on lab1, lab2, lab3 (2/3 healthy)  ·  flannel 10.5.0.0/16 vxlan vni 1")
    #expect(lines.contains("│  ├─ bridge  bridge  172.17.0.0/16"))   // used by a<&>b
    #expect(lines.contains("│  │  └─ a<&>b  172.17.0.2  exited  busybox"))
    #expect(!t.contains("host  host"))
    #expect(!t.contains("none  null"))
    // web is under both its networks with that network's address, ports after the image.
    #expect(lines.contains("│  │  └─ web  10.0.1.2  running  nginx:alpine  0.0.0.0:8080->80/tcp"))
    #expect(lines.contains("│  │  └─ web  172.18.0.2  running  nginx:alpine  0.0.0.0:8080->80/tcp"))
    #expect(lines.contains("│  ├─ site  bridge  172.18.0.0/16"))
    #expect(lines.contains("│  │  ├─ db  172.18.0.3  running  postgres:16"))
    #expect(lines.contains("│  └─ (on no network)"))
    #expect(lines.contains("│     └─ site-data  created  site"))
    #expect(lines.contains("├─ lab2  10.213.90.3  lab  Running"))
    #expect(lines.contains("│  ├─ flannel  10.5.7.0/24"))
    #expect(lines.contains("│  └─ ov1  overlay  10.0.1.0/24  vni 4096"))
    #expect(lines.contains("│     └─ api  10.0.1.3  running  api:1"))
    #expect(lines.last == "└─ lab3  10.213.90.4  lab  Stopped (agent did not answer)")
    // lab2 has no bridge user, so its default bridge is left out.
    #expect(t.components(separatedBy: "bridge  bridge  172.17").count == 2)
    #expect(Topology.tree(big(), title: "lab") == t)
}

@Test func treeContainerOnUnlistedNetwork() {
    var c = small()
    c.machines[0].containers.append(ObservedContainer(id: "c9", name: "odd", image: "x", state: "running",
                                                      networks: ["ghost": "10.9.0.2"]))
    let t = Topology.tree(c, title: "lab")
    #expect(t.contains("│  ├─ ghost\n│  │  └─ odd  10.9.0.2  running  x\n"))
}

@Test func dotStructure() {
    let d = Topology.dot(big(), title: "lab")
    #expect(d.hasPrefix("graph \"lab\" {"))
    #expect(d.filter { $0 == "{" }.count == d.filter { $0 == "}" }.count)
    for m in ["lab1", "lab2", "lab3"] { #expect(d.contains("subgraph \"cluster_\(m)\" {")) }
    // One node for the overlay and one for flannel, outside machine clusters.
    #expect(d.components(separatedBy: "\n  \"net:ov1\" [").count == 2)
    #expect(d.components(separatedBy: "\n  \"flannel\" [").count == 2)
    #expect(d.contains("\"m0/ctr:web/1\" -- \"net:ov1\" [label=\"10.0.1.2\"];"))
    #expect(d.contains("\"m0/ctr:web/1\" -- \"m0/net:site\" [label=\"172.18.0.2\"];"))
    #expect(d.contains("\"m1/ctr:api/5\" -- \"net:ov1\" [label=\"10.0.1.3\"];"))
    #expect(d.contains("\"m0/flannel-lease\" -- \"flannel\" [style=dashed, label=\"10.5.3.0/24\"];"))
    #expect(d.contains("agent did not answer"))
    #expect(!d.contains("m0/net:host"))
    // The overlay's node sits before the first machine cluster; local networks inside.
    let firstCluster = d.range(of: "subgraph")!.lowerBound
    #expect(d.range(of: "\"net:ov1\" [")!.lowerBound < firstCluster)
    #expect(d.range(of: "\"m0/net:site\" [")!.lowerBound > firstCluster)
    #expect(Topology.dot(big(), title: "lab") == d)
}

@Test func dotEscapes() {
    var c = small()
    c.machines[0].containers.append(ObservedContainer(id: "q", name: "say \"hi\" \\o/", image: "x", state: "running"))
    let d = Topology.dot(c, title: "la\"b")
    #expect(d.hasPrefix("graph \"la\\\"b\" {"))
    #expect(d.contains("\"m0/ctr:say \\\"hi\\\" \\\\o//q\""))
    // No raw newline inside any quoted string: every line has an even number of unescaped quotes.
    for line in d.split(separator: "\n") {
        var quotes = 0, escaped = false
        for ch in line {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true } else if ch == "\"" { quotes += 1 }
        }
        #expect(quotes % 2 == 0, "\(line)")
    }
}

@Test func svgWellFormedAndComplete() {
    let s = Topology.svg(big(), title: "lab <&> 'x'")
    let (ok, check) = XMLCheck.parse(s)
    #expect(ok, "\(check.error ?? "")")
    #expect(check.elements["svg"] == 1)
    #expect(s.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(s.contains("viewBox=\"0 0 "))
    #expect(s.contains("a&lt;&amp;&gt;b"))
    #expect(!s.contains("a<&>b"))
    #expect(s.contains("lab &lt;&amp;&gt; &apos;x&apos;"))
    for name in ["lab1", "lab2", "lab3", "web", "db", "a<&>b", "site-data", "api", "ov1", "flannel",
                 "vni 4096", "10.0.1.0/24", "agent did not answer"] {
        #expect(check.text.contains(name), "\(name)")
    }
    #expect(!s.contains("<script"))
    #expect(!s.contains("<style"))
    #expect(!s.contains("href"))
    #expect(Topology.svg(big(), title: "lab <&> 'x'") == s)
}

@Test func svgBoxesDoNotOverlap() {
    // Many machines wrap into rows; every machine box must be clear of the others and inside the canvas.
    var c = big()
    for i in 4...9 {
        c.machines.append(ObservedMachine(name: "lab\(i)", driver: "lab", state: "Running", address: "10.213.90.\(i + 1)",
                                          containers: [ObservedContainer(id: "x\(i)", name: "worker-with-a-long-name-\(i)",
                                                                         image: "registry.example/team/image:\(i)",
                                                                         state: "running")]))
    }
    let s = Topology.svg(c, title: "lab")
    #expect(XMLCheck.parse(s).ok)
    // Read back the rounded machine rectangles (rx="10").
    var rects: [(x: Int, y: Int, w: Int, h: Int)] = []
    for line in s.split(separator: "\n") where line.hasPrefix("<rect") && line.contains("rx=\"10\"") {
        func attr(_ n: String) -> Int {
            let part = line.components(separatedBy: " \(n)=\"")[1]
            return Int(part.prefix { $0.isNumber })!
        }
        rects.append((attr("x"), attr("y"), attr("width"), attr("height")))
    }
    #expect(rects.count == 9)
    let header = s.split(separator: "\n")[1]
    let width = Int(header.components(separatedBy: " width=\"")[1].prefix { $0.isNumber })!
    let height = Int(header.components(separatedBy: " height=\"")[1].prefix { $0.isNumber })!
    #expect(Set(rects.map(\.y)).count > 1)  // wrapped
    for (i, a) in rects.enumerated() {
        #expect(a.x + a.w <= width && a.y + a.h <= height)
        for b in rects[(i + 1)...] {
            let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y
            #expect(apart)
        }
        #expect(a.w >= 12 * 2 + 16 + (("worker-with-a-long-name-4  running  registry.example/team/image:4".count * 72 + 9) / 10) || i < 3)
    }
}

@Test func emptyCluster() {
    let c = ObservedCluster()
    #expect(Topology.tree(c, title: "none") == "none\n")
    #expect(Topology.dot(c, title: "none").hasSuffix("}\n"))
    #expect(XMLCheck.parse(Topology.svg(c, title: "none")).ok)
}
