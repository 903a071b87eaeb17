/// Wake-ups for whoever waits on a container's state (its supervisor up, an attach connected, its exit recorded),
/// so start, attach, kill, stop and rm react when the state changes instead of polling for it.
extension ContainerStore {
    /// Wakes every task waiting in ``nextChange(of:until:)`` for `id`.
    func changed(_ id: String) {
        guard let list = changeWaiters.removeValue(forKey: id) else { return }
        for (_, continuation) in list { continuation.resume() }
    }

    /// Returns at the next ``changed(_:)`` of `id`, or at `deadline`, whichever comes first.
    func nextChange(of id: String, until deadline: ContinuousClock.Instant) async {
        guard deadline > .now else { return }
        changeTokens &+= 1
        let token = changeTokens
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            changeWaiters[id, default: []].append((token, continuation))
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                self.expire(id, token)
            }
        }
    }

    /// Waits until `condition` holds for the store, re-checked at each change of `id`; false at the deadline.
    func waitUntil(_ id: String, seconds: Double, _ condition: (isolated ContainerStore) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while !condition(self) {
            guard deadline > .now else { return false }
            await nextChange(of: id, until: deadline)
        }
        return true
    }

    private func expire(_ id: String, _ token: UInt64) {
        guard var list = changeWaiters[id], let i = list.firstIndex(where: { $0.0 == token }) else { return }
        let (_, continuation) = list.remove(at: i)
        changeWaiters[id] = list.isEmpty ? nil : list
        continuation.resume()
    }
}
