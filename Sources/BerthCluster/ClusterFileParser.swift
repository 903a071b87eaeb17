import BerthCore
import Foundation
import Yams

/// Reads a cluster file (YAML, through Yams over libyaml) into a checked `ClusterSpec`. Every problem is one
/// `ClusterFileError` naming the file, the line and column, and the path of the key (`networks.ov1.machines`); the
/// first one stops parsing, before anything is changed anywhere. The schema, in short (README "Cluster files"):
///
///     name: lab                        # default: the file's base name
///     machines:                        # required; a key may be a range: web[1:3], web[01:10]
///       lab[1:3]: {driver: lab, options: {lab-network: bt}, engine: {port, labels, options, env}}
///     store: {etcd: [lab1]}            # an odd number of machines
///     networks:                        # driver: bridge (default), overlay, macvlan, flannel
///       ov1: {driver: overlay, subnet, gateway, ip-range, machines, options, labels, internal}
///       mv: {driver: macvlan, parent: eth0, subnet: ...}
///       fl: {driver: flannel, network: 10.5.0.0/16, backend: vxlan|host-gw, subnet-len, vni, port}
///     volumes:    {data: {machines, driver, labels}}
///     images:     {busybox: {import: FILE, change: ..., machines}, site: {build: DIR, dockerfile, machines}}
///     containers: {web: {machine, image, command, entrypoint, env, networks, volumes, volumes-from, ports,
///                        restart, labels, hostname, start}}
///
/// Machine lists take `all`, a name, or a list of names and ranges; a missing list means every machine. Scalar
/// values expand `${VAR}` and `${VAR:-default}` from the environment (`$$` is a `$`); relative paths resolve against
/// the file's directory.
public struct ClusterFileParser: Sendable {
    let knownDrivers: [String]
    let environment: [String: String]

    public init(knownDrivers: [String], environment: [String: String]) {
        self.knownDrivers = knownDrivers.sorted()
        self.environment = environment
    }

    public func parse(_ text: String, file: String, baseDirectory: String) throws -> ClusterSpec {
        var reader = Reader(file: file, environment: environment, knownDrivers: knownDrivers, base: baseDirectory)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            throw reader.syntax(e)
        } catch {
            throw ClusterFileError(file: file, mark: nil, message: "\(error)")
        }
        guard let root else { throw ClusterFileError(file: file, mark: nil, message: "empty cluster file") }
        return try reader.cluster(root)
    }
}

/// The walk over the node tree; `path` names where it is, for messages.
struct Reader {
    let file: String
    let environment: [String: String]
    let knownDrivers: [String]
    let base: String

    init(file: String, environment: [String: String], knownDrivers: [String], base: String) {
        self.file = file
        self.environment = environment
        self.knownDrivers = knownDrivers
        self.base = base
    }

    // MARK: errors

    func fail(_ node: Node?, _ path: String, _ message: String) -> ClusterFileError {
        ClusterFileError(file: file, mark: node?.mark.map { SourceMark(line: $0.line, column: $0.column) },
                         message: path.isEmpty ? message : "\(path): \(message)")
    }

    func syntax(_ e: YamlError) -> ClusterFileError {
        func one(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> ClusterFileError {
            let ctx = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return ClusterFileError(file: file, mark: SourceMark(line: mark.line, column: mark.column),
                                    message: "YAML syntax error: \(problem)\(ctx)")
        }
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return one(problem, mark, context)
        case let .duplicatedKeysInMapping(duplicates, context):
            return ClusterFileError(file: file, mark: SourceMark(line: context.mark.line, column: context.mark.column),
                                    message: "duplicate key \(duplicates.joined(separator: ", ")) in a mapping")
        default:
            return ClusterFileError(file: file, mark: nil, message: "YAML syntax error: \(e)")
        }
    }

