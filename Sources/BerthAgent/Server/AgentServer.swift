import Glibc
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// `berthd`'s Engine API server: a mutual-TLS TCP listener and a local unix-socket listener serving one
/// ``Router``. Its lifecycle is `idle → running → stopping → stopped`.
public actor AgentServer {
    /// Where the server ended up listening.
    public struct Endpoints: Sendable, Equatable {
        /// The TCP listener's bound port (useful when configured with port 0), nil when TCP is off.
        public var tcpPort: Int?
        /// The unix socket's path, nil when disabled.
        public var unixSocket: String?
    }

    private struct Listener {
        let channel: Channel
        let tracker: ConnectionTracker
        let unixSocket: String?
    }

    private enum State {
        case idle
        case running(group: MultiThreadedEventLoopGroup, listeners: [Listener])
        case stopping
        case stopped
    }

    private let configuration: AgentConfiguration
    private let logger: Logger
    private let customRouter: Router?
    private let maxBodySize: Int
    private var state = State.idle
    /// The cluster agent of the context this server built, stopped (its node lease revoked) at shutdown.
    private var cluster: ClusterAgent?

    /// - Parameters:
    ///   - configuration: Listeners, TLS files and data paths; validated by the caller.
    ///   - logger: The root logger; connection and request loggers derive from it.
    ///   - router: The route table; nil builds the Engine API from `configuration` at ``start()``.
    ///   - maxBodySize: Requests with larger bodies get `413`.
    public init(configuration: AgentConfiguration, logger: Logger, router: Router? = nil,
                maxBodySize: Int = 64 << 20) {
        self.configuration = configuration
        self.logger = logger
        self.customRouter = router
        self.maxBodySize = maxBodySize
    }

    /// Binds the listeners and starts serving. On failure nothing stays bound.
    @discardableResult
    public func start() async throws -> Endpoints {
        guard case .idle = state else { throw ServerError.alreadyStarted }
        let tls = try configuration.tcp ? TLSContextFactory.make(caFile: configuration.tlsCACert,
                                                                 certificateFile: configuration.tlsCert,
                                                                 keyFile: configuration.tlsKey) : nil
        let router: Router
        if let customRouter {
            router = customRouter
        } else {
            let clusterStore = try configuration.clusterSettings().map { try EtcdStore(settings: $0) }
            let context = EngineAPI.makeContext(configuration: configuration, logger: logger,
                                                clusterStore: clusterStore)
            cluster = context.cluster
            router = EngineAPI.makeRouter(context: context)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var listeners: [Listener] = []
        do {
            if let tls {
                listeners.append(try await bindTCP(group: group, router: router, tls: tls))
            }
            if !configuration.unixSocket.isEmpty {
                listeners.append(try await bindUnix(group: group, router: router, path: configuration.unixSocket))
            }
        } catch {
            for listener in listeners { try? await listener.channel.close().get() }
            try? await group.shutdownGracefully()
            state = .stopped
            throw error
        }
        state = .running(group: group, listeners: listeners)
        let endpoints = Endpoints(
            tcpPort: listeners.first { $0.unixSocket == nil }?.channel.localAddress?.port,
            unixSocket: listeners.first { $0.unixSocket != nil }?.unixSocket)
        logger.notice("berthd listening", metadata: [
            "version": "\(AgentBuild.version)", "api": "\(AgentBuild.apiVersion)",
            "tcp": "\(endpoints.tcpPort.map { "\(configuration.host):\($0)" } ?? "off")",
            "unix": "\(endpoints.unixSocket ?? "off")",
        ])
        return endpoints
    }

    /// Stops accepting, lets in-flight requests finish for up to `gracePeriod`, closes what remains,
    /// removes the socket file and stops the event loops. Safe to call in any state.
    public func shutdown(gracePeriod: TimeAmount = .seconds(10)) async {
        guard case .running(let group, let listeners) = state else { return }
        state = .stopping
        for listener in listeners {
            try? await listener.channel.close().get()
            if let path = listener.unixSocket { unlink(path) }
        }
        var open: [Channel] = []
        for listener in listeners {
            open += (try? await listener.tracker.quiesce().get()) ?? []
        }
        if !open.isEmpty {
            let loop = group.next()
            let deadline = loop.scheduleTask(in: gracePeriod) {
                for channel in open { channel.close(promise: nil) }
            }
            try? await EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop).get()
            deadline.cancel()
        }
        await cluster?.stop(revoke: true)
        try? await group.shutdownGracefully()
        state = .stopped
        logger.notice("berthd stopped")
    }

    /// Starts, serves until SIGTERM or SIGINT, then shuts down gracefully. A second signal kills at once.
    public func run() async throws {
        try await start()
        let signal = await SignalWatcher.next(of: [SIGTERM, SIGINT])
        logger.notice("signal received, shutting down", metadata: ["signal": "\(SignalWatcher.name(signal))"])
        await shutdown()
    }

    private func bindTCP(group: EventLoopGroup, router: Router, tls: NIOSSLContext) async throws -> Listener {
        let pipeline = HTTPPipeline(router: router, transport: .tls, tlsContext: tls, maxBodySize: maxBodySize,
                                    logger: logger)
        let address = "\(configuration.host):\(configuration.port)"
        return try await bind(group: group, pipeline: pipeline, step: "bind(\(address))", unixSocket: nil) {
            try await $0.bind(host: self.configuration.host, port: self.configuration.port).get()
        }
    }

    private func bindUnix(group: EventLoopGroup, router: Router, path: String) async throws -> Listener {
        try UnixSocketPath.prepareParent(of: path)
        let pipeline = HTTPPipeline(router: router, transport: .unix, tlsContext: nil, maxBodySize: maxBodySize,
                                    logger: logger)
        let listener = try await bind(group: group, pipeline: pipeline, step: "bind(unix:\(path))",
                                      unixSocket: path) {
            try await $0.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        }
        do {
            try UnixSocketPath.restrict(path)
        } catch {
            try? await listener.channel.close().get()
            throw error
        }
        return listener
    }

    /// Builds a bootstrap whose children get `pipeline` and whose server channel tracks them, then binds it.
    private func bind(group: EventLoopGroup, pipeline: HTTPPipeline, step: String, unixSocket: String?,
                      _ bind: (ServerBootstrap) async throws -> Channel) async throws -> Listener {
        let serverLoop = group.next()
        let tracker = ConnectionTracker(eventLoop: serverLoop)
        let bootstrap = ServerBootstrap(group: serverLoop, childGroup: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(tracker) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try pipeline.configure(channel) }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 16)
        do {
            let channel = try await bind(bootstrap)
            return Listener(channel: channel, tracker: tracker, unixSocket: unixSocket)
        } catch {
            throw ServerError.listener(step: step, reason: "\(error)")
        }
    }
}
