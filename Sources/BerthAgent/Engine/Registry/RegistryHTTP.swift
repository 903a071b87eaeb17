#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BerthKernel
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An `http(s)://host[:port]/path?query` URL, split as the registry client needs it.
struct RegistryURL: Sendable, Equatable, CustomStringConvertible {
    var scheme: String
    var host: String
    var port: Int
    /// Path and query, starting with `/`.
    var target: String

    init(scheme: String, host: String, port: Int? = nil, target: String) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == "https" ? 443 : 80)
        self.target = target.hasPrefix("/") ? target : "/" + target
    }

    /// Parses an absolute URL; nil for anything else.
    init?(_ text: String) {
        let scheme: String
        if text.lowercased().hasPrefix("https://") { scheme = "https" } else if text.lowercased().hasPrefix("http://") {
            scheme = "http"
        } else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = p
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        var target = String(rest[slash...])
        if target.hasPrefix("?") { target = "/" + target }
        self.init(scheme: scheme, host: String(host), port: port, target: target.isEmpty ? "/" : target)
    }

    /// A `Location` header resolved against this URL.
    func resolving(_ location: String) -> RegistryURL? {
        if let absolute = RegistryURL(location) { return absolute }
        guard location.hasPrefix("/") else { return nil }
        return RegistryURL(scheme: scheme, host: host, port: port, target: location)
    }

    /// `host:port`, the port left out when it is the scheme's.
    var authority: String {
        (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? host : "\(host):\(port)"
    }

    /// This URL with `name=value` added to its query (values percent-encoded).
    func adding(query items: [(String, String)]) -> RegistryURL {
        var copy = self
        let encoded = items.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        copy.target += (target.contains("?") ? "&" : "?") + encoded
        return copy
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) { out.append(c) } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    var description: String { "\(scheme)://\(authority)\(target)" }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// What a request carries.
enum RegistryRequestBody: Sendable {
    case none
    case bytes([UInt8])
    case buffer(ByteBuffer)
    /// A file streamed in 1 MiB chunks; `progress` hears the bytes sent so far.
    case file(path: String, size: Int64, progress: (@Sendable (Int64) async -> Void)?)
}

/// A response whose body is read as it arrives (with back-pressure: the socket is read only as fast as the body is
/// consumed).
final class RegistryResponse {
    let status: Int
    let headers: HTTPHeaders
    private var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private var done = false

    init(status: Int, headers: HTTPHeaders,
         iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator) {
        self.status = status
        self.headers = headers
        self.iterator = iterator
    }

    /// The next chunk of the body; nil at its end.
    func next() async throws -> ByteBuffer? {
        while !done {
            switch try await iterator.next() {
            case .body(let chunk)?: return chunk
            case .end?, nil: done = true
            case .head?: continue
            }
        }
        return nil
    }

    /// The whole body, refused past `limit` bytes (manifests, tokens and errors are small).
    func collect(limit: Int = 8 << 20) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await next() {
            out += chunk.readableBytesView
            if out.count > limit { throw RegistryError.failed("response body larger than \(limit) bytes") }
        }
        return out
    }

    var contentLength: Int64? { headers.first(name: "Content-Length").flatMap { Int64($0) } }
}

/// Wraps an error thrown by a response handler, so it is not taken for a connection failure.
struct HandlerFailure: Error { var error: Error }

/// HTTP/1.1 over SwiftNIO, plain or TLS, one connection per request (what a pull needs: a handful of requests,
/// most of them long streams). Redirects are followed by the caller (`RegistrySession`).
struct RegistryHTTP: Sendable {
    var group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    var connectTimeout: TimeAmount = .seconds(10)
    static let userAgent = "berthd/\(AgentBuild.version) (linux)"

