#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime

/// The volumes of this engine: one record per volume in `<dataRoot>/volumes/NAME/volume.json` (name, driver,
/// labels, options, creation time), the data behind a `VolumeDriver`. Loaded lazily.
public actor VolumeStore {
    /// Docker's label on anonymous volumes (`-v /path`, an image's VOLUME).
    public static let anonymousLabel = "com.docker.volume.anonymous"

    struct Record: Codable, Equatable {
        var name: String
        var driver: String
        var labels: [String: String]
        var options: [String: String]
        var createdAt: String
    }

    let root: String
    private var drivers: [String: VolumeDriver] = [:]
    private var records: [String: Record] = [:]
    private var loaded = false

    public init(dataRoot: String) {
        root = dataRoot + "/volumes"
        let local = LocalVolumeDriver(root: root)
        drivers[local.name] = local
    }

    /// Adds (or replaces) a driver.
    public func register(_ driver: VolumeDriver) { drivers[driver.name] = driver }

    private func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        let fm = FileManager.default
        try? fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where Self.validName(name) {
            guard let data = fm.contents(atPath: root + "/" + name + "/volume.json"),
                  let record = try? JSONDecoder().decode(Record.self, from: data) else { continue }
            records[record.name] = record
        }
    }

    static func validName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count >= 2 else { return false }
        func alnum(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        return alnum(scalars[0]) && scalars.dropFirst().allSatisfy { alnum($0) || "_.-".unicodeScalars.contains($0) }
    }

    static func randomName() -> String {
        (0..<32).map { _ in
            let b = UInt8.random(in: 0...255)
            let hex = Array("0123456789abcdef")
            return String([hex[Int(b >> 4)], hex[Int(b & 15)]])
        }.joined()
    }

    private func view(_ r: Record) -> Volume {
        let mountpoint = drivers[r.driver]?.mountpoint(name: r.name, options: r.options) ?? ""
        return Volume(CreatedAt: r.createdAt, Driver: r.driver, Labels: r.labels, Mountpoint: mountpoint, Name: r.name,
                      Options: r.options)
    }

    // MARK: API

    /// `POST /volumes/create`: makes the volume, or returns the existing one of that name (as docker does).
    public func create(_ request: VolumeCreateRequest) throws -> Volume {
        loadIfNeeded()
        var request = request
        let name: String
        if let given = request.Name, !given.isEmpty {
            name = given
        } else {
            // A volume created without a name is anonymous, as dockerd labels it: `volume prune` takes it.
            name = Self.randomName()
            request.Labels = (request.Labels ?? [:]).merging([Self.anonymousLabel: ""]) { a, _ in a }
        }
        guard Self.validName(name) else { throw VolumeError.invalidName(name) }
        if let existing = records[name] { return view(existing) }
        let driverName = request.Driver.flatMap { $0.isEmpty ? nil : $0 } ?? "local"
        guard let driver = drivers[driverName] else { throw VolumeError.unknownDriver(driverName) }
        let options = request.DriverOpts ?? [:]
        _ = try driver.create(name: name, options: options)
        let record = Record(name: name, driver: driverName, labels: request.Labels ?? [:], options: options,
                            createdAt: RFC3339Volume.now())
        do {
            try save(record)
        } catch {
            try? driver.remove(name: name, options: options)
            throw error
        }
        return view(record)
    }

    /// An anonymous volume (64 hex digits, labelled as docker does).
    public func createAnonymous() throws -> Volume {
        try create(VolumeCreateRequest(Name: Self.randomName(), Labels: [Self.anonymousLabel: ""]))
    }

    private func save(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let dir = root + "/" + record.name
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try encoder.encode(record).write(to: URL(fileURLWithPath: dir + "/volume.json"), options: .atomic)
        records[record.name] = record
    }

    public func inspect(_ name: String) throws -> Volume {
        loadIfNeeded()
        guard let record = records[name] else { throw VolumeError.noSuchVolume(name) }
        return view(record)
    }

    public func exists(_ name: String) -> Bool {
        loadIfNeeded()
        return records[name] != nil
    }

    /// Every volume's directory (a bind-backed volume's is its device).
    public func mountpoints() -> Set<String> {
        loadIfNeeded()
        return Set(records.values.map { view($0).Mountpoint })
    }

    public func isAnonymous(_ name: String) -> Bool {
        loadIfNeeded()
        return records[name]?.labels[Self.anonymousLabel] != nil
    }

    /// `GET /volumes`; `users` maps a volume name to the containers using it.
    func list(filters: VolumeFilters, users: [String: [String]]) -> [Volume] {
        loadIfNeeded()
        return records.values.map(view).filter { filters.matches($0, inUse: !(users[$0.Name] ?? []).isEmpty) }
            .sorted { $0.Name < $1.Name }
    }

    /// `DELETE /volumes/{name}`: refused while containers use it; `force` ignores a missing volume.
    public func remove(_ name: String, force: Bool, usedBy: [String]) throws {
        loadIfNeeded()
        guard let record = records[name] else {
            if force { return }
            throw VolumeError.noSuchVolume(name)
        }
        guard usedBy.isEmpty else { throw VolumeError.inUse(name: name, containers: usedBy) }
        let driver = drivers[record.driver] ?? LocalVolumeDriver(root: root)
        try driver.remove(name: name, options: record.options)
        // Drivers that keep data elsewhere leave the record's directory.
        try? FileManager.default.removeItem(atPath: root + "/" + name)
        records.removeValue(forKey: name)
    }

    /// `POST /volumes/prune`: unused anonymous volumes (all unused ones with `all=true`) matching the filters.
    func prune(filters: VolumeFilters, users: [String: [String]]) -> VolumePruneResponse {
        loadIfNeeded()
        var deleted: [String] = []
        var reclaimed: Int64 = 0
        for volume in records.values.map(view).sorted(by: { $0.Name < $1.Name }) {
            guard (users[volume.Name] ?? []).isEmpty, filters.matches(volume, inUse: false) else { continue }
            guard filters.all || volume.Labels[Self.anonymousLabel] != nil else { continue }
            let size = records[volume.Name]?.options.isEmpty ?? true ? VolumeFiles.size(volume.Mountpoint) : 0
            if (try? remove(volume.Name, force: false, usedBy: [])) != nil {
                deleted.append(volume.Name)
                reclaimed += size
            }
        }
        return VolumePruneResponse(VolumesDeleted: deleted, SpaceReclaimed: reclaimed)
    }
}

/// Docker's `CreatedAt` form: seconds, `Z`.
enum RFC3339Volume {
    static func now() -> String {
        let full = Timestamp.now()  // 2024-01-02T03:04:05.123456789Z
        if let dot = full.firstIndex(of: ".") { return String(full[..<dot]) + "Z" }
        return full
    }
}
