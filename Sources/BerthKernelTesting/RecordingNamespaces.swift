import BerthKernel

/// ``NetworkNamespaces`` for unit tests: namespaces are paths in a set, sysctls a log.
public final class RecordingNamespaces: NetworkNamespaces, @unchecked Sendable {
    private let lock = NSLockish()
    private var _paths: Set<String> = []
    private var _sysctls: [String] = []

    public init() {}

    public var paths: Set<String> { lock.with { _paths } }
    /// `key=value` per write, in order.
    public var sysctls: [String] { lock.with { _sysctls } }

    public func create(at path: String) throws { lock.with { _ = _paths.insert(path) } }
    public func remove(at path: String) { lock.with { _ = _paths.remove(path) } }
    public func isNamespace(_ path: String) -> Bool { lock.with { _paths.contains(path) } }
    public func sysctl(_ key: String, _ value: String, in namespace: NetworkNamespace) -> Bool {
        lock.with { _sysctls.append("\(key)=\(value)") }
        return true
    }
}
