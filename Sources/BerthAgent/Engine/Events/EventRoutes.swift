#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import NIOCore
import NIOHTTP1

/// `GET /events?since=&until=&filters=`: the kept events inside the window, then live ones, one JSON object per
/// line, as dockerd streams them; with `until` the stream ends when that time passes.
enum EventRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let log = context.events
        router.get("/events") { request in
            let query = request.query
            let since = try LogWindow.bound(query["since"], "since")
            let until = try LogWindow.bound(query["until"], "until")
            let filter = try EventFilter.parse(query["filters"])
            if let since, let until, until < since {
                throw APIError.invalidArgument("since (\(query["since"] ?? "")) cannot be after until (\(query["until"] ?? ""))")
            }
            let inside: @Sendable (EngineEvent) -> Bool = { e in
                let instant = Timestamp.Instant(seconds: Int(e.timeNano / 1_000_000_000),
                                                nanoseconds: Int(e.timeNano % 1_000_000_000))
                if let since, instant < since { return false }
                if let until, instant > until { return false }
                return filter.matches(e)
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            return Response(headers: headers, body: .stream { writer in
                let (past, live, token) = log.subscribe()
                defer { log.unsubscribe(token) }
                let encoder = JSONEncoder()
                func send(_ events: [EngineEvent]) async throws {
                    guard !events.isEmpty else { return }
                    var buffer = writer.allocator.buffer(capacity: 512 * events.count)
                    for e in events {
                        buffer.writeBytes(try encoder.encode(e))
                        buffer.writeString("\n")
                    }
                    try await writer.write(buffer)
                }
                // Only the past when `until` is already over, else the past and then the live stream.
                if since != nil { try await send(past.filter(inside)) }
                if let until, until < Timestamp.Instant.now() { return }
                // No `since`: dockerd sends nothing of the past, only what happens from now on.
                let ender: Task<Void, Never>? = until.map { until in
                    Task {
                        let now = Timestamp.Instant.now()
                        let wait = max(0, (until.seconds - now.seconds) * 1_000_000_000 + (until.nanoseconds - now.nanoseconds))
                        try? await Task.sleep(nanoseconds: UInt64(wait))
                        log.unsubscribe(token)
                    }
                }
                defer { ender?.cancel() }
                // An empty line now and then would be noise to clients; writes fail once the client is gone.
                for await e in live where inside(e) { try await send([e]) }
            })
        }
    }
}
