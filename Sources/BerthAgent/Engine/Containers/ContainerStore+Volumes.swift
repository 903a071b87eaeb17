#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthCore
import BerthRuntime

/// Volumes and binds of containers: resolved at create (volumes made as needed, the image's data copied into new
/// volumes), bind-mounted by the supervisor at start, released at remove.
extension ContainerStore {
    /// The mounts of a new container from `-v`, `--mount`, `--volumes-from` and the VOLUMEs of the request and the
    /// image, in mount order (parents before children), and the volumes the image's data is to be copied into.
    func resolveMounts(config: ContainerConfig, hostConfig: HostConfig, imageConfig: ContainerConfig,
                       containerID: String) async throws -> (mounts: [MountPoint], copyUp: [MountPoint]) {
        var requested: [MountRequestSpec] = []
        for destination in (hostConfig.Tmpfs ?? [:]).keys {
            _ = try MountParser.cleanDestination(destination, type: "tmpfs")
        }
        for bind in hostConfig.Binds ?? [] { requested.append(try MountParser.parseBind(bind)) }
        for mount in hostConfig.Mounts ?? [] { requested.append(try MountParser.parseMount(mount)) }
        var seen: Set<String> = []
        for r in requested where !seen.insert(r.destination).inserted {
            throw VolumeError.duplicateMountPoint(r.destination)
        }

        var mounts: [MountPoint] = []
        var copyUp: [MountPoint] = []
        for r in requested {
            switch r.source {
            case .bind(let path):
                if !VolumeFiles.exists(path) {
                    guard r.createSource else {
                        throw VolumeError.invalidMount(type: "bind", reason: "bind source path does not exist: \(path)")
                    }
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                            attributes: [.posixPermissions: 0o755])
                }
                mounts.append(MountPoint(type: "bind", name: nil, source: path, destination: r.destination, driver: nil,
                                         mode: r.mode, rw: !r.readOnly, propagation: r.propagation))
            case .volume(let name):
                let volume: Volume
                if let name {
                    volume = try await volumes.create(VolumeCreateRequest(Name: name))
                } else {
                    volume = try await volumes.createAnonymous()
                }
                let mount = MountPoint(type: "volume", name: volume.Name, source: volume.Mountpoint,
                                       destination: r.destination, driver: volume.Driver, mode: r.mode,
                                       rw: !r.readOnly, propagation: "")
                mounts.append(mount)
                if !r.noCopy { copyUp.append(mount) }
            case .tmpfs:
                mounts.append(MountPoint(type: "tmpfs", name: nil, source: "", destination: r.destination, driver: nil,
                                         mode: "", rw: !r.readOnly, propagation: ""))
            case .image(let reference, let subpath):
                let source = try await imageMount(reference, subpath: subpath, containerID: containerID,
                                                  index: mounts.count)
                mounts.append(MountPoint(type: "image", name: nil, source: source, destination: r.destination,
                                         driver: nil, mode: "", rw: false, propagation: ""))
            }
        }

        for spec in hostConfig.VolumesFrom ?? [] {
            let (reference, readOnly) = try MountParser.parseVolumesFrom(spec)
            let other = try find(reference)
            for var mount in other.mounts ?? [] where !seen.contains(mount.Destination) {
                seen.insert(mount.Destination)
                if let readOnly { mount.RW = !readOnly }
                mounts.append(mount)
            }
        }

