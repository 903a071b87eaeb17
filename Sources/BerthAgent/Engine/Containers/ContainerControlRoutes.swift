#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOHTTP1

/// pause, unpause, rename, top, stats.
enum ContainerControlRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.post("/containers/{id}/pause") { request in
            try await store.setPaused(try request.parameter("id"), true)
            return .noContent
        }
        router.post("/containers/{id}/unpause") { request in
            try await store.setPaused(try request.parameter("id"), false)
            return .noContent
        }
        router.post("/containers/{id}/rename") { request in
            try await store.rename(try request.parameter("id"), to: request.query["name"] ?? "")
            return .noContent
        }
        router.get("/containers/{id}/top") { request in
            try .json(await store.top(try request.parameter("id")))
        }
        router.get("/containers/{id}/stats") { request in
            try await stats(request, store: store)
        }
    }

    /// `GET /containers/{id}/stats` as dockerd answers it. `stream=true` (the default): one JSON object per second,
    /// newline-separated, each with the one before as `precpu_stats`, until the client goes away (the next write
    /// fails) or the container stops. `stream=false`: one object, from two samples a second apart so that the CPU %
    /// means something (dockerd waits for two collection cycles); `one-shot=true` skips the wait and sends zero
    /// `precpu_stats`. A stopped container gets one frame at once.
    static func stats(_ request: Request, store: ContainerStore) async throws -> Response {
        let id = try await store.find(try request.parameter("id")).id
        let stream = request.query["stream"] == nil || request.query.bool("stream")
        let oneShot = request.query.bool("one-shot")
        if stream && oneShot { throw APIError.invalidArgument("cannot have stream=true and one-shot=true") }
        let interval: UInt64 = 1_000_000_000
        if !stream {
            let first = try await store.stats(id)
            guard !oneShot, await store.isRunning(id) else { return try .json(first) }
            try await Task.sleep(nanoseconds: interval)
            return try .json(await store.stats(id, previous: first))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return Response(headers: headers, body: .stream { writer in
            let encoder = JSONEncoder()
            var previous: ContainerStats?
            repeat {
                if previous != nil { try await Task.sleep(nanoseconds: interval) }
                // A container removed meanwhile ends the stream as one that stopped does.
                guard let frame = try? await store.stats(id, previous: previous) else { return }
                var data = try encoder.encode(frame)
                data.append(UInt8(ascii: "\n"))
                try await writer.write(writer.allocator.buffer(bytes: data))
                previous = frame
            } while await store.isRunning(id)
        })
    }
}
