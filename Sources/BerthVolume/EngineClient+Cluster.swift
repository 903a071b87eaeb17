import BerthCluster
import BerthCore
import Foundation

/// The Engine API calls `berth apply`, `destroy` and `topology` make: listings read into BerthCluster's observed
/// values, and the create/remove calls with the bodies EngineBodies builds.
extension EngineClient {
    public struct Contents: Sendable {
        public var networks: [ObservedNetwork]
        public var volumes: [ObservedVolume]
        public var images: [String]
        public var containers: [ObservedContainer]
    }

    public func contents() throws -> Contents {
        Contents(networks: try networks(), volumes: try volumes(), images: try images(), containers: try containers())
    }

    public func networks() throws -> [ObservedNetwork] {
        struct Net: Decodable {
            struct IPAM: Decodable {
                struct Pool: Decodable { var Subnet: String?; var Gateway: String? }
                var Config: [Pool]?
            }
            var Id: String; var Name: String; var Driver: String; var Scope: String?
            var IPAM: IPAM?; var Options: [String: String]?; var Labels: [String: String]?
        }
        let r = try call("GET", "/networks")
        try check(r, "list networks")
        return try JSONDecoder().decode([Net].self, from: r.body).map { n in
            let pool = n.IPAM?.Config?.first
            return ObservedNetwork(id: n.Id, name: n.Name, driver: n.Driver, scope: n.Scope ?? "local",
                                   subnet: pool?.Subnet, gateway: pool?.Gateway,
                                   vni: n.Options?["com.docker.network.driver.overlay.vxlanid_list"].flatMap { Int($0) },
                                   parent: n.Options?["parent"], labels: n.Labels ?? [:])
        }
    }

    public func volumes() throws -> [ObservedVolume] {
        struct List: Decodable { var Volumes: [VolumeInfo]? }
        let r = try call("GET", "/volumes")
        try check(r, "list volumes")
        return (try JSONDecoder().decode(List.self, from: r.body).Volumes ?? []).map {
            ObservedVolume(name: $0.Name, driver: $0.Driver, labels: $0.Labels ?? [:])
        }
    }

    public func images() throws -> [String] {
        struct Image: Decodable { var RepoTags: [String]? }
        let r = try call("GET", "/images/json")
        try check(r, "list images")
        return try JSONDecoder().decode([Image].self, from: r.body).flatMap { $0.RepoTags ?? [] }
    }

    public func containers() throws -> [ObservedContainer] {
        struct Summary: Decodable {
            struct Port: Decodable { var IP: String?; var PrivatePort: Int; var PublicPort: Int?; var `Type`: String }
            struct Settings: Decodable {
                struct Endpoint: Decodable { var IPAddress: String? }
                var Networks: [String: Endpoint]?
            }
            var Id: String; var Names: [String]; var Image: String; var State: String
            var Labels: [String: String]?; var Ports: [Port]?; var NetworkSettings: Settings?
        }
        let r = try call("GET", "/containers/json?all=1")
        try check(r, "list containers")
        return try JSONDecoder().decode([Summary].self, from: r.body).map { c in
            let name = c.Names.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? String(c.Id.prefix(12))
            let ports = (c.Ports ?? []).map { p in
                p.PublicPort.map { "\(p.IP ?? "0.0.0.0"):\($0)->\(p.PrivatePort)/\(p.Type)" } ?? "\(p.PrivatePort)/\(p.Type)"
            }
            let nets = (c.NetworkSettings?.Networks ?? [:]).mapValues { $0.IPAddress ?? "" }
            return ObservedContainer(id: c.Id, name: name, image: c.Image, state: c.State, networks: nets,
                                     labels: c.Labels ?? [:], ports: ports)
        }
    }

    public func createNetwork(_ n: NetworkSpec, cluster: String) throws {
        let body = try JSONSerialization.data(withJSONObject: EngineBodies.network(n, cluster: cluster))
        try check(try call("POST", "/networks/create", body: body), "create network \(n.name)")
    }

    public func createVolume(_ v: VolumeSpec, cluster: String) throws {
        let body = try JSONSerialization.data(withJSONObject: EngineBodies.volume(v, cluster: cluster))
        try check(try call("POST", "/volumes/create", body: body), "create volume \(v.name)")
    }

    /// `docker import FILE NAME --change ...`.
    public func importImage(file: String, name: String, changes: [String]) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw BerthError.invalidArgument("image \(name): cannot read \(file)")
        }
        let (repo, tag) = Self.split(name)
        var query = "fromSrc=-&repo=\(Self.query(repo))&tag=\(Self.query(tag))"
        for c in changes { query += "&changes=\(Self.query(c))" }
        let r = try call("POST", "/images/create?" + query, body: data, headers: ["Content-Type": "application/x-tar"])
        try check(r, "import image \(name)")
        try Self.checkStream(r.body, machine: machine, what: "import image \(name)")
    }

    /// `docker build -t NAME` of a tar'd context.
    public func buildImage(context: Data, name: String, dockerfile: String?) throws {
        var query = "t=\(Self.query(name))&rm=1"
        if let dockerfile { query += "&dockerfile=\(Self.query(dockerfile))" }
        let r = try call("POST", "/build?" + query, body: context, headers: ["Content-Type": "application/x-tar"])
        try check(r, "build image \(name)")
        try Self.checkStream(r.body, machine: machine, what: "build image \(name)")
    }

    public func createContainer(_ c: ContainerSpec, cluster: String) throws {
        let body = try JSONSerialization.data(withJSONObject: try EngineBodies.container(c, cluster: cluster))
        try check(try call("POST", "/containers/create?name=\(Self.query(c.name))", body: body), "create container \(c.name)")
        for net in c.networks.dropFirst() {
            let connect = try JSONSerialization.data(withJSONObject: ["Container": c.name])
            try check(try call("POST", "/networks/\(Self.escape(net))/connect", body: connect),
                      "connect container \(c.name) to \(net)")
        }
    }

    public func startContainer(_ name: String) throws {
        let r = try call("POST", "/containers/\(Self.escape(name))/start")
        if r.status == 304 { return }
        try check(r, "start container \(name)")
    }

    /// Each remove treats "not there" as done.
    public func removeContainer(_ name: String) throws {
        let r = try call("DELETE", "/containers/\(Self.escape(name))?force=1")
        if r.status == 404 { return }
        try check(r, "remove container \(name)")
    }

    public func removeNetwork(_ name: String) throws {
        let r = try call("DELETE", "/networks/\(Self.escape(name))")
        if r.status == 404 { return }
        try check(r, "remove network \(name)")
    }

    public func removeVolumeIfThere(_ name: String) throws {
        let r = try call("DELETE", "/volumes/\(Self.escape(name))")
        if r.status == 404 { return }
        try check(r, "remove volume \(name)")
    }

    public func removeImage(_ name: String) throws {
        let r = try call("DELETE", "/images/\(Self.escape(name))")
        if r.status == 404 { return }
        try check(r, "remove image \(name)")
    }

    static func split(_ name: String) -> (String, String) {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let colon = last.lastIndex(of: ":") else { return (name, "latest") }
        let tag = String(last[last.index(after: colon)...])
        return (String(name.dropLast(tag.count + 1)), tag)
    }

    static func query(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    /// dockerd's progress streams answer 200 and carry a failure as `{"error": ...}` in a line.
    static func checkStream(_ body: Data, machine: String, what: String) throws {
        for line in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let error = obj["error"] as? String else { continue }
            throw BerthError.failed("\(machine): \(what): \(error)")
        }
    }
}