    // MARK: typed reads

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .alias: return "an alias"
        }
    }

    /// A mapping's entries in order, its keys checked against `known`.
    func mapping(_ node: Node, _ path: String, known: [String]? = nil) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let m) = node else {
            throw fail(node, path, "expected a mapping, found \(Self.kind(node))")
        }
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw fail(k, path, "keys must be plain names") }
            if let known, !known.contains(s.string) {
                throw fail(k, path.isEmpty ? "" : path,
                           "unknown key \"\(s.string)\"\(path.isEmpty ? " at the top level" : "") (known: \(known.joined(separator: ", ")))")
            }
            out.append((s.string, k, v))
        }
        return out
    }

    /// A scalar's text, variables expanded. Null (`~`, empty) is refused unless `allowEmpty`.
    func string(_ node: Node, _ path: String) throws -> String {
        guard case .scalar(let s) = node else {
            throw fail(node, path, "expected a value, found \(Self.kind(node))")
        }
        return try expand(s.string, node, path)
    }

    func int(_ node: Node, _ path: String, _ range: ClosedRange<Int>) throws -> Int {
        let text = try string(node, path)
        guard let n = Int(text) else { throw fail(node, path, "expected a number, found \"\(text)\"") }
        guard range.contains(n) else { throw fail(node, path, "\(n) is out of range \(range.lowerBound)-\(range.upperBound)") }
        return n
    }

    func bool(_ node: Node, _ path: String) throws -> Bool {
        let text = try string(node, path)
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, path, "expected true or false, found \"\(text)\"")
        }
    }

    /// A list of strings, or one string as a list of one.
    func strings(_ node: Node, _ path: String) throws -> [String] {
        if case .sequence(let seq) = node { return try seq.enumerated().map { try string($1, "\(path)[\($0)]") } }
        return [try string(node, path)]
    }

    /// `[k=v, ...]` or `{k: v}`, as `k=v` strings in order.
    func pairs(_ node: Node, _ path: String) throws -> [String] {
        if case .mapping = node { return try mapping(node, path).map { "\($0.key)=\(try string($0.value, "\(path).\($0.key)"))" } }
        let list = try strings(node, path)
        for (i, item) in list.enumerated() where !item.contains("=") || item.hasPrefix("=") {
            throw fail(node, "\(path)[\(i)]", "expected key=value, found \"\(item)\"")
        }
        return list
    }

    func dictionary(_ node: Node, _ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for p in try pairs(node, path) {
            let parts = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }

    /// A command: a list, or a string split into words with '...' and "..." quoting.
    func words(_ node: Node, _ path: String) throws -> [String] {
        if case .sequence = node { return try strings(node, path) }
        let text = try string(node, path)
        var out: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q { quote = nil } else { word.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { out.append(word); word = ""; inWord = false }
            } else {
                word.append(ch)
                inWord = true
            }
        }
        if quote != nil { throw fail(node, path, "unterminated quote in \"\(text)\"") }
        if inWord { out.append(word) }
        return out
    }

    /// `${VAR}`, `${VAR:-default}`, `$$`.
    func expand(_ text: String, _ node: Node, _ path: String) throws -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            let next = text.index(after: i)
            guard ch == "$", next < text.endIndex else { out.append(ch); i = next; continue }
            if text[next] == "$" { out.append("$"); i = text.index(after: next); continue }
            guard text[next] == "{", let close = text[next...].firstIndex(of: "}") else { out.append(ch); i = next; continue }
            let body = String(text[text.index(after: next)..<close])
            let name: String
            var fallback: String?
            if let r = body.range(of: ":-") {
                name = String(body[..<r.lowerBound])
                fallback = String(body[r.upperBound...])
            } else {
                name = body
            }
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                throw fail(node, path, "invalid variable ${\(body)}")
            }
            if let v = environment[name], !(fallback != nil && v.isEmpty) {
                out += v
            } else if let fallback {
                out += fallback
            } else {
                throw fail(node, path, "${\(name)} is not set")
            }
            i = text.index(after: close)
        }
        return out
    }

    func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        return (joined as NSString).standardizingPath
    }

    // MARK: names

    /// `web[1:3]` → web1 web2 web3; `web[01:10]` keeps the padding. Other names are themselves.
    func expandRange(_ text: String, _ node: Node, _ path: String) throws -> [String] {
        guard let open = text.firstIndex(of: "["), text.hasSuffix("]") else { return [text] }
        let prefix = String(text[..<open])
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        let bounds = inner.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2, let lo = Int(bounds[0]), let hi = Int(bounds[1]), lo >= 0,
              bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            throw fail(node, path, "invalid range \"\(text)\": expected NAME[FIRST:LAST], e.g. web[1:3]")
        }
        guard lo <= hi else { throw fail(node, path, "invalid range \"\(text)\": \(lo) is after \(hi)") }
        guard hi - lo < 1000 else { throw fail(node, path, "range \"\(text)\" is too long (1000 names at most)") }
        let width = bounds[0].hasPrefix("0") && bounds[0].count > 1 ? bounds[0].count : 0
        return (lo...hi).map { n in
            let digits = String(n)
            return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
    }

    static func isObjectName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIIAlnum else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIIAlnum || $0 == "_" || $0 == "." || $0 == "-" }
    }

    static func isImageName(_ s: String) -> Bool {
        var repo = Substring(s)
        if let slash = s.lastIndex(of: "/"), let colon = s[slash...].lastIndex(of: ":") {
            repo = s[..<colon]
            guard Self.isTag(s[s.index(after: colon)...]) else { return false }
        } else if !s.contains("/"), let colon = s.lastIndex(of: ":") {
            repo = s[..<colon]
            guard Self.isTag(s[s.index(after: colon)...]) else { return false }
        }
        guard let first = repo.unicodeScalars.first, first.isLowerAlnum else { return false }
        return repo.unicodeScalars.allSatisfy { $0.isLowerAlnum || "._/-:".unicodeScalars.contains($0) }
    }

    static func isTag(_ t: Substring) -> Bool {
        !t.isEmpty && t.count <= 128 && t.unicodeScalars.allSatisfy { $0.isASCIIAlnum || $0 == "_" || $0 == "." || $0 == "-" }
    }

    // MARK: the file

    static let topKeys = ["version", "name", "machines", "store", "networks", "volumes", "images", "containers"]

    mutating func cluster(_ root: Node) throws -> ClusterSpec {
        guard case .mapping = root else {
            throw fail(root, "", "a cluster file is a mapping (machines:, networks:, ...), found \(Self.kind(root))")
        }
        let top = try mapping(root, "", known: Self.topKeys)
        func section(_ key: String) -> (keyNode: Node, value: Node)? {
            top.first { $0.key == key }.map { ($0.keyNode, $0.value) }
        }
        if let v = section("version") {
            guard try int(v.value, "version", 0...1000) == 1 else { throw fail(v.value, "version", "only version 1 is known") }
        }
        var name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if let n = section("name") {
            name = try string(n.value, "name")
            guard Self.isObjectName(name) else {
                throw fail(n.value, "name", "invalid name \"\(name)\": letters, digits, _ . - and a letter or digit first")
            }
        }
        guard let m = section("machines") else { throw fail(root, "", "no machines: a cluster file names at least one machine") }
        var spec = ClusterSpec(name: name, machines: try machines(m.value))
        if let s = section("store") { spec.store = try store(s.value, s.keyNode, spec) }
        if let n = section("networks") { spec.networks = try networks(n.value, spec) }
        if let v = section("volumes") { spec.volumes = try volumes(v.value, spec) }
        if let i = section("images") { spec.images = try images(i.value, spec) }
        if let c = section("containers") { spec.containers = try containers(c.value, spec) }
        return spec
    }

    static let machineKeys = ["driver", "options", "engine"]
    static let engineKeys = ["port", "labels", "options", "env"]

    func machines(_ node: Node) throws -> [MachineSpec] {
        var out: [MachineSpec] = []
        let entries = try mapping(node, "machines")
        guard !entries.isEmpty else { throw fail(node, "machines", "no machines: a cluster file names at least one machine") }
        for (key, keyNode, value) in entries {
            let path = "machines.\(key)"
            let names = try expandRange(key, keyNode, path)
            let fields = try mapping(value, path, known: Self.machineKeys)
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.value }
            guard let d = field("driver") else { throw fail(keyNode, path, "no driver (known: \(knownDrivers.joined(separator: ", ")))") }
            let driver = try string(d, path + ".driver")
            guard knownDrivers.contains(driver) else {
                throw fail(d, path + ".driver", "unknown driver \"\(driver)\" (known: \(knownDrivers.joined(separator: ", ")))")
            }
            var options: [String: String] = [:]
            if let o = field("options") {
                for (k, _, v) in try mapping(o, path + ".options") {
                    options[k.hasPrefix("--") ? String(k.dropFirst(2)) : k] = try string(v, "\(path).options.\(k)")
                }
            }
            var engine = EngineSpec()
            if let e = field("engine") {
                for (k, _, v) in try mapping(e, path + ".engine", known: Self.engineKeys) {
                    let p = "\(path).engine.\(k)"
                    switch k {
                    case "port": engine.port = try int(v, p, 1...65535)
                    case "labels": engine.labels = try pairs(v, p)
                    case "options": engine.options = try pairs(v, p)
                    default: engine.env = try pairs(v, p)
                    }
                }
            }
            for n in names {
                guard MachineName.isValid(n) else {
                    throw fail(keyNode, path, "invalid machine name \"\(n)\": allowed characters are 0-9 a-z A-Z . - and it must start with a letter or digit")
                }
                guard !out.contains(where: { $0.name == n }) else { throw fail(keyNode, path, "machine \(n) is named twice") }
                out.append(MachineSpec(name: n, driver: driver, options: options, engine: engine, mark: mark(keyNode)))
            }
        }
        return out
    }

    func mark(_ node: Node) -> SourceMark? { node.mark.map { SourceMark(line: $0.line, column: $0.column) } }

    /// `all`, a name, or a list of names and ranges, each a machine of the file.
    func machineRefs(_ node: Node?, _ path: String, _ spec: ClusterSpec) throws -> [String] {
        guard let node else { return spec.machines.map(\.name) }
        if case .scalar = node, try string(node, path) == "all" { return spec.machines.map(\.name) }
        var out: [String] = []
        let items: [Node]
        if case .sequence(let seq) = node { items = Array(seq) } else { items = [node] }
        for (i, item) in items.enumerated() {
            let p = items.count == 1 && !(node.sequence != nil) ? path : "\(path)[\(i)]"
            for n in try expandRange(try string(item, p), item, p) {
                guard spec.machine(n) != nil else { throw fail(item, path, "\"\(n)\" is not a machine of this file") }
                if !out.contains(n) { out.append(n) }
            }
        }
        guard !out.isEmpty else { throw fail(node, path, "no machines named") }
        return out
    }

    func store(_ node: Node, _ keyNode: Node, _ spec: ClusterSpec) throws -> StoreSpec {
        let fields = try mapping(node, "store", known: ["etcd"])
        guard let e = fields.first(where: { $0.key == "etcd" })?.value else {
            throw fail(keyNode, "store", "no etcd: name the machines that run an etcd member")
        }
        let names = try machineRefs(e, "store.etcd", spec)
        guard names.count % 2 == 1 else {
            throw fail(e, "store.etcd", "\(names.count) members: etcd needs an odd number (1, 3, 5)")
        }
        return StoreSpec(etcd: names, mark: mark(keyNode))
    }

    static let networkKeys = ["driver", "subnet", "gateway", "ip-range", "machines", "options", "labels", "internal",
                              "parent", "network", "backend", "subnet-len", "vni", "port"]
    static let flannelOnly = ["network", "backend", "subnet-len", "vni", "port"]

    func networks(_ node: Node, _ spec: ClusterSpec) throws -> [NetworkSpec] {
        var out: [NetworkSpec] = []
        for (name, keyNode, value) in try mapping(node, "networks") {
            let path = "networks.\(name)"
            guard Self.isObjectName(name) else { throw fail(keyNode, path, "invalid network name \"\(name)\"") }
            guard !["bridge", "host", "none"].contains(name) else {
                throw fail(keyNode, path, "\(name) is a network every engine has; pick another name")
            }
            let fields = try mapping(value, path, known: Self.networkKeys)
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.value }
            var kind = NetworkKind.bridge
            if let d = field("driver") {
                let text = try string(d, path + ".driver")
                guard let k = NetworkKind(rawValue: text) else {
                    throw fail(d, path + ".driver", "unknown network driver \"\(text)\" (known: bridge, overlay, macvlan, flannel)")
                }
                kind = k
            }
            var net = NetworkSpec(name: name, kind: kind, machines: try machineRefs(field("machines"), path + ".machines", spec),
                                  mark: mark(keyNode))
            for (k, kn, _) in fields {
                if kind == .flannel, ["subnet", "gateway", "ip-range", "parent", "options", "internal"].contains(k) {
                    throw fail(kn, path, "\(k) does not apply to a flannel network (network, backend, subnet-len, vni, port do)")
                }
                if kind != .flannel, Self.flannelOnly.contains(k) {
                    throw fail(kn, path, "\(k) is for flannel networks only")
                }
                if k == "parent", kind != .macvlan { throw fail(kn, path, "parent is for macvlan networks only") }
            }
            if kind.isClusterWide, spec.store == nil {
                throw fail(keyNode, path, "a\(kind == .overlay ? "n" : "") \(kind.rawValue) network needs the cluster store: add store: {etcd: [MACHINE]}")
            }
            if let s = field("subnet") {
                let text = try string(s, path + ".subnet")
                guard (try? IPv4Network(parsing: text)) != nil else { throw fail(s, path + ".subnet", "invalid CIDR \"\(text)\"") }
                net.subnet = text
            }
            if let g = field("gateway") {
                let text = try string(g, path + ".gateway")
                guard let a = IPv4Address(text) else { throw fail(g, path + ".gateway", "invalid IPv4 address \"\(text)\"") }
                guard let subnet = net.subnet.flatMap({ try? IPv4Network(parsing: $0) }) else {
                    throw fail(g, path + ".gateway", "a gateway needs a subnet")
                }
                guard subnet.contains(a) else { throw fail(g, path + ".gateway", "\(text) is not in subnet \(subnet)") }
                net.gateway = text
            }
            if let r = field("ip-range") {
                let text = try string(r, path + ".ip-range")
                guard let range = try? IPv4Network(parsing: text) else { throw fail(r, path + ".ip-range", "invalid CIDR \"\(text)\"") }
                guard let subnet = net.subnet.flatMap({ try? IPv4Network(parsing: $0) }) else {
                    throw fail(r, path + ".ip-range", "an ip-range needs a subnet")
                }
                guard subnet.contains(range.address), range.prefix >= subnet.prefix else {
                    throw fail(r, path + ".ip-range", "\(text) is not inside subnet \(subnet)")
                }
                net.ipRange = text
            }
            if let o = field("options") {
                for (k, _, v) in try mapping(o, path + ".options") { net.options[k] = try string(v, "\(path).options.\(k)") }
            }
            if let l = field("labels") { net.labels = try dictionary(l, path + ".labels") }
            if let i = field("internal") { net.internal = try bool(i, path + ".internal") }
            if let p = field("parent") { net.options["parent"] = try string(p, path + ".parent") }
            if kind == .macvlan, net.options["parent"] == nil {
                throw fail(keyNode, path, "a macvlan network needs a parent (parent: eth0)")
            }
            if kind == .flannel {
                if let other = out.first(where: { $0.kind == .flannel }) {
                    throw fail(keyNode, path, "a second flannel network: the cluster store holds one (\(other.name))")
                }
                guard let n = field("network") else { throw fail(keyNode, path, "a flannel network needs network: CIDR") }
                let text = try string(n, path + ".network")
                guard (try? IPv4Network(parsing: text)) != nil else { throw fail(n, path + ".network", "invalid CIDR \"\(text)\"") }
                var f = FlannelSpec(network: text)
                if let b = field("backend") {
                    f.backend = try string(b, path + ".backend")
                    guard ["vxlan", "host-gw"].contains(f.backend) else {
                        throw fail(b, path + ".backend", "unknown backend \"\(f.backend)\" (known: vxlan, host-gw)")
                    }
                }
                if let l = field("subnet-len") { f.subnetLen = try int(l, path + ".subnet-len", 8...30) }
                if let v = field("vni") { f.vni = try int(v, path + ".vni", 1...0xFF_FFFF) }
                if let p = field("port") { f.port = try int(p, path + ".port", 1...65535) }
                net.flannel = f
            }
            out.append(net)
        }
        return out
    }

    func volumes(_ node: Node, _ spec: ClusterSpec) throws -> [VolumeSpec] {
        try mapping(node, "volumes").map { name, keyNode, value in
            let path = "volumes.\(name)"
            guard Self.isObjectName(name) else { throw fail(keyNode, path, "invalid volume name \"\(name)\"") }
            let fields = try mapping(value, path, known: ["machines", "driver", "labels"])
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.value }
            var v = VolumeSpec(name: name, machines: try machineRefs(field("machines"), path + ".machines", spec), mark: mark(keyNode))
            if let d = field("driver") { v.driver = try string(d, path + ".driver") }
            if let l = field("labels") { v.labels = try dictionary(l, path + ".labels") }
            return v
        }
    }

    func images(_ node: Node, _ spec: ClusterSpec) throws -> [ImageSpec] {
        try mapping(node, "images").map { name, keyNode, value in
            let path = "images.\(name)"
            guard Self.isImageName(name) else {
                throw fail(keyNode, path, "invalid image name \"\(name)\": lowercase repository, optional :tag")
            }
            let fields = try mapping(value, path, known: ["import", "change", "build", "dockerfile", "machines"])
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.value }
            let source: ImageSource
            switch (field("import"), field("build")) {
            case (let i?, nil):
                if field("dockerfile") != nil { throw fail(i, path, "dockerfile is for build: images") }
                source = .importTar(path: absolute(try string(i, path + ".import")),
                                    changes: try field("change").map { try strings($0, path + ".change") } ?? [])
            case (nil, let b?):
                if field("change") != nil { throw fail(b, path, "change is for import: images") }
                source = .build(context: absolute(try string(b, path + ".build")),
                                dockerfile: try field("dockerfile").map { try string($0, path + ".dockerfile") })
            case (.some, .some): throw fail(keyNode, path, "either import: or build:, not both")
            case (nil, nil): throw fail(keyNode, path, "no source: import: FILE.tar or build: DIRECTORY")
            }
            return ImageSpec(name: name, source: source,
                             machines: try machineRefs(field("machines"), path + ".machines", spec), mark: mark(keyNode))
        }
    }

    static let containerKeys = ["machine", "image", "command", "entrypoint", "env", "networks", "volumes", "volumes-from",
                                "ports", "restart", "labels", "hostname", "start"]

    func containers(_ node: Node, _ spec: ClusterSpec) throws -> [ContainerSpec] {
        var out: [ContainerSpec] = []
        var fromRefs: [(ContainerSpec, Node)] = []
        for (name, keyNode, value) in try mapping(node, "containers") {
            let path = "containers.\(name)"
            guard Self.isObjectName(name) else { throw fail(keyNode, path, "invalid container name \"\(name)\"") }
            let fields = try mapping(value, path, known: Self.containerKeys)
            func field(_ k: String) -> Node? { fields.first { $0.key == k }?.value }
            guard let m = field("machine") else { throw fail(keyNode, path, "no machine: name the machine it runs on") }
            let machine = try string(m, path + ".machine")
            guard spec.machine(machine) != nil else { throw fail(m, path + ".machine", "\"\(machine)\" is not a machine of this file") }
            guard let i = field("image") else { throw fail(keyNode, path, "no image") }
            var c = ContainerSpec(name: name, machine: machine, image: try string(i, path + ".image"), mark: mark(keyNode))
            guard !out.contains(where: { $0.name == name && $0.machine == machine }) else {
                throw fail(keyNode, path, "container \(name) is named twice on \(machine)")
            }
            if let v = field("command") { c.command = try words(v, path + ".command") }
            if let v = field("entrypoint") { c.entrypoint = try words(v, path + ".entrypoint") }
            if let v = field("env") { c.env = try pairs(v, path + ".env") }
            if let v = field("networks") {
                c.networks = try strings(v, path + ".networks")
                for (idx, n) in c.networks.enumerated() where !["bridge", "host", "none"].contains(n) {
                    guard let net = spec.networks.first(where: { $0.name == n && $0.kind != .flannel }) else {
                        throw fail(v, "\(path).networks[\(idx)]", "\"\(n)\" is not a network of this file (or bridge, host, none)")
                    }
                    guard net.machines.contains(machine) || net.kind.isClusterWide else {
                        throw fail(v, "\(path).networks[\(idx)]", "network \(n) is not on \(machine) (its machines: \(net.machines.joined(separator: ", ")))")
                    }
                }
            }
            if let v = field("volumes") { c.volumes = try strings(v, path + ".volumes") }
            if let v = field("volumes-from") {
                c.volumesFrom = try strings(v, path + ".volumes-from")
                fromRefs.append((c, v))
            }
            if let v = field("ports") {
                c.ports = try strings(v, path + ".ports")
                for (idx, p) in c.ports.enumerated() {
                    do { _ = try EngineBodies.port(p) } catch { throw fail(v, "\(path).ports[\(idx)]", "\(error)") }
                }
            }
            if let v = field("restart") {
                let text = try string(v, path + ".restart")
                do { _ = try EngineBodies.restart(text) } catch {
                    throw fail(v, path + ".restart", "invalid restart policy \"\(text)\" (no, always, unless-stopped, on-failure[:N])")
                }
                c.restart = text
            }
            if let v = field("labels") { c.labels = try dictionary(v, path + ".labels") }
            if let v = field("hostname") { c.hostname = try string(v, path + ".hostname") }
            if let v = field("start") { c.start = try bool(v, path + ".start") }
            out.append(c)
        }
        for (c, node) in fromRefs {
            for source in c.volumesFrom {
                let name = source.split(separator: ":").first.map(String.init) ?? source
                guard out.contains(where: { $0.name == name && $0.machine == c.machine }) else {
                    throw fail(node, "containers.\(c.name).volumes-from", "\"\(name)\" is not a container of this file on \(c.machine)")
                }
            }
        }
        return out
    }
}

private extension Unicode.Scalar {
    var isASCIIAlnum: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
    var isLowerAlnum: Bool { ("a"..."z").contains(self) || ("0"..."9").contains(self) }
}

private extension Node {
    var sequence: Node.Sequence? { if case .sequence(let s) = self { return s } else { return nil } }
}
