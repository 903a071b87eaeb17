import BerthAgent
import NIOCore

/// Routes that exercise the server's seams: request bodies, streamed bodies and hijacked connections.
enum TestRoutes {
    static func add(to router: inout Router) {
        router.post("/test/echo") { request in
            Response(status: .ok, body: .buffer(request.body))
        }
        router.get("/test/stream") { _ in
            Response(status: .ok, body: .stream { writer in
                for line in ["one\n", "two\n", "three\n"] {
                    try await writer.write(line)
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
            })
        }
        router.post("/test/hijack") { _ in
            Response(status: .ok, headers: ["Content-Type": "application/vnd.docker.raw-stream"], body: .hijack { stream in
                var received = stream.allocator.buffer(capacity: 64)
                for try await var chunk in stream.inbound {
                    received.writeBuffer(&chunk)
                }
                try await stream.write(stream.allocator.buffer(string: "echo: "))
                try await stream.write(received)
            })
        }
    }
}