    /// Sends the request and hands the response to `handle` while the connection is open.
    func execute<T>(_ method: HTTPMethod, _ url: RegistryURL, headers: [(String, String)] = [],
                    body: RegistryRequestBody = .none, tls: NIOSSLContext?,
                    _ handle: (RegistryResponse) async throws -> T) async throws -> T {
        let host = url.host.hasPrefix("[") ? String(url.host.dropFirst().dropLast()) : url.host
        let useTLS = url.scheme == "https"
        guard !useTLS || tls != nil else { throw RegistryError.failed("no TLS configuration for \(url.authority)") }
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .connect(host: host, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if useTLS, let tls {
                            let name = HostInterfaces.isIPv4(host) || host.contains(":") ? nil : host
                            try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try sync.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw RegistryError.connect(method: method.rawValue, url: url.description, reason: Self.describe(error))
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: method, uri: url.target)
                head.headers.add(name: "Host", value: url.authority)
                head.headers.add(name: "User-Agent", value: Self.userAgent)
                head.headers.add(name: "Connection", value: "close")
                for (name, value) in headers { head.headers.add(name: name, value: value) }
                switch body {
                case .none:
                    if method == .POST || method == .PUT || method == .PATCH {
                        head.headers.add(name: "Content-Length", value: "0")
                    }
                case .bytes(let bytes): head.headers.add(name: "Content-Length", value: "\(bytes.count)")
                case .buffer(let buffer): head.headers.add(name: "Content-Length", value: "\(buffer.readableBytes)")
                case .file(_, let size, _): head.headers.add(name: "Content-Length", value: "\(size)")
                }
                // A server may answer and close before the whole request is written: an HTTP server's 400 to a TLS
                // hello, a 404 to a HEAD whose end is still to go, a 401 before a body. The write then fails on a
                // closed channel, and the answer (or the TLS failure) is what the inbound side has to tell.
                var writeFailure: Error?
                do {
                    try await Self.send(head, body: body, to: outbound)
                } catch let error as ChannelError {
                    writeFailure = error
                } catch let error as IOError {
                    writeFailure = error
                }
                var iterator = inbound.makeAsyncIterator()
                while true {
                    guard let part = try await iterator.next() else {
                        if let writeFailure { throw writeFailure }
                        throw RegistryError.failed("\(url.authority) closed the connection without an answer")
                    }
                    // 1xx answers (100 Continue) come before the real one.
                    if case .head(let response) = part, response.status.code >= 200 {
                        do {
                            return try await handle(RegistryResponse(status: Int(response.status.code),
                                                                     headers: response.headers, iterator: iterator))
                        } catch {
                            // the caller's own failure (a full disk, a bad digest): passed on as it is
                            throw HandlerFailure(error: error)
                        }
                    }
                }
            }
        } catch let failure as HandlerFailure {
            throw failure.error
        } catch let error as RegistryError {
            throw error
        } catch let error as NIOSSLError {
            throw RegistryError.tls(url: url.description, reason: Self.describe(error))
        } catch let error as BoringSSLError {
            throw RegistryError.tls(url: url.description, reason: Self.describe(error))
        } catch {
            throw RegistryError.connect(method: method.rawValue, url: url.description, reason: Self.describe(error))
        }
    }

    /// Writes the request: the head, the body if any, the end; a request without a body in one write.
    private static func send(_ head: HTTPRequestHead, body: RegistryRequestBody,
                             to outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>) async throws {
        switch body {
        case .none:
            try await outbound.write(contentsOf: [.head(head), .end(nil)])
        case .bytes(let bytes):
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(bytes: bytes))), .end(nil)])
        case .buffer(let buffer):
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(buffer)), .end(nil)])
        case .file(let file, let size, let progress):
            try await outbound.write(.head(head))
            let input = try FileTarInput(path: file)
            defer { input.close() }
            var reader = input
            var sent: Int64 = 0
            while sent < size {
                let chunk = try reader.read(Int(min(size - sent, 1 << 20)))
                guard !chunk.isEmpty else { throw RegistryError.failed("\(file) shrank while it was sent") }
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
                sent += Int64(chunk.count)
                await progress?(sent)
            }
            try await outbound.write(.end(nil))
        }
    }

    /// A short reason: the system's text for an errno, the TLS failure as OpenSSL names it, else the error's own.
    static func describe(_ error: Error) -> String {
        if let error = error as? NIOConnectionError, let last = error.connectionErrors.last { return describe(last.error) }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return "i/o timeout" }
        if let error = error as? NIOSSLError, case .handshakeFailed(let inner) = error { return describe(inner) }
        if let error = error as? BoringSSLError {
            let text = "\(error)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") { return "x509: certificate signed by unknown authority" }
            if text.contains("WRONG_VERSION_NUMBER") { return "http: server gave HTTP response to HTTPS client" }
            return text
        }
        return "\(error)"
    }
}
