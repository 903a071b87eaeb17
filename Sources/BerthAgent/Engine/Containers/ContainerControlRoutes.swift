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
            // One sample, whether or not the client asked for a stream (`docker stats` without --no-stream
            // then shows the same numbers until it is interrupted).
            try .json(await store.stats(try request.parameter("id")))
        }
    }
}
