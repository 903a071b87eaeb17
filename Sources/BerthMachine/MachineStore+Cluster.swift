import BerthCore
import BerthLinux
import Foundation

/// The cluster file, `<store>/cluster.json`: written atomically; callers change it under the store lock.
extension MachineStore {
    /// The store's cluster, nil when there is none.
    public func loadCluster() throws -> ClusterRecord? {
        guard let data = FileManager.default.contents(atPath: layout.clusterFile) else { return nil }
        do {
            return try ClusterRecord.decode(data)
        } catch let e as BerthError {
            throw e
        } catch {
            throw BerthError.failed("\(layout.clusterFile): unreadable cluster file: \(error)")
        }
    }

    public func saveCluster(_ cluster: ClusterRecord) throws {
        try FileOps.writeAtomically(cluster.encoded(), to: layout.clusterFile, mode: 0o600)
    }

    /// Removes the cluster file and the cluster store's certificates.
    public func removeCluster() throws {
        for path in [layout.clusterFile, layout.etcdDir] where FileManager.default.fileExists(atPath: path) {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw BerthError.failed("removing \(path): \(error.localizedDescription)")
            }
        }
    }
}
