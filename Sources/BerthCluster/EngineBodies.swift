import Foundation

/// The Engine API request bodies apply sends, as the docker CLI would build them from the same flags. Pure: JSON
/// objects from specs, with `-p` and `--restart` parsed as the CLI parses them.
public enum EngineBodies {
    /// The label every engine object apply makes carries, with the cluster's name.
    public static let clusterLabel = "com.berth.cluster"

    public struct BadValue: Error, CustomStringConvertible {
        public var description: String
    }

    public static func network(_ n: NetworkSpec, cluster: String) -> [String: Any] {
        var ipam: [String: Any] = ["Driver": "default"]
        if let subnet = n.subnet {
            var pool: [String: Any] = ["Subnet": subnet]
            pool["Gateway"] = n.gateway
            pool["IPRange"] = n.ipRange
            ipam["Config"] = [pool]
        }
        var labels = n.labels
        labels[clusterLabel] = cluster
        return ["Name": n.name, "Driver": n.kind.rawValue, "CheckDuplicate": true, "IPAM": ipam,
                "Options": n.options, "Labels": labels, "Internal": n.internal,
                "Attachable": n.kind == .overlay]
    }

    public static func volume(_ v: VolumeSpec, cluster: String) -> [String: Any] {
        var labels = v.labels
        labels[clusterLabel] = cluster
        return ["Name": v.name, "Driver": v.driver, "Labels": labels]
    }

    public static func container(_ c: ContainerSpec, cluster: String) throws -> [String: Any] {
        var labels = c.labels
        labels[clusterLabel] = cluster
        var body: [String: Any] = ["Image": c.image, "Labels": labels, "Env": c.env]
        if let cmd = c.command { body["Cmd"] = cmd }
        if let ep = c.entrypoint { body["Entrypoint"] = ep }
        if let h = c.hostname { body["Hostname"] = h }
        var binds: [String] = []
        var anonymous: [String: [String: String]] = [:]
        for v in c.volumes {
            if v.hasPrefix("/"), !v.contains(":") { anonymous[v] = [:] } else { binds.append(v) }
        }
        if !anonymous.isEmpty { body["Volumes"] = anonymous }
        var exposed: [String: [String: String]] = [:]
        var bindings: [String: [[String: String]]] = [:]
        for p in c.ports {
            let b = try port(p)
            exposed[b.key] = [:]
            if let host = b.host { bindings[b.key, default: []].append(host) }
        }
        if !exposed.isEmpty { body["ExposedPorts"] = exposed }
        let mode = c.networks.first ?? "bridge"
        var hostConfig: [String: Any] = ["NetworkMode": mode, "Binds": binds, "VolumesFrom": c.volumesFrom,
                                         "PortBindings": bindings]
        if let r = c.restart { hostConfig["RestartPolicy"] = try restart(r) }
        body["HostConfig"] = hostConfig
        body["NetworkingConfig"] = ["EndpointsConfig": [mode: [String: Any]()]]
        return body
    }

    /// `-p` as the CLI reads it: `80`, `8080:80`, `127.0.0.1:8080:80`, `127.0.0.1::80`, each with `/tcp` or `/udp`.
    public static func port(_ spec: String) throws -> (key: String, host: [String: String]?) {
        var text = Substring(spec)
        var proto = "tcp"
        if let slash = text.lastIndex(of: "/") {
            proto = String(text[text.index(after: slash)...])
            text = text[..<slash]
        }
        guard ["tcp", "udp", "sctp"].contains(proto) else { throw BadValue(description: "invalid port \(spec): protocol \(proto)") }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ s: String) throws -> String {
            guard let n = Int(s), (1...65535).contains(n) else { throw BadValue(description: "invalid port \(spec)") }
            return String(n)
        }
        switch parts.count {
        case 1: return ("\(try number(parts[0]))/\(proto)", nil)
        case 2: return ("\(try number(parts[1]))/\(proto)", ["HostIp": "", "HostPort": try number(parts[0])])
        case 3:
            let hostPort = parts[1].isEmpty ? "" : try number(parts[1])
            return ("\(try number(parts[2]))/\(proto)", ["HostIp": parts[0], "HostPort": hostPort])
        default: throw BadValue(description: "invalid port \(spec)")
        }
    }

    /// `--restart` as the CLI reads it.
    public static func restart(_ text: String) throws -> [String: Any] {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "no", "always", "unless-stopped":
            guard parts.count == 1 else { throw BadValue(description: "invalid restart policy \(text)") }
            return ["Name": parts[0], "MaximumRetryCount": 0]
        case "on-failure":
            let count = parts.count == 2 ? Int(parts[1]) : 0
            guard let count, count >= 0 else { throw BadValue(description: "invalid restart policy \(text)") }
            return ["Name": "on-failure", "MaximumRetryCount": count]
        default: throw BadValue(description: "invalid restart policy \(text)")
        }
    }
}
