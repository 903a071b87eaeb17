import BerthCore
import BerthRuntime
import NIOCore
import NIOHTTP1

/// `POST /containers/{id}/attach` and `/resize`: the hijacked stream of a container's process.
enum AttachRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.post("/containers/{id}/attach") { request in
            let record = try await store.find(try request.parameter("id"))
            let id = record.id
            let tty = record.config.Tty ?? false
            let stdin = request.query.bool("stdin")
            // `logs=1` replays the log first; `stream=0` stops there (docker-py's `attach(logs=True, stream=False)`).
            let logs = request.query.bool("logs")
            let stream = request.query["stream"] == nil || request.query.bool("stream")
            let wantOut = request.query["stdout"] == nil || request.query.bool("stdout")
            let wantErr = request.query["stderr"] == nil || request.query.bool("stderr")
            let detachKeys: DetachKeys?
            // As dockerd: only a terminal's input is watched for them.
            do { detachKeys = stdin && tty ? try DetachKeys(parsing: request.query["detachKeys"]) : nil } catch {
                throw APIError.invalidArgument("\(error)")
            }
            let logPath = await store.logPath(id)
            await store.beginAttach(id)
            await store.emit("attach", record)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: tty ? "application/vnd.docker.raw-stream"
                                                          : "application/vnd.docker.multiplexed-stream")
            return Response(headers: headers, body: .hijack { client in
                let release = AttachRelease(store: store, id: id)
                defer { Task { await release.release() } }
                if logs {
                    var reader = LogReader(path: logPath)
                    var buffer = client.allocator.buffer(capacity: 4096)
                    for entry in reader.readNew() {
                        let isErr = entry.stream == "stderr"
                        if isErr ? !wantErr : !wantOut { continue }
                        if !tty {
                            buffer.writeBytes(StreamFrame.header(stream: isErr ? StreamFrame.stderr : StreamFrame.stdout,
                                                                 count: entry.log.utf8.count))
                        }
                        buffer.writeString(entry.log)
                    }
                    if buffer.readableBytes > 0 { try await client.write(buffer) }
                }
                guard stream else { return }
                guard let socket = await store.awaitSupervisor(id) else { return }
                try await ShimClient.bridge(socket, ShimRequest(op: .attach, stdin: stdin), to: client,
                                            stdin: stdin, detachKeys: detachKeys) { _ in await release.release() }
            })
        }
        router.post("/containers/{id}/resize") { request in
            let record = try await store.find(try request.parameter("id"))
            guard let socket = await store.socketIfRunning(record.id) else {
                throw ContainerError.notRunning(id: record.id)
            }
            let (rows, cols) = try size(request)
            _ = try await ShimClient.call(socket, ShimRequest(op: .resize, rows: rows, cols: cols))
            return Response(status: .ok)
        }
    }

    static func size(_ request: Request) throws -> (UInt16, UInt16) {
        let rows = try request.query.int("h") ?? 24
        let cols = try request.query.int("w") ?? 80
        guard let r = UInt16(exactly: rows), let c = UInt16(exactly: cols) else {
            throw APIError.invalidArgument("invalid terminal size \(rows)x\(cols)")
        }
        return (r, c)
    }
}

/// Tells the store once that an attach request is connected (or gave up), so start stops holding back.
actor AttachRelease {
    let store: ContainerStore
    let id: String
    var released = false

    init(store: ContainerStore, id: String) {
        self.store = store
        self.id = id
    }

    func release() async {
        guard !released else { return }
        released = true
        await store.endAttach(id)
    }
}
