#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import NIOHTTP1

/// Container lifecycle: create, start, wait, kill, stop, rm, ps, inspect, update, prune.
enum ContainerRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.post("/containers/create") { request in
            let body = try JSONDecoder().decode(ContainerCreateRequest.self, from: Data(request.body.readableBytesView))
            let id = try await store.create(name: request.query["name"], request: body)
            return try .json(ContainerCreateResponse(Id: id, Warnings: []), status: .created)
        }
        router.get("/containers/json") { request in
            let filter = try ContainerFilter(query: request.query["filters"])
            return try .json(await store.summaries(all: request.query.bool("all"), filter: filter))
        }
        router.get("/containers/{id}/json") { request in try .json(await store.inspect(try request.parameter("id"))) }
        router.post("/containers/{id}/start") { request in
            let started = try await store.start(try request.parameter("id"))
            return started ? .noContent : Response(status: .notModified)
        }
        router.post("/containers/{id}/wait") { request in
            let condition = try WaitCondition(query: request.query["condition"])
            let record = try await store.find(try request.parameter("id"))
            // The client reads the headers before it starts the container: send them now, the body at exit.
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            return Response(headers: headers, body: .stream { writer in
                let result = try await store.wait(record.id, condition: condition)
                let encoder = JSONEncoder()
                var data = try encoder.encode(result)
                data.append(UInt8(ascii: "\n"))
                try await writer.write(writer.allocator.buffer(bytes: data))
            })
        }
        router.post("/containers/{id}/kill") { request in
            let signal = try Signals.parse(request.query["signal"].flatMap { $0.isEmpty ? nil : $0 } ?? "KILL")
            let id = try await store.find(try request.parameter("id")).id
            try await store.kill(id, signal: signal, byUser: true)
            // As dockerd: SIGKILL returns once the exit is recorded, so inspect or rm right after see it stopped.
            if signal == SIGKILL { _ = await store.awaitExit(id, seconds: 30) }
            return .noContent
        }
        router.post("/containers/{id}/stop") { request in
            let timeout = try request.query.int("t") ?? request.query.int("timeout")
            let signal = try request.query["signal"].flatMap { $0.isEmpty ? nil : try Signals.parse($0) }
            let stopped = try await store.stop(try request.parameter("id"), timeout: timeout, signal: signal)
            return stopped ? .noContent : Response(status: .notModified)
        }
        router.post("/containers/{id}/restart") { request in
            let id = try request.parameter("id")
            _ = try await store.stop(id, timeout: try request.query.int("t"), signal: nil)
            _ = try await store.start(id)
            return .noContent
        }
        router.post("/containers/prune") { request in
            try .json(await store.prune(try PruneFilter(query: request.query["filters"])))
        }
        router.post("/containers/{id}/update") { request in
            let body = request.body.readableBytes == 0 ? ContainerUpdateRequest()
                : try JSONDecoder().decode(ContainerUpdateRequest.self, from: Data(request.body.readableBytesView))
            return try .json(await store.update(try request.parameter("id"), body))
        }
        router.delete("/containers/{id*}") { request in
            let reference = try request.parameter("id")
            if request.query.bool("link") {  // `docker rm --link PARENT/ALIAS`: the link goes, not the container
                try await store.removeLink(reference)
                return .noContent
            }
            try await store.remove(reference, force: request.query.bool("force"),
                                   removeVolumes: request.query.bool("v"))
            return .noContent
        }
    }
}
