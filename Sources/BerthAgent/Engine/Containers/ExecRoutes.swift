import BerthCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import NIOCore
import NIOHTTP1

/// `docker exec`: create, start (hijacked), inspect, resize.
enum ExecRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.post("/containers/{id}/exec") { request in
            let body = try JSONDecoder.pascalCaseKeys().decode(ExecCreateRequest.self, from: Data(request.body.readableBytesView))
            let id = try await store.createExec(try request.parameter("id"), request: body)
            return try .json(IDResponse(Id: id), status: .created)
        }
        router.get("/exec/{id}/json") { request in
            let exec = try await store.exec(try request.parameter("id"))
            let cmd = exec.request.Cmd ?? []
            return try .json(ExecInspect(
                ID: exec.id, Running: exec.running, ExitCode: exec.exitCode,
                ProcessConfig: .init(tty: exec.request.Tty ?? false, entrypoint: cmd.first ?? "",
                                     arguments: Array(cmd.dropFirst()), privileged: false,
                                     user: exec.request.User ?? ""),
                OpenStdin: exec.request.AttachStdin ?? false, OpenStderr: exec.request.AttachStderr ?? false,
                OpenStdout: exec.request.AttachStdout ?? false, CanRemove: false, ContainerID: exec.containerID,
                DetachKeys: exec.request.DetachKeys ?? "", Pid: exec.pid))
        }
        router.post("/exec/{id}/resize") { request in
            let exec = try await store.exec(try request.parameter("id"))
            let (rows, cols) = try AttachRoutes.size(request)
            if let socket = await store.socketIfRunning(exec.containerID) {
                _ = try? await ShimClient.call(socket, ShimRequest(op: .resize, execID: exec.id, rows: rows, cols: cols))
            }
            return Response(status: .ok)
        }
        router.post("/exec/{id}/start") { request in
            let id = try request.parameter("id")
            let exec = try await store.exec(id)
            let start = request.body.readableBytes > 0
                ? try JSONDecoder().decode(ExecStartRequest.self, from: Data(request.body.readableBytesView))
                : ExecStartRequest(Detach: false, Tty: nil)
            // The process's terminal is the one exec create asked for; start's Tty says how the stream is framed.
            let tty = start.Tty ?? exec.request.Tty ?? false
            let detachKeys: DetachKeys?
            do {
                detachKeys = (exec.request.AttachStdin ?? false) && tty ? try DetachKeys(parsing: exec.request.DetachKeys) : nil
            } catch {
                throw APIError.invalidArgument("\(error)")
            }
            let (socket, process) = try await store.execProcess(exec, tty: exec.request.Tty ?? false, framed: !tty)
            await store.updateExec(id) { $0.running = true }
            let shimRequest = ShimRequest(op: .exec, execID: id, process: process)
            if start.Detach ?? false {
                Task { await runDetached(socket, shimRequest, exec: exec, store: store) }
                return .noContent
            }
            @Sendable func bridgeExec(_ client: HijackedStream) async throws {
                try await ShimClient.bridge(socket, shimRequest, to: client, stdin: process.openStdin,
                                            detachKeys: detachKeys, drainAfterDetach: true) { reply in
                    if let pid = reply.pid { await store.updateExec(id) { $0.pid = Int(pid) } }
                    guard !reply.ok else { return }
                    let message = "OCI runtime exec failed: exec failed: unable to start container process: "
                        + (reply.error ?? "unknown error") + "\r\n"
                    var buffer = client.allocator.buffer(capacity: message.utf8.count + 8)
                    if !tty { buffer.writeBytes(StreamFrame.header(stream: StreamFrame.stderr, count: message.utf8.count)) }
                    buffer.writeString(message)
                    try await client.write(buffer)
                }
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: tty ? "application/vnd.docker.raw-stream"
                                                          : "application/vnd.docker.multiplexed-stream")
            return Response(headers: headers, body: .hijack { client in
                // The exit code is recorded before the stream closes: the CLI inspects the exec as soon as it does.
                do {
                    try await bridgeExec(client)
                } catch {
                    Task { await finish(exec, store: store) }
                    throw error
                }
                await finish(exec, store: store)
            })
        }
    }

    /// Records how an exec ended, from the status file its supervisor wrote.
    static func finish(_ exec: ExecRecord, store: ContainerStore) async {
        var status = await store.execStatus(exec)
        for _ in 0..<50 where status == nil {
            try? await Task.sleep(nanoseconds: 20_000_000)
            status = await store.execStatus(exec)
        }
        await store.updateExec(exec.id) {
            $0.running = false
            $0.exitCode = Int(status?.exitCode ?? 126)
        }
    }

    /// `exec -d`: the output is discarded.
    static func runDetached(_ socket: String, _ request: ShimRequest, exec: ExecRecord, store: ContainerStore) async {
        if let connection = try? await ShimClient.connect(socket) {
            try? await connection.executeThenClose { inbound, outbound in
                try await outbound.write(ShimClient.encode(request))
                outbound.finish()
                for try await _ in inbound {}
            }
        }
        await finish(exec, store: store)
    }
}
