/// What the restart policies do when the agent starts, as dockerd does at daemon start. Containers whose supervisors
/// survived the agent are running and were re-adopted by `loadIfNeeded`; of the others, those that ran before start
/// again when their policy says so (`RestartPolicy.startsAtBoot`), and ended `--rm` ones are removed.
extension ContainerStore {
    func startAtBoot() async {
        for record in records.values where record.state.Restarting { endRestarting(record.id) }  // the agent went
        let ended = records.values.filter { !$0.state.Running && $0.state.Status == "exited" }
        for record in ended where record.hostConfig.AutoRemove ?? false {
            try? await remove(record.id, force: true, removeVolumes: true)
        }
        // Containers that join another's network namespace (`--network container:NAME`) start after the others.
        let due = ended.filter { Self.startsAtBoot($0) }.sorted { a, b in
            let (joinsA, joinsB) = (Self.joinsAnother(a), Self.joinsAnother(b))
            return joinsA != joinsB ? !joinsA : a.created < b.created
        }
        for record in due {
            // A request may have come first (rm, start, stop): decide again on the current record.
            guard var current = records[record.id], !current.state.Running, Self.startsAtBoot(current) else { continue }
            current.restartCount = nil  // dockerd counts restarts afresh after a start at boot
            save(current)
            do {
                _ = try await start(record.id)
                logger.info("restart policy: started at boot", metadata: ["id": "\(record.id)"])
            } catch {
                logger.notice("restart policy: start at boot failed",
                              metadata: ["id": "\(record.id)", "error": "\(error)"])
            }
        }
    }

    static func startsAtBoot(_ record: ContainerRecord) -> Bool {
        let policy = record.hostConfig.RestartPolicy
        return !(record.hostConfig.AutoRemove ?? false)
            && RestartPolicy.startsAtBoot(policy, manuallyStopped: record.manuallyStopped ?? false)
    }

    static func joinsAnother(_ record: ContainerRecord) -> Bool {
        if case .container = record.networkMode { return true }
        return false
    }
}
