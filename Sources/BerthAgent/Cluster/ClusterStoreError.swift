/// Why a cluster store call failed; each renders as one line naming the store.
public enum ClusterStoreError: Error, Equatable, CustomStringConvertible {
    /// No endpoint could be reached (or one broke mid-answer); `store` lists them.
    case unreachable(store: String, reason: String)
    /// etcd answered with an error.
    case failed(store: String, reason: String)
    /// No answer within the deadline.
    case timeout(store: String, seconds: Int)

    public var description: String {
        switch self {
        case .unreachable(let store, let reason): return "cluster store \(store) is unreachable: \(reason)"
        case .failed(let store, let reason): return "cluster store \(store): \(reason)"
        case .timeout(let store, let seconds): return "cluster store \(store) did not answer within \(seconds) s"
        }
    }
}
