import BerthSSH
import Foundation

/// `-d`: whether a file must be sent, decided by size first and SHA-256 second, like rsync's checksum mode.
public enum DeltaDecision {
    /// True when only checksums can tell: a regular file of the same, non-zero size is already there.
    public static func needsChecksums(source: FileInfo, existing: FileInfo?) -> Bool {
        guard let e = existing, e.kind == .regular else { return false }
        return e.size == source.size && source.size > 0
    }

    /// True when the file must be sent. A missing checksum (unreadable file, no hasher) means send.
    public static func mustSend(source: FileInfo, existing: FileInfo?, sourceHash: String?,
                                destinationHash: String?) -> Bool {
        guard let e = existing, e.kind == .regular, e.size == source.size else { return true }
        if source.size == 0 { return false }
        guard let s = sourceHash, let d = destinationHash else { return true }
        return s != d
    }

    /// Marks the plan's unchanged files. Checksums are computed where the files are (one batch per side,
    /// the sides in parallel), so nothing crosses the network but hashes.
    public static func apply(to plan: inout CopyPlan, cancellation: Cancellation = Cancellation()) throws {
        let candidates = plan.entries.indices.filter {
            plan.entries[$0].action == .copyFile
                && needsChecksums(source: plan.entries[$0].info, existing: plan.entries[$0].existing)
        }
        // Group the work by side; each side is used by one thread.
        var jobs: [(side: FileSystemSide, paths: [String])] = []
        func add(_ side: FileSystemSide, _ path: String) {
            if let i = jobs.firstIndex(where: { $0.side === side }) { jobs[i].paths.append(path) }
            else { jobs.append((side, [path])) }
        }
        for i in candidates {
            add(plan.entries[i].source.side, plan.entries[i].source.path)
            add(plan.destination, plan.entries[i].destination)
        }
        let results = try parallel(jobs.map { job in { try job.side.sha256(job.paths) } })
        try cancellation.check("")
        func hash(_ side: FileSystemSide, _ path: String) -> String? {
            guard let i = jobs.firstIndex(where: { $0.side === side }) else { return nil }
            return results[i][path]
        }
        for i in plan.entries.indices where plan.entries[i].action == .copyFile {
            let e = plan.entries[i]
            let send = mustSend(source: e.info, existing: e.existing,
                                sourceHash: hash(e.source.side, e.source.path),
                                destinationHash: hash(plan.destination, e.destination))
            plan.entries[i].unchanged = !send
        }
    }

    /// Runs each closure on its own thread; returns the results in order or throws the first error.
    static func parallel<T>(_ work: [() throws -> T]) throws -> [T] {
        try parallelMap(work) { w in Result { try w() } }.map { try $0.get() }
    }
}
