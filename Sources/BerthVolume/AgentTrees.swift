import BerthCore
import BerthHTTP
import BerthTransfer
import Foundation

/// A machine's volume trees through its agent's data plane (see `DataPlane.Tree`): the tar stream of a volume over
/// the agent's mutual-TLS port, in 8 MiB parts up and streamed down, and agent-to-agent pushes.
final class AgentTrees {
    let machine: String
    /// `https://host:port`.
    let base: String
    let session: CurlSession
    let tls: TLSClientFiles
    /// Where a receive under way registers how to give it up.
    let cleanups: Cleanups

    init(machine: String, base: String, tls: TLSClientFiles, cleanups: Cleanups) {
        self.machine = machine
        self.base = base
        self.tls = tls
        self.cleanups = cleanups
        session = CurlSession(client: HTTPSClient(tls: tls, timeout: 0, connectTimeout: 10))
    }

    /// The outcome of a push: checked sums and the staging directory, or why the other agent could not be reached.
    enum Push {
        case done(bytes: UInt64, sent: String, arrived: String, staging: String)
        case unreachable(String)
    }

    var url: String { base + DataPlane.Tree.prefix }

    /// Streams the tar of `dir` into `sink`; the SHA-256 the agent computed of what it sent.
    func send(_ dir: String, into sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        let r = try call("reading \(dir)") {
            try session.perform(method: "GET", url: url + "?" + DataPlane.query([("path", dir)]), sink: sink)
        }
        try check(r, "tar of \(dir)")
        guard let token = r.headers[DataPlane.Tree.tokenHeader.lowercased()] else {
            throw BerthError.failed("\(machine): the agent sent no tree token")
        }
        let result = try self.result(try call("reading \(dir)") {
            try session.perform(method: "GET", url: url + "/result?" + DataPlane.query([("token", token)]))
        }, "tar of \(dir)")
        guard let sha = result.sha256, result.message == nil else {
            throw BerthError.failed("\(machine): \(result.message ?? "tar of \(dir) failed")")
        }
        return sha
    }

    /// Extracts the tar `fill` yields (0: its end) into a new staging directory under `root`; that directory and
    /// the SHA-256 of what arrived. A failure leaves no staging directory.
    func receive(into root: String, from fill: (UnsafeMutableRawBufferPointer) throws -> Int) throws
        -> (staging: String, sha: String) {
        let r = try call("starting a receive") {
            try session.perform(method: "POST", url: url + "/receive?" + DataPlane.query([("root", root)]))
        }
        try check(r, "receiving into \(root)")
        let receipt = try decode(DataPlane.TreeReceipt.self, r.body)
        // Interrupted, this process gives the receive up over a connection of its own (the session is busy).
        let giveUp = url + "/receive?" + DataPlane.query([("token", receipt.token)])
        let files = tls
        let cleanup = cleanups.add { _ = try? HTTPSClient(tls: files, timeout: 3, connectTimeout: 2).request(method: "DELETE", url: giveUp) }
        defer { cleanups.remove(cleanup) }
        let part = UnsafeMutableRawBufferPointer.allocate(byteCount: DataPlane.chunk, alignment: 16)
        defer { part.deallocate() }
        var offset: UInt64 = 0
        do {
            while true {
                var filled = 0
                while filled < part.count {
                    let n = try fill(UnsafeMutableRawBufferPointer(rebasing: part[filled...]))
                    if n == 0 { break }
                    filled += n
                }
                let final = filled < part.count
                var items = [("token", receipt.token), ("offset", "\(offset)")]
                if final { items.append(("final", "1")) }
                let r = try call("sending to \(receipt.staging)") {
                    try session.perform(method: "PUT", url: url + "/receive?" + DataPlane.query(items),
                                        body: UnsafeRawBufferPointer(rebasing: part[0..<filled]))
                }
                let answer = try result(r, "extracting into \(receipt.staging)")
                offset += UInt64(filled)
                if final {
                    guard let sha = answer.sha256, let staging = answer.staging else {
                        throw BerthError.failed("\(machine): \(answer.message ?? "extracting the volume failed")")
                    }
                    return (staging, sha)
                }
            }
        } catch {
            abort(receipt.token)
            throw error
        }
    }

    /// Asks this agent to tar `dir` straight into a receive under `root` on `other`.
    func push(_ dir: String, to other: AgentTrees, root: String) throws -> Push {
        let body = try JSONEncoder().encode(DataPlane.TreePush(path: dir, to: other.base, root: root))
        let r = try call("pushing \(dir)") {
            try body.withUnsafeBytes { raw in
                try session.perform(method: "POST", url: url + "/push", body: raw, json: true)
            }
        }
        if r.status == 502, let failure = try? JSONDecoder().decode(DataPlane.Failure.self, from: r.body),
           failure.cause == "unreachable" {
            return .unreachable(failure.message)
        }
        let side = r.headers["berth-failed-side"] == "destination" ? other.machine : machine
        let result = try self.result(r, "pushing \(dir)", failedOn: side)
        guard let sent = result.sha256, let arrived = result.destinationSha256, let staging = result.staging else {
            throw BerthError.failed("\(side): \(result.message ?? "the push of \(dir) failed")")
        }
        return .done(bytes: result.bytes, sent: sent, arrived: arrived, staging: staging)
    }

    /// Gives a receive up (its staging directory goes); quietly.
    func abort(_ token: String) {
        _ = try? session.perform(method: "DELETE", url: url + "/receive?" + DataPlane.query([("token", token)]))
    }

    // MARK: plumbing

    func call(_ what: String, _ body: () throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try body()
        } catch let error as HTTPClientError {
            session.reset()
            throw BerthError.failed("\(machine): \(what): the agent stopped answering: \(error)")
        }
    }

    func check(_ r: HTTPResponse, _ what: String, failedOn side: String? = nil) throws {
        guard !(200..<300).contains(r.status) else { return }
        let message = (try? JSONDecoder().decode(DataPlane.Failure.self, from: r.body))?.message
            ?? String(decoding: r.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw BerthError.failed("\(side ?? machine): \(what): \(message.isEmpty ? "HTTP \(r.status)" : message)")
    }

    func result(_ r: HTTPResponse, _ what: String, failedOn side: String? = nil) throws -> DataPlane.TreeResult {
        try check(r, what, failedOn: side)
        return try decode(DataPlane.TreeResult.self, r.body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: body) } catch {
            throw BerthError.failed("\(machine): the agent's answer could not be read: \(error)")
        }
    }
}
