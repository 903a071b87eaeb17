import BerthCore
import Foundation

/// The controller's etcd client: the v3 JSON gateway (`EtcdGateway`) over libcurl, plain HTTP or with the
/// cluster's client certificates. One small surface (keys, prefixes, create-if-absent, leases) that the network
/// drivers build on; the agent has the same requests over its own HTTP stack.
public final class EtcdClient: Sendable {
    /// `http://HOST:2379` or `https://HOST:2379`.
    public let endpoint: String
    let http: HTTPSClient

    public init(endpoint: String, tls: TLSClientFiles? = nil, timeout: TimeInterval = 10) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        http = HTTPSClient(tls: tls, timeout: timeout, connectTimeout: min(timeout, 5))
    }

    /// Posts one gateway request and returns its body; an unreachable etcd or an error status is one clear error.
    func call(_ r: EtcdGateway.Request) throws -> String {
        let response: HTTPResponse
        do {
            response = try http.post(endpoint + r.path, body: Data(r.body.utf8))
        } catch {
            throw BerthError.failed("etcd at \(endpoint) is unreachable: \(error)")
        }
        let body = String(decoding: response.body, as: UTF8.self)
        guard (200..<300).contains(response.status) else {
            _ = try EtcdGateway.answer(body) // throws etcd's own message when there is one
            throw BerthError.failed("etcd at \(endpoint): HTTP \(response.status)")
        }
        return body
    }

    public func put(_ key: String, _ value: String, lease: Int64 = 0) throws {
        _ = try call(EtcdGateway.put(key, value, lease: lease))
    }

    /// The value of `key`, nil when it does not exist.
    public func get(_ key: String) throws -> String? {
        try EtcdGateway.decodeRange(call(EtcdGateway.get(key))).kvs.first { $0.key == key }?.value
    }

    /// Every key under `prefix`, in key order.
    public func list(prefix: String) throws -> [EtcdGateway.KeyValue] {
        try EtcdGateway.decodeRange(call(EtcdGateway.list(prefix: prefix))).kvs
    }

    public func delete(_ key: String) throws {
        _ = try call(EtcdGateway.delete(key))
    }

    /// Writes `key` only when nobody has; false when it exists already.
    public func createIfAbsent(_ key: String, _ value: String, lease: Int64 = 0) throws -> Bool {
        try EtcdGateway.decodeTxn(call(EtcdGateway.createIfAbsent(key, value, lease: lease)))
    }

    /// The seconds `lease` has left, -1 when it is gone.
    public func timeToLive(_ lease: Int64) throws -> Int64 {
        try EtcdGateway.decodeTimeToLive(call(EtcdGateway.timeToLive(lease)))
    }

    /// Removes every key under `prefix`.
    public func delete(prefix: String) throws { _ = try call(EtcdGateway.delete(prefix: prefix)) }

    /// A new etcd lease of `ttl` seconds; keys put with it go when it expires.
    public func grantLease(ttl: Int) throws -> Int64 {
        try EtcdGateway.decodeLease(call(EtcdGateway.grantLease(ttl: ttl)))
    }
}
