import BerthCore
import Foundation

extension ClusterService {
    /// Points every running machine's agent at `cluster` (nil: at no cluster): client files, `berthd.json`, a
    /// restart through `berthd-ctl`. Stopped machines follow when they start (`berth start` renders their config).
    /// Returns the machines that could not be reached, each said as a warning.
    @discardableResult
    public func pointAgents(cluster: ClusterRecord?, say: @escaping (String) -> Void) -> [String] {
        let records = store.records()
        let failed = concurrently(records) { r -> String? in
            do {
                if try ClusterStoreSettings.parse(engineOptions: r.engine.options) != nil { return nil }
                guard try machines.driver(r).state() == .running else {
                    say("\(r.name) is stopped: its agent follows the cluster store when it starts")
                    return nil
                }
                let shell = try machines.connect(r)
                defer { shell.close() }
                let prov = machines.provisioner(r, shell: shell)
                let info = try r.provision ?? prov.detect()
                try machines.configureClusterClient(r, prov: prov, info: info, cluster: cluster)
                try prov.control("restart")
                _ = try machines.waitForAgent(r)
                say(cluster == nil ? "\(r.name): agent no longer uses the cluster store"
                                   : "\(r.name): agent pointed at the cluster store")
                return nil
            } catch {
                say("Warning: \(r.name): agent not reconfigured: \(error)")
                return r.name
            }
        }
        return failed.compactMap { $0 }
    }
}
