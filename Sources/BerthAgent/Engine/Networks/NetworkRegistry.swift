#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore

/// The records of the network store: networks in `<directory>/<id>.json` and the live endpoints of each running
/// container in `<directory>/endpoints/<container id>.json`. Every write goes to a temporary file renamed into
/// place, so a crash leaves the old record or the new one. Knows nothing of drivers, sandboxes or the kernel.
struct NetworkRegistry {
    let directory: String
    private(set) var networks: [String: NetworkRecord] = [:]
    /// Live endpoints per container, in connection order (the first is the one with the default route).
    private(set) var endpoints: [String: [EndpointRecord]] = [:]

    /// Why a record could not be written.
    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    /// An empty registry for `directory`; `load` reads it.
    init(directory: String) { self.directory = directory }

    /// Reads what `directory` holds; files that do not decode are skipped.
    mutating func load() {
        networks = [:]
        endpoints = [:]
        let fm = FileManager.default
        try? fm.createDirectory(atPath: endpointDirectory, withIntermediateDirectories: true)
        let decoder = JSONDecoder()
        for file in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".json") {
            if let data = fm.contents(atPath: directory + "/" + file),
               let record = try? decoder.decode(NetworkRecord.self, from: data) {
                networks[record.id] = record
            }
        }
        for file in (try? fm.contentsOfDirectory(atPath: endpointDirectory)) ?? [] where file.hasSuffix(".json") {
            if let data = fm.contents(atPath: endpointDirectory + "/" + file),
               let list = try? decoder.decode([EndpointRecord].self, from: data) {
                endpoints[String(file.dropLast(5))] = list
            }
        }
    }

    var endpointDirectory: String { directory + "/endpoints" }

    // MARK: networks

    /// A network by full ID, name or unique ID prefix.
    func find(_ reference: String) throws -> NetworkRecord {
        if let record = networks[reference] { return record }
        if let record = networks.values.first(where: { $0.name == reference }) { return record }
        let matches = networks.values.filter { $0.id.hasPrefix(reference) }
        if !reference.isEmpty, matches.count == 1 { return matches[0] }
        throw NetworkError.noSuchNetwork(reference)
    }

    func network(named name: String) -> NetworkRecord? { networks.values.first { $0.name == name } }

    func predefined(_ name: String) -> NetworkRecord? {
        networks.values.first { $0.name == name && $0.predefined }
    }

    /// Records `record` (new or changed) and writes it.
    mutating func save(_ record: NetworkRecord) throws {
        try write(record, to: directory + "/\(record.id).json", sortedKeys: true)
        networks[record.id] = record
    }

    mutating func remove(network id: String) {
        networks.removeValue(forKey: id)
        try? FileManager.default.removeItem(atPath: directory + "/\(id).json")
    }

    /// The subnets of every network, for overlap checks and default pools.
    var subnets: [IPv4Network] { networks.values.compactMap(\.pool?.subnet) }

    /// The Linux bridges of every network (for isolation rules).
    var bridges: [String] { networks.values.compactMap(\.bridge) }

    // MARK: endpoints

    func endpoints(of containerID: String) -> [EndpointRecord] { endpoints[containerID] ?? [] }

    var allEndpoints: [EndpointRecord] { endpoints.values.flatMap { $0 } }

    func endpoints(on networkID: String) -> [EndpointRecord] { allEndpoints.filter { $0.networkID == networkID } }

    func hasEndpoints(on networkID: String) -> Bool { allEndpoints.contains { $0.networkID == networkID } }

    /// Addresses held on a network.
    /// The addresses of the network's endpoints and its `--aux-address`es.
    func takenAddresses(on networkID: String) -> Set<IPv4Address> {
        Set(endpoints(on: networkID).map(\.address)).union((networks[networkID]?.auxiliary ?? [:]).values)
    }

    /// Host ports published by any endpoint.
    var publishedPorts: Set<EndpointAllocator.HostPort> {
        Set(allEndpoints.flatMap(\.ports).map { EndpointAllocator.HostPort(proto: $0.proto, port: $0.hostPort) })
    }

    /// Replaces a container's endpoints and writes them (an empty list removes its file).
    mutating func setEndpoints(_ list: [EndpointRecord], of containerID: String) throws {
        let path = endpointDirectory + "/\(containerID).json"
        if list.isEmpty {
            endpoints.removeValue(forKey: containerID)
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        try write(list, to: path, sortedKeys: false)
        endpoints[containerID] = list
    }

    private func write<T: Encodable>(_ value: T, to path: String, sortedKeys: Bool) throws {
        let encoder = JSONEncoder()
        if sortedKeys { encoder.outputFormatting = [.sortedKeys] }
        do {
            let data = try encoder.encode(value)
            let parent = String(path[..<path.lastIndex(of: "/")!])
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WriteError(path: path, reason: "\(error)")
        }
    }
}
