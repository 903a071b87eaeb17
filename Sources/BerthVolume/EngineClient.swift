import BerthCore
import BerthHTTP
import BerthMachine
import Foundation

/// The few Engine API calls `berth volume` makes to a machine's agent, over mutual TLS (libcurl).
public struct EngineClient: Sendable {
    public struct VolumeInfo: Codable, Sendable, Equatable {
        public var Name: String
        public var Driver: String
        public var Mountpoint: String
        public var Labels: [String: String]?
        public var Options: [String: String]?
    }

    let machine: String
    let base: String
    let http: HTTPSClient

    public init(service: MachineService, record: MachineRecord) {
        machine = record.name
        let tls = service.certificates.clientTLS(for: record.name)
        let host = record.ssh.ipAddress.contains(":") ? "[\(record.ssh.ipAddress)]" : record.ssh.ipAddress
        base = "https://\(host):\(record.engine.port)"
        http = HTTPSClient(tls: TLSClientFiles(caPath: tls.caPath, certPath: tls.certPath, keyPath: tls.keyPath),
                           timeout: 60, connectTimeout: 10)
    }

    /// The volume, or nil when the agent has none of that name.
    public func volume(_ name: String) throws -> VolumeInfo? {
        let r = try call("GET", "/volumes/" + Self.escape(name))
        if r.status == 404 { return nil }
        try check(r, "inspect volume \(name)")
        return try JSONDecoder().decode(VolumeInfo.self, from: r.body)
    }

    public func createVolume(_ name: String) throws -> VolumeInfo {
        let body = try JSONEncoder().encode(["Name": name])
        let r = try call("POST", "/volumes/create", body: body)
        try check(r, "create volume \(name)")
        return try JSONDecoder().decode(VolumeInfo.self, from: r.body)
    }

    public func removeVolume(_ name: String) throws {
        let r = try call("DELETE", "/volumes/" + Self.escape(name))
        try check(r, "remove volume \(name)")
    }

    /// The agent's data root (`DockerRootDir`); local volumes live under `<root>/volumes`.
    public func dataRoot() throws -> String {
        let r = try call("GET", "/info")
        try check(r, "info")
        struct Info: Decodable { var DockerRootDir: String }
        return try JSONDecoder().decode(Info.self, from: r.body).DockerRootDir
    }

    /// Running containers on the default bridge (`--network bridge` or no network given), as (ID, name).
    public func runningOnDefaultBridge() throws -> [(id: String, name: String)] {
        let r = try call("GET", "/containers/json")
        try check(r, "list containers")
        struct Summary: Decodable {
            var Id: String
            var Names: [String]
            var HostConfig: [String: String]?
        }
        return try JSONDecoder().decode([Summary].self, from: r.body).compactMap { c in
            let mode = c.HostConfig?["NetworkMode"] ?? "default"
            guard mode == "default" || mode == "bridge" || mode.isEmpty else { return nil }
            let name = c.Names.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? String(c.Id.prefix(12))
            return (c.Id, name)
        }
    }

    /// `docker stop` (10 s grace).
    public func stopContainer(_ id: String) throws {
        let r = try call("POST", "/containers/" + Self.escape(id) + "/stop?t=10")
        if r.status == 304 { return }
        try check(r, "stop container \(id)")
    }

    func call(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) throws -> HTTPResponse {
        do {
            return try http.request(method: method, url: base + path, headers: headers, body: body)
        } catch {
            throw BerthError.failed("\(machine): cannot reach the agent: \(error)")
        }
    }

    func check(_ r: HTTPResponse, _ what: String) throws {
        guard !(200..<300).contains(r.status) else { return }
        struct Message: Decodable { var message: String }
        let text = (try? JSONDecoder().decode(Message.self, from: r.body))?.message
            ?? String(decoding: r.body, as: UTF8.self)
        throw BerthError.failed("\(machine): \(what): \(text)")
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? s
    }
}