        let anonymous = Set((config.Volumes ?? [:]).keys).union((imageConfig.Volumes ?? [:]).keys)
        for path in anonymous.sorted() {
            let destination = try MountParser.cleanDestination(path, type: "volume")
            guard seen.insert(destination).inserted else { continue }
            let volume = try await volumes.createAnonymous()
            let mount = MountPoint(type: "volume", name: volume.Name, source: volume.Mountpoint,
                                   destination: destination, driver: volume.Driver, mode: "", rw: true, propagation: "")
            mounts.append(mount)
            copyUp.append(mount)
        }
        let depth = { (m: MountPoint) in m.Destination.split(separator: "/").count }
        mounts = mounts.enumerated().sorted { a, b in
            depth(a.element) != depth(b.element) ? depth(a.element) < depth(b.element) : a.offset < b.offset
        }.map(\.element)
        return (mounts, copyUp)
    }

    /// `--mount type=image`: the image's layers copied once into the container's directory (`image-mounts/N`), whose
    /// `subpath` the supervisor binds read-only; it goes with the container.
    func imageMount(_ reference: String, subpath: String, containerID: String, index: Int) async throws -> String {
        // a 400, not the 404 that would make the CLI pull the container's own image
        guard let id = try? await images.resolve(reference) else {
            throw VolumeError.invalidMount(type: "image", reason: "No such image: \(reference)")
        }
        let layers = try await images.layerDirectories(of: id)
        let parent = paths(containerID).directory + "/image-mounts"
        let root = parent + "/\(index)"
        try await Blocking.run {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try LayerCopier.materialise(layers: layers, into: root)
        }
        let source = subpath == "/" ? root : root + subpath
        guard VolumeFiles.exists(source) else {
            throw VolumeError.invalidMount(type: "image", reason: "image subpath \(subpath) does not exist in \(reference)")
        }
        return source
    }

    /// Docker's copy-up: each new (empty) volume mounted over a path that holds data in the image gets that data.
    func copyImageData(into mounts: [MountPoint], containerID: String, imageID: String) async throws {
        let targets = mounts.filter { VolumeFiles.isEmptyDirectory($0.Source) }
        guard !targets.isEmpty else { return }
        let scratch = paths(containerID).rootfs
        // vfs: the copied rootfs, bound as is; overlay2: the layers, stacked read-only on the (empty) rootfs.
        let lower: [String]
        if storageDriver == .vfs { lower = [scratch] } else { lower = try await images.layerDirectories(of: imageID) }
        try await Blocking.run {
            for mount in targets {
                try CopyUp.copy(lowerDirs: lower, mountPoint: scratch, path: mount.Destination, into: mount.Source)
            }
        }
    }

    /// The bind mounts the supervisor makes for `record`.
    /// The runtime's mounts of a container; refuses, as dockerd does at start, a bind whose propagation its
    /// source's mount cannot carry.
    func mountSpecs(for record: ContainerRecord) throws -> [MountSpec]? {
        let tmpfs = (record.hostConfig.Tmpfs ?? [:]).map { destination, data in
            MountSpec(source: "tmpfs", destination: MountParser.clean(destination),
                      tmpfsOptions: MountParser.tmpfsOptions(data))
        }
        let mounts = record.mounts ?? []
        guard !mounts.isEmpty || !tmpfs.isEmpty else { return nil }
        let needs = mounts.filter { $0.Type == "bind" && !$0.Propagation.hasSuffix("private") && !$0.Propagation.isEmpty }
        if !needs.isEmpty {
            let table = MountPropagation.parse((try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "")
            for mount in needs {
                if let problem = MountPropagation.problem(source: mount.Source, mode: mount.Propagation, entries: table) {
                    throw APIError.invalidArgument(problem)
                }
            }
        }
        let tmpfsMounts = (record.hostConfig.Mounts ?? []).filter { $0.Type == "tmpfs" }
        let specs = mounts.map { mount -> MountSpec in
            if mount.Type == "tmpfs" {
                let options = tmpfsMounts.first { MountParser.clean($0.Target ?? "") == mount.Destination }?.TmpfsOptions
                return MountSpec(source: "tmpfs", destination: mount.Destination,
                                 tmpfsOptions: MountParser.tmpfsOptions(options) + (mount.RW ? "" : ",ro"))
            }
            return MountSpec(source: mount.Source, destination: mount.Destination, readOnly: !mount.RW,
                             propagation: mount.Type == "bind" ? mount.Propagation : nil)
        } + tmpfs
        let depth = { (m: MountSpec) in m.destination.split(separator: "/").count }
        return specs.enumerated().sorted { a, b in
            depth(a.element) != depth(b.element) ? depth(a.element) < depth(b.element) : a.offset < b.offset
        }.map(\.element)
    }

    /// For each volume in use, the containers using it (running or not).
    public func volumeUsers() -> [String: [String]] {
        loadIfNeeded()
        var users: [String: [String]] = [:]
        for record in records.values.sorted(by: { $0.created < $1.created }) {
            for mount in record.mounts ?? [] where mount.Type == "volume" {
                if let name = mount.Name { users[name, default: []].append(record.id) }
            }
        }
        return users
    }

    /// After `record` is gone: removes its anonymous volumes that no other container uses (`docker rm -v`, `--rm`).
    func releaseVolumes(of record: ContainerRecord) async {
        let users = volumeUsers()
        for mount in record.mounts ?? [] where mount.Type == "volume" {
            guard let name = mount.Name, await volumes.isAnonymous(name) else { continue }
            let others = (users[name] ?? []).filter { $0 != record.id }
            if others.isEmpty { try? await volumes.remove(name, force: true, usedBy: []) }
        }
    }
}
