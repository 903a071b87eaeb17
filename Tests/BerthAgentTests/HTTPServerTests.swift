import BerthAgent
import Foundation
import Testing

private let curlExists = Tool.exists("/usr/bin/curl")
private let python = Tool.find("python3")

/// The HTTP layer's seams: bodies, limits, streaming, hijacking, pipelining, the unix socket.
@Suite("HTTP server", .enabled(if: curlExists), .serialized)
struct HTTPServerTests {
    @Test func requestBodiesArriveWhole() async throws {
        let agent = try await TestAgent(routes: TestRoutes.add)
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }
        let input = agent.directory + "/upload.bin"
        let output = agent.directory + "/download.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        let result = try await agent.curl(["--data-binary", "@" + input, "-o", output, agent.baseURL + "/test/echo"])
        let echoed = try Data(contentsOf: URL(fileURLWithPath: output))
        await agent.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(echoed == Data(bytes))
    }

    @Test func oversizedBodiesGet413() async throws {
        let agent = try await TestAgent(routes: TestRoutes.add, maxBodySize: 1024)
        let input = try agent.write(String(repeating: "x", count: 4096), "big.txt")
        let result = try await agent.curl(["-i", "--data-binary", "@" + input, agent.baseURL + "/test/echo"])
        let small = try await agent.curl(["--data-binary", "tiny", agent.baseURL + "/test/echo"])
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: result.stdout))
        #expect(reply.status == 413)
        #expect(reply.headers["api-version"] == "1.50")
        #expect(small.stdout == "tiny")
    }

    @Test func streamedBodiesAreChunked() async throws {
        let agent = try await TestAgent(routes: TestRoutes.add)
        let result = try await agent.curl(["-i", agent.baseURL + "/v1.47/test/stream"])
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: result.stdout))
        #expect(reply.status == 200)
        #expect(reply.headers["transfer-encoding"] == "chunked")
        #expect(reply.body == "one\ntwo\nthree\n")
    }

    @Test func unixSocketServesTheSameRoutes() async throws {
        let agent = try await TestAgent()
        let ping = try await agent.curlUnix(["-i", "http://localhost/_ping"])
        let version = try await agent.curlUnix(["http://localhost/v1.47/version"])
        var socketInfo = stat()
        var directoryInfo = stat()
        stat(agent.socketPath, &socketInfo)
        stat((agent.socketPath as NSString).deletingLastPathComponent, &directoryInfo)
        await agent.stop()
        let reply = try #require(HTTPReply(curlOutput: ping.stdout))
        #expect(reply.status == 200)
        #expect(reply.body == "OK")
        #expect(reply.headers["server"] == "Berth/\(AgentBuild.version) (linux)")
        #expect(version.stdout.contains("\"Berth Engine\""))
        #expect(socketInfo.st_mode & 0o777 == 0o600)
        #expect(directoryInfo.st_mode & 0o777 == 0o700)
        #expect(!FileManager.default.fileExists(atPath: agent.socketPath), "socket removed at shutdown")
    }

    @Test(.enabled(if: python != nil))
    func hijackedConnectionsCarryRawBytesBothWays() async throws {
        let agent = try await TestAgent(routes: TestRoutes.add)
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(sys.argv[1])
            s.sendall(b"POST /v1.47/test/hijack HTTP/1.1\\r\\nHost: docker\\r\\nConnection: Upgrade\\r\\n"
                      b"Upgrade: tcp\\r\\nContent-Length: 0\\r\\n\\r\\nhello ")
            data = b""
            try:
                # Like the docker CLI: read the 101 head, then send the rest of stdin and half-close.
                while b"\\r\\n\\r\\n" not in data:
                    data += s.recv(65536)
                s.sendall(b"world")
                s.shutdown(socket.SHUT_WR)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            finally:
                sys.stdout.write(data.decode())
            """
        let result = try await Tool.run(python ?? "", ["-c", script, agent.socketPath])
        await agent.stop()
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.hasPrefix("HTTP/1.1 101 UPGRADED\r\n"))
        #expect(result.stdout.contains("Upgrade: tcp\r\n"))
        #expect(result.stdout.contains("Content-Type: application/vnd.docker.raw-stream\r\n"))
        #expect(result.stdout.contains("Api-Version: 1.50\r\n"))
        #expect(result.stdout.hasSuffix("\r\n\r\necho: hello world"))
    }

    @Test(.enabled(if: python != nil))
    func hijackAfterAnEarlyHalfCloseEndsInsteadOfHanging() async throws {
        let agent = try await TestAgent(routes: TestRoutes.add)
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(sys.argv[1])
            s.sendall(b"POST /test/hijack HTTP/1.1\\r\\nHost: d\\r\\nConnection: Upgrade\\r\\nUpgrade: tcp\\r\\n\\r\\n")
            s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            sys.stdout.write(data.decode())
            """
        let result = try await Tool.run(python ?? "", ["-c", script, agent.socketPath])
        await agent.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("HTTP/1.1 101 UPGRADED\r\n"))
        #expect(result.stdout.hasSuffix("\r\n\r\necho: "))
    }

    @Test(.enabled(if: python != nil))
    func pipelinedRequestsAreAnsweredInOrder() async throws {
        let agent = try await TestAgent()
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(sys.argv[1])
            s.sendall(b"GET /_ping HTTP/1.1\\r\\nHost: d\\r\\n\\r\\nGET /nope HTTP/1.1\\r\\nHost: d\\r\\n\\r\\n"
                      b"HEAD /_ping HTTP/1.1\\r\\nHost: d\\r\\nConnection: close\\r\\n\\r\\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            sys.stdout.write(data.decode())
            """
        let result = try await Tool.run(python ?? "", ["-c", script, agent.socketPath])
        await agent.stop()
        let statuses = result.stdout.components(separatedBy: "HTTP/1.1 ").dropFirst()
            .map { "HTTP/1.1 " + ($0.components(separatedBy: "\r\n").first ?? "") }
        #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"],
                "\(result.stdout)\n\(result.stderr)")
        let last = result.stdout.components(separatedBy: "HTTP/1.1 ").last ?? ""
        #expect(last.contains("Content-Length: 0\r\n") && last.hasSuffix("\r\n\r\n"), "HEAD sends no body")
    }

    @Test(.enabled(if: python != nil))
    func malformedRequestsGet400AndClose() async throws {
        let agent = try await TestAgent()
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(sys.argv[1])
            s.sendall(b"NOT HTTP AT ALL\\r\\n\\r\\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            sys.stdout.write(data.decode())
            """
        let result = try await Tool.run(python ?? "", ["-c", script, agent.socketPath])
        await agent.stop()
        #expect(result.stdout.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(result.stdout.contains("Api-Version: 1.50\r\n"))
    }
}
