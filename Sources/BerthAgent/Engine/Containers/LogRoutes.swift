#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthRuntime
import Glibc
import NIOCore
import NIOHTTP1

/// `docker logs [-f] [--tail N] [-t] [--since T] [--until T]` from the json-file log the supervisor writes.
enum LogRoutes {
    static func register(on router: inout Router, context: EngineContext) {
        let store = context.containers
        router.get("/containers/{id}/logs") { request in
            let record = try await store.find(try request.parameter("id"))
            let query = request.query
            let wantOut = query.bool("stdout"), wantErr = query.bool("stderr")
            guard wantOut || wantErr else {
                throw APIError.invalidArgument("Bad parameters: you must choose at least one stream")
            }
            let follow = query.bool("follow")
            let timestamps = query.bool("timestamps")
            let tail = query["tail"].flatMap { $0 == "all" ? nil : Int($0) }
            let window = LogWindow(since: try LogWindow.bound(query["since"], "since"),
                                   until: try LogWindow.bound(query["until"], "until"))
            let tty = record.config.Tty ?? false
            let path = await store.logPath(record.id)
            let id = record.id
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: tty ? "application/vnd.docker.raw-stream"
                                                          : "application/vnd.docker.multiplexed-stream")
            return Response(headers: headers, body: .stream { writer in
                var reader = LogReader(path: path)
                var pastUntil = false
                func send(_ entries: [LogEntry]) async throws {
                    var buffer = writer.allocator.buffer(capacity: 4096)
                    for entry in entries {
                        switch window.place(entry) {
                        case .before: continue
                        case .after: pastUntil = true
                        case .inside: break
                        }
                        if pastUntil { break }
                        let isErr = entry.stream == "stderr"
                        if isErr ? !wantErr : !wantOut { continue }
                        let line = (timestamps ? entry.time + " " : "") + entry.log
                        if !tty {
                            buffer.writeBytes(StreamFrame.header(stream: isErr ? StreamFrame.stderr : StreamFrame.stdout,
                                                                 count: line.utf8.count))
                        }
                        buffer.writeString(line)
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
                var first = reader.readNew()
                if let tail { first = Array(first.suffix(max(tail, 0))) }
                try await send(first)
                guard follow else { return }
                // Following ends with the container, or once `until` has passed, as in dockerd.
                while !pastUntil, !window.isPast(Timestamp.Instant.now()), await store.isRunning(id) {
                    try await Task.sleep(nanoseconds: 100_000_000)
                    try await send(reader.readNew())
                }
                if !pastUntil { try await send(reader.readNew()) }
            })
        }
    }
}

/// Reads a json-file log incrementally, whole lines only.
struct LogReader {
    let path: String
    var offset: UInt64 = 0

    init(path: String) { self.path = path }

    mutating func readNew() -> [LogEntry] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var at = off_t(offset)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, at) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            data += buffer[0..<n]
            at += off_t(n)
        }
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = data[...lastNewline]
        offset += UInt64(complete.count)
        let decoder = JSONDecoder()
        return complete.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(LogEntry.self, from: Data($0)) }
    }
}
