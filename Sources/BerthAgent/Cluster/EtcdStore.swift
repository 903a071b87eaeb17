import BerthCore
import NIOCore

/// ``ClusterStore`` on a real etcd (v3.4's JSON gateway) through ``EtcdTransport``.
public final class EtcdStore: ClusterStore {
    let transport: EtcdTransport

    /// Builds the client (and its TLS context); bad certificate files throw a configuration error. Connects
    /// only when called.
    public init(settings: ClusterSettings, connectTimeout: TimeAmount = .seconds(3),
                callTimeout: TimeAmount = .seconds(10)) throws {
        transport = try EtcdTransport(settings: settings, connectTimeout: connectTimeout, callTimeout: callTimeout)
    }

    public var settings: ClusterSettings { transport.settings }

    /// One call, its answer decoded; decoding errors (etcd's own) become ``ClusterStoreError/failed(store:reason:)``.
    private func call<T>(_ request: EtcdGateway.Request, _ decode: (String) throws -> T) async throws -> T {
        let body = try await transport.call(request)
        do {
            return try decode(body)
        } catch {
            throw ClusterStoreError.failed(store: transport.storeName, reason: "\(error)")
        }
    }

    public func get(_ key: String) async throws -> ClusterKeyValue? {
        try await call(EtcdGateway.get(key)) { try EtcdGateway.decodeRange($0).kvs.first { $0.key == key } }
    }

    public func list(prefix: String) async throws -> (kvs: [ClusterKeyValue], revision: Int64) {
        try await call(EtcdGateway.list(prefix: prefix)) { try EtcdGateway.decodeRange($0) }
    }

    public func put(_ key: String, _ value: String, lease: Int64) async throws {
        _ = try await call(EtcdGateway.put(key, value, lease: lease)) { try EtcdGateway.answer($0) }
    }

    public func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool {
        try await call(EtcdGateway.createIfAbsent(key, value, lease: lease)) { try EtcdGateway.decodeTxn($0) }
    }

    public func delete(_ key: String) async throws {
        _ = try await call(EtcdGateway.delete(key)) { try EtcdGateway.answer($0) }
    }

    public func grantLease(ttl: Int) async throws -> Int64 {
        try await call(EtcdGateway.grantLease(ttl: ttl)) { try EtcdGateway.decodeLease($0) }
    }

    public func keepAlive(lease: Int64) async throws -> Int64 {
        try await call(EtcdGateway.keepAlive(lease: lease)) { try EtcdGateway.decodeKeepAlive($0) }
    }

    public func revokeLease(_ lease: Int64) async throws {
        do {
            _ = try await call(EtcdGateway.revokeLease(lease)) { try EtcdGateway.answer($0) }
        } catch ClusterStoreError.failed(_, let reason) where reason.contains("requested lease not found") {
            return  // already gone
        }
    }

    public func watch(_ ranges: [EtcdGateway.WatchRange]) -> AsyncThrowingStream<EtcdGateway.WatchMessage, Error> {
        let transport = self.transport
        let (messages, sink) = AsyncThrowingStream.makeStream(of: EtcdGateway.WatchMessage.self)
        let task = Task {
            do {
                let parts = try await transport.stream(EtcdGateway.watch(ranges))
                var splitter = EtcdGateway.LineSplitter()
                var status: UInt = 0
                var errorBody = ""
                for try await part in parts {
                    switch part {
                    case .head(let code):
                        status = code
                    case .body(let buffer) where status != 200:
                        errorBody += String(buffer: buffer)
                    case .body(let buffer):
                        for line in splitter.feed(buffer.readableBytesView) {
                            do {
                                sink.yield(try EtcdGateway.decodeWatch(line))
                            } catch {
                                throw ClusterStoreError.failed(store: transport.storeName, reason: "\(error)")
                            }
                        }
                    case .end:
                        break
                    }
                }
                if status != 200 {
                    throw ClusterStoreError.failed(store: transport.storeName,
                                                   reason: "watch: HTTP \(status) \(errorBody.prefix(200))")
                }
                sink.finish(throwing: ClusterStoreError.unreachable(store: transport.storeName,
                                                                    reason: "the watch stream ended"))
            } catch {
                sink.finish(throwing: transport.mapped(error))
            }
        }
        sink.onTermination = { _ in task.cancel() }
        return messages
    }
}
