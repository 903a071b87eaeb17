import BerthKernel
import BerthCore
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// etcd's v3 JSON gateway over HTTP/1.1 on SwiftNIO, plain or with TLS (the client certificate and CA of
/// `cluster-store-opts`). One connection per call; the endpoints are tried in turn when a connection cannot be
/// made, starting with the one that answered last.
final class EtcdTransport: Sendable {
    let settings: ClusterSettings
    private let group: EventLoopGroup
    private let tls: NIOSSLContext?
    private let preferred = NIOLockedValueBox(0)
    let connectTimeout: TimeAmount
    let callTimeout: TimeAmount

    /// Builds the TLS context from the settings' files; an unreadable or bad file throws naming it.
    init(settings: ClusterSettings, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
         connectTimeout: TimeAmount = .seconds(3), callTimeout: TimeAmount = .seconds(10)) throws {
        self.settings = settings
        self.group = group
        self.connectTimeout = connectTimeout
        self.callTimeout = callTimeout
        tls = try settings.tls.map(Self.makeTLS)
    }

    /// The name errors give the store: `cluster-store` as configured.
    var storeName: String { settings.store }

    /// Posts `request` and returns the answer's body; etcd's errors and HTTP errors throw.
    func call(_ request: EtcdGateway.Request) async throws -> String {
        let parts = try await open(request, deadline: callTimeout)
        var status: UInt = 0
        var body = ByteBuffer()
        do {
            for try await part in parts {
                switch part {
                case .head(let code): status = code
                case .body(var chunk): body.writeBuffer(&chunk)
                case .end: break
                }
            }
        } catch {
            throw mapped(error)
        }
        let text = String(buffer: body)
        guard (200..<300).contains(status) else {
            do { _ = try EtcdGateway.answer(text) } catch { throw ClusterStoreError.failed(store: storeName, reason: "\(error)") }
            throw ClusterStoreError.failed(store: storeName, reason: "HTTP \(status)")
        }
        return text
    }

    /// Opens a streaming call (a watch): the answer's parts as they arrive. Ending the iteration closes the
    /// connection.
    func stream(_ request: EtcdGateway.Request) async throws -> AsyncThrowingStream<EtcdHTTPHandler.Part, Error> {
        try await open(request, deadline: nil)
    }

    /// Connects to the first endpoint that takes the connection and starts the call on it.
    private func open(_ request: EtcdGateway.Request,
                      deadline: TimeAmount?) async throws -> AsyncThrowingStream<EtcdHTTPHandler.Part, Error> {
        let endpoints = settings.endpoints
        let first = preferred.withLockedValue { $0 }
        var failures: [String] = []
        for step in 0..<endpoints.count {
            let index = (first + step) % endpoints.count
            let endpoint = endpoints[index]
            let (parts, sink) = AsyncThrowingStream.makeStream(of: EtcdHTTPHandler.Part.self)
            let tls = self.tls
            let bootstrap = ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let tls {
                            let name = HostInterfaces.isIPv4(endpoint.host) ? nil : endpoint.host
                            try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try sync.addHTTPClientHandlers()
                        try sync.addHandler(EtcdHTTPHandler(request: request, hostHeader: endpoint.description,
                                                            deadline: deadline, sink: sink))
                    }
                }
            do {
                let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
                sink.onTermination = { _ in channel.close(promise: nil) }
                preferred.withLockedValue { $0 = index }
                return parts
            } catch {
                sink.finish()
                failures.append("\(endpoint): \(Self.describe(error))")
            }
        }
        throw ClusterStoreError.unreachable(store: storeName, reason: failures.joined(separator: "; "))
    }

    /// The error a broken call becomes.
    func mapped(_ error: Error) -> ClusterStoreError {
        if let error = error as? ClusterStoreError { return error }
        if error is EtcdHTTPHandler.DeadlinePassed {
            return .timeout(store: storeName, seconds: Int(callTimeout.nanoseconds / 1_000_000_000))
        }
        return .unreachable(store: storeName, reason: Self.describe(error))
    }

    /// A short reason: the system's text for an errno ("Connection refused"), else the error's own.
    static func describe(_ error: Error) -> String {
        if let error = error as? NIOConnectionError, let last = error.connectionErrors.last {
            return describe(last.error)
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
        return "\(error)"
    }

    private static func makeTLS(_ files: ClusterSettings.TLSFiles) throws -> NIOSSLContext {
        func load<T>(_ key: String, _ path: String, _ parse: (String) throws -> T) throws -> T {
            do {
                return try parse(path)
            } catch {
                throw AgentConfigurationError.invalid(key: "cluster-store-opts", reason: "\(key) \(path): \(error)")
            }
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let ca = files.caFile {
            let roots = try load("kv.cacertfile", ca) { try NIOSSLCertificate.fromPEMFile($0) }
            configuration.trustRoots = .certificates(roots)
        }
        if let cert = files.certFile, let key = files.keyFile {
            let chain = try load("kv.certfile", cert) { try NIOSSLCertificate.fromPEMFile($0) }
            let privateKey = try load("kv.keyfile", key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(privateKey)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw AgentConfigurationError.invalid(key: "cluster-store-opts",
                                                  reason: "the certificate files do not make a TLS client (\(error))")
        }
    }
}
