#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import Glibc

extension ContainerStore {
    /// `POST /containers/{id}/update`: records the new limits and restart policy; for a running container, applies
    /// the memory and pids limits to its cgroups (CPU settings are recorded and reported only).
    func update(_ reference: String, _ request: ContainerUpdateRequest) throws -> ContainerUpdateResponse {
        var record = try find(reference)
        let updated = try request.applied(to: record.hostConfig)
        if record.state.Running {
            do {
                try cgroups(record.id).update(memory: request.Memory, pids: request.PidsLimit)
            } catch {
                throw APIError.internal("Cannot update container \(record.id): \(error)")
            }
        }
        record.hostConfig = updated
        save(record)
        var warnings: [String] = []
        if (request.CpuShares ?? 0) != 0 || (request.NanoCpus ?? 0) != 0 || (request.CpuQuota ?? 0) != 0 {
            warnings.append("CPU limits are recorded but not enforced by berthd")
        }
        return ContainerUpdateResponse(Warnings: warnings)
    }

    /// `POST /containers/prune`: removes every stopped container the filter selects; the space is that of their
    /// writable layers (the container directory for vfs).
    func prune(_ filter: PruneFilter) async -> ContainerPruneReport {
        loadIfNeeded()
        var deleted: [String] = []
        var space: Int64 = 0
        let candidates = records.values.filter { record in
            !record.state.Running && !record.state.Paused && !record.state.Restarting
                && filter.matches(created: RFC3339Seconds.parse(record.created), labels: record.config.Labels ?? [:])
        }
        for record in candidates.sorted(by: { $0.created < $1.created }) {
            let size = await writableLayerSize(record.id)
            guard (try? await remove(record.id, force: false)) != nil else { continue }
            deleted.append(record.id)
            space += size
        }
        return ContainerPruneReport(ContainersDeleted: deleted.isEmpty ? nil : deleted, SpaceReclaimed: space)
    }

    /// Bytes in the container's writable layer (`SizeRw`).
    func writableLayerSize(_ id: String) async -> Int64 {
        let layer = storageDriver == .vfs ? paths(id).rootfs : paths(id).upper
        return (try? await Blocking.run { Self.diskUsage(layer) }) ?? 0
    }

    /// Bytes of the regular files under `path` (0 when it is missing).
    nonisolated static func diskUsage(_ path: String) -> Int64 {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: path) else { return 0 }
        var total: Int64 = 0
        var info = stat()
        for name in names where lstat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
            total += Int64(info.st_size)
        }
        return total
    }
}
