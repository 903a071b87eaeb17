import Foundation

/// A throwaway HTTPS server for tests: certificates made with the `openssl` CLI in a temp dir, and a
/// Python 3 `ssl` + `http.server` child on 127.0.0.1 that requires a client certificate from the test CA.
/// `stop()` ends it by its pid and removes the directory; the child also exits by itself if the test
/// process dies.
final class TestTLSServer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let directory: URL
    private(set) var port = 0
    private(set) var socketPath: String?
    private var process: Process?

    /// Client files signed by the server's CA.
    var clientFiles: (ca: String, cert: String, key: String) {
        (path("ca.pem"), path("client.pem"), path("client-key.pem"))
    }

    /// A second CA and a client certificate it signed, which the server does not trust.
    var foreignFiles: (ca: String, cert: String, key: String) {
        (path("other-ca.pem"), path("other-client.pem"), path("other-client-key.pem"))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-http-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try makeCertificates()
        try Data(TestTLSServer.script.utf8).write(to: directory.appendingPathComponent("server.py"))
    }

    deinit { stop() }

    /// Starts the HTTPS server on 127.0.0.1 (an ephemeral port).
    func startTLS() throws {
        let line = try launch(["tls", path("server.pem"), path("server-key.pem"), path("ca.pem")])
        guard let p = Int(line) else { throw Failure(description: "server printed \(line)") }
        port = p
    }

    /// Starts a plain HTTP server on a unix socket in the temp dir.
    func startUnix() throws {
        let socket = path("api.sock")
        _ = try launch(["unix", socket])
        socketPath = socket
    }

    func stop() {
        if let process, process.isRunning {
            let pid = process.processIdentifier
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    private func launch(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path("server.py")] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        process = p
        var line = Data()
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
            if line.contains(UInt8(ascii: "\n")) { break }
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            let why = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(description: "test server did not start: \(why)")
        }
        return text
    }

    private func openssl(_ args: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "openssl " + args]
        p.currentDirectoryURL = directory
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "openssl \(args): \(String(decoding: message, as: UTF8.self))")
        }
    }

    private func makeCertificates() throws {
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        try Data("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: directory.appendingPathComponent("server.ext"))
        try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: directory.appendingPathComponent("client.ext"))
        for ca in ["ca", "other-ca"] {
            try openssl("req -x509 \(ec) -keyout \(ca)-key.pem -out \(ca).pem -days 2 -subj /CN=\(ca)")
        }
        let leaves = [("server", "ca", "server.ext"), ("client", "ca", "client.ext"),
                      ("other-client", "other-ca", "client.ext")]
        for (name, ca, ext) in leaves {
            try openssl("req \(ec) -keyout \(name)-key.pem -out \(name).csr -subj /CN=\(name)")
            try openssl("x509 -req -in \(name).csr -CA \(ca).pem -CAkey \(ca)-key.pem -CAcreateserial "
                        + "-out \(name).pem -days 2 -extfile \(ext)")
        }
    }

    /// The server: echoes each request as JSON. `/slow` waits 5 s first; `/status/N` answers N.
    static let script = #"""
        import http.server, json, os, signal, socketserver, ssl, sys, threading, time

        # A child spawned from a test thread inherits its blocked signals; take SIGTERM back.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        parent = os.getppid()

        def watch_parent():
            while True:
                if os.getppid() != parent:
                    os._exit(0)
                time.sleep(0.5)

        threading.Thread(target=watch_parent, daemon=True).start()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                # The TLS handshake runs here, in the connection's thread, not in accept().
                if hasattr(self.request, "do_handshake"):
                    self.request.do_handshake()
                super().setup()

            def reply(self, method):
                if self.path.startswith("/slow"):
                    time.sleep(5)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                client = None
                if hasattr(self.connection, "getpeercert"):
                    cert = self.connection.getpeercert()
                    if cert:
                        client = dict(x[0] for x in cert["subject"]).get("commonName")
                status = 200
                if self.path.startswith("/status/"):
                    status = int(self.path.split("/")[2])
                payload = json.dumps({"method": method, "path": self.path, "body": body, "client": client,
                                      "contentType": self.headers.get("Content-Type"),
                                      "custom": self.headers.get("X-Custom")}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("X-Multi", "a")
                self.send_header("X-Multi", "b")
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(payload)

            def do_GET(self): self.reply("GET")
            def do_HEAD(self): self.reply("HEAD")
            def do_POST(self): self.reply("POST")
            def do_PUT(self): self.reply("PUT")
            def do_DELETE(self): self.reply("DELETE")

        class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True

        if sys.argv[1] == "tls":
            cert, key, ca = sys.argv[2:5]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            ctx.load_verify_locations(ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            server.daemon_threads = True
            server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            server.handle_error = lambda request, address: None
            print(server.server_address[1], flush=True)
        else:
            server = UnixServer(sys.argv[2], Handler)
            print("ready", flush=True)
        server.serve_forever()
        """#
}
