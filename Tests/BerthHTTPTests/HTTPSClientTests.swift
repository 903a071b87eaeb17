import Foundation
import Testing
@testable import BerthHTTP

/// Talks to a real TLS server requiring client certificates (see TestTLSServer).
@Suite final class HTTPSClientTests {
    let server: TestTLSServer

    init() throws {
        server = try TestTLSServer()
    }

    deinit { server.stop() }

    var base: String { "https://127.0.0.1:\(server.port)" }

    func client(timeout: TimeInterval = 10, files: (ca: String, cert: String, key: String)? = nil) -> HTTPSClient {
        let f = files ?? server.clientFiles
        return HTTPSClient(tls: TLSClientFiles(caPath: f.ca, certPath: f.cert, keyPath: f.key), timeout: timeout,
                           connectTimeout: 5)
    }

    func json(_ response: HTTPResponse) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any] ?? [:]
        return object.compactMapValues { $0 as? String }
    }

    @Test func getWithClientCertificate() throws {
        try server.startTLS()
        let r = try client().get(base + "/version?x=1", headers: ["X-Custom": "yes"])
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.headers["x-multi"] == "a, b")
        let echo = try json(r)
        #expect(echo["method"] == "GET")
        #expect(echo["path"] == "/version?x=1")
        #expect(echo["client"] == "client")
        #expect(echo["custom"] == "yes")
    }

    @Test func postSendsBodyAsJSON() throws {
        try server.startTLS()
        let r = try client().post(base + "/containers/create", body: Data(#"{"Image":"busybox"}"#.utf8))
        let echo = try json(r)
        #expect(echo["method"] == "POST")
        #expect(echo["body"] == #"{"Image":"busybox"}"#)
        #expect(echo["contentType"] == "application/json")
    }

    @Test(arguments: ["PUT", "DELETE", "HEAD", "POST"])
    func otherMethods(method: String) throws {
        try server.startTLS()
        let body: Data? = method == "PUT" ? Data("tar".utf8) : nil
        let r = try client().request(method: method, url: base + "/x", headers: ["Content-Type": "application/x-tar"],
                                     body: body)
        #expect(r.status == 200)
        if method == "HEAD" {
            #expect(r.body.isEmpty)
        } else {
            let echo = try json(r)
            #expect(echo["method"] == method)
            #expect(echo["body"] == (method == "PUT" ? "tar" : ""))
        }
    }

    @Test func non2xxIsAResponseNotAnError() throws {
        try server.startTLS()
        let r = try client().get(base + "/status/404")
        #expect(r.status == 404)
        #expect(!r.isSuccess)
    }

    @Test func serverRefusesClientWithoutCertificate() throws {
        try server.startTLS()
        let noCert = (ca: server.clientFiles.ca, cert: "", key: "")
        #expect {
            try client(files: noCert).get(base + "/version")
        } throws: { error in
            guard case .tlsHandshakeFailed(let url, _)? = error as? HTTPClientError else { return false }
            return url == base + "/version" && "\(error)".hasPrefix(base + "/version: TLS handshake failed: ")
        }
    }

    @Test func serverRefusesClientFromAnotherCA() throws {
        try server.startTLS()
        let foreign = (ca: server.clientFiles.ca, cert: server.foreignFiles.cert, key: server.foreignFiles.key)
        #expect {
            try client(files: foreign).get(base + "/version")
        } throws: { error in
            if case .tlsHandshakeFailed? = error as? HTTPClientError { return true }
            return false
        }
    }

    @Test func wrongCAIsACertificateProblem() throws {
        try server.startTLS()
        let wrongCA = (ca: server.foreignFiles.ca, cert: server.clientFiles.cert, key: server.clientFiles.key)
        #expect {
            try client(files: wrongCA).get(base + "/version")
        } throws: { error in
            guard case .certificateProblem? = error as? HTTPClientError else { return false }
            let line = "\(error)"
            return line.hasPrefix(base + "/version: certificate problem: ") && !line.contains("\n")
        }
    }

    @Test func hostNameIsVerified() throws {
        try server.startTLS()
        // The certificate names only IP 127.0.0.1, so "localhost" must be rejected.
        #expect {
            try client().get("https://localhost:\(server.port)/version")
        } throws: { error in
            if case .certificateProblem? = error as? HTTPClientError { return true }
            return false
        }
    }

    @Test func missingClientKeyIsALocalProblem() throws {
        try server.startTLS()
        let missing = (ca: server.clientFiles.ca, cert: server.clientFiles.cert, key: server.path("nope.pem"))
        #expect {
            try client(files: missing).get(base + "/version")
        } throws: { error in
            if case .localCertificateProblem? = error as? HTTPClientError { return true }
            return false
        }
    }

    @Test func closedPortIsConnectionRefused() throws {
        let port = try HTTPSClientTests.closedPort()
        let url = "https://127.0.0.1:\(port)/_ping"
        #expect {
            try client().get(url)
        } throws: { error in
            (error as? HTTPClientError) == .connectionRefused(url: url)
                && "\(error)" == "\(url): connection refused"
        }
    }

    @Test func slowServerTimesOut() throws {
        try server.startTLS()
        let started = Date()
        #expect {
            try client(timeout: 1).get(base + "/slow")
        } throws: { error in
            (error as? HTTPClientError) == .timedOut(url: base + "/slow", seconds: 1)
                && "\(error)" == base + "/slow: timed out after 1s"
        }
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func parallelRequests() throws {
        try server.startTLS()
        let c = client()
        let url = base + "/version"
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            results.add((try? c.get(url).status) ?? -1)
        }
        #expect(results.values == Array(repeating: 200, count: 8))
    }

    @Test func plainHTTPOverUnixSocket() throws {
        try server.startUnix()
        let c = HTTPSClient(tls: nil, timeout: 5, connectTimeout: 2, unixSocketPath: server.socketPath)
        let r = try c.get("http://localhost/_ping")
        #expect(r.status == 200)
        #expect(try json(r)["path"] == "/_ping")
    }

    @Test func missingUnixSocketFailsClearly() throws {
        let c = HTTPSClient(tls: nil, timeout: 5, connectTimeout: 2, unixSocketPath: server.path("absent.sock"))
        #expect {
            try c.get("http://localhost/_ping")
        } throws: { error in
            guard case .connectionFailed? = error as? HTTPClientError else { return false }
            return "\(error)".hasPrefix("http://localhost/_ping: cannot connect: ")
        }
    }

    @Test func badURL() {
        #expect {
            try HTTPSClient(tls: nil, timeout: 1, connectTimeout: 1).get("ftp://127.0.0.1/x")
        } throws: { error in
            if case .invalidURL? = error as? HTTPClientError { return true }
            return false
        }
    }

    @Test func tlsFilesFromDirectory() {
        let f = TLSClientFiles(directory: "/store/machines/lab1/")
        #expect(f == TLSClientFiles(caPath: "/store/machines/lab1/ca.pem", certPath: "/store/machines/lab1/cert.pem",
                                    keyPath: "/store/machines/lab1/key.pem"))
    }

    /// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestTLSServer.Failure(description: "socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { throw TestTLSServer.Failure(description: "bind failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// Collects results from concurrent work.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func add(_ v: Int) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}
