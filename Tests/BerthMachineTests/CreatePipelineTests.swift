import BerthCerts
import BerthCore
@testable import BerthMachine
import Foundation
import GenericDriver
import Testing

@Suite("create pipeline with fake SSH")
struct CreatePipelineTests {
    let drivers = DriverRegistry([GenericDriverFactory(reach: { _, _ in })])

    func request(_ name: String, ip: String = "127.0.2.10") -> CreateRequest {
        CreateRequest(name: name, driverName: "generic", options: DriverOptions(["generic-ip-address": ip]),
                      engine: EngineOptions(labels: ["tier=test"]))
    }

    @Test func createsRecordCertsAndInstallsAgent() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let shell = FakeShell.debian()
        let svc = try box.service(shell: { shell }, drivers: drivers)
        var lines: [String] = []
        let r = try svc.create(request("host1"), say: { lines.append($0) })
        #expect(r.provision?.initSystem == "systemd")
        #expect(r.provision?.agentVersion == "v0.1.0-test")
        #expect(lines.first == "Running pre-create checks...")
        #expect(lines.last == "Docker is up and running!")
        let stored = try svc.store.load("host1")
        #expect(stored == r)
        let dir = svc.store.layout.machineDir("host1")
        for f in ["ca.pem", "cert.pem", "key.pem", "server.pem", "server-key.pem"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f))
        }
        let keyMode = try FileManager.default.attributesOfItem(atPath: dir + "/key.pem")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let summary = try CertificateSummary(pem: String(contentsOfFile: dir + "/server.pem", encoding: .utf8))
        #expect(summary.ipAddresses.contains("127.0.2.10"))
        #expect(summary.dnsNames.contains("host1") && summary.dnsNames.contains("localhost"))
        #expect(shell.files["/usr/local/bin/berthd"] != nil)
        #expect(shell.files["/etc/systemd/system/berthd.service"] != nil)
        #expect(shell.commands.contains { $0.contains("hostname 'host1'") })
        #expect(shell.commands.contains { $0.hasSuffix("berthd-ctl restart") })
    }

    @Test func failureMidwayLeavesNothingRegistered() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let shell = FakeShell.debian()
        shell.failOn = "hostname"
        let svc = try box.service(shell: { shell }, drivers: drivers)
        #expect(throws: (any Error).self) { try svc.create(request("broken"), say: { _ in }) }
        #expect(!FileManager.default.fileExists(atPath: svc.store.layout.machineDir("broken")))
        #expect(svc.store.names().isEmpty)
    }

    @Test func agentThatNeverAnswersFailsCreateAndCleansUp() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let svc = try box.service(shell: { FakeShell.debian() }, probe: FakeProbe(answer: .refused), drivers: drivers)
        svc.agentTimeout = 1
        let started = Date()
        do {
            _ = try svc.create(request("silent"), say: { _ in })
            Issue.record("create should fail")
        } catch {
            #expect("\(error)".contains("silent"))
        }
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(svc.store.names().isEmpty)
    }

    @Test func duplicateNameIsRefused() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let svc = try box.service(shell: { FakeShell.debian() }, drivers: drivers)
        _ = try svc.create(request("dup"), say: { _ in })
        #expect(throws: BerthError.exists("Host already exists: \"dup\"")) {
            try svc.create(request("dup"), say: { _ in })
        }
        #expect(svc.store.names() == ["dup"])
    }

    @Test func missingIPAddressIsAClearError() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let svc = try box.service(shell: { FakeShell.debian() }, drivers: drivers)
        let req = CreateRequest(name: "x", driverName: "generic", options: DriverOptions(), engine: EngineOptions())
        #expect(throws: BerthError.invalidArgument("generic driver requires the --generic-ip-address option")) {
            try svc.create(req, say: { _ in })
        }
    }

    @Test func parallelCreatesShareOneCA() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let svc = try box.service(shell: { FakeShell.debian() }, drivers: drivers)
        let names = (1...6).map { "p\($0)" }
        DispatchQueue.concurrentPerform(iterations: names.count) { i in
            _ = try? svc.create(request(names[i], ip: "127.0.2.\(20 + i)"), say: { _ in })
        }
        #expect(svc.store.names().count == names.count)
        let cas = Set(names.map { (try? String(contentsOfFile: svc.store.layout.machineDir($0) + "/ca.pem", encoding: .utf8)) ?? "" })
        #expect(cas.count == 1)
        let storeCA = try String(contentsOfFile: svc.store.layout.caCert, encoding: .utf8)
        #expect(cas.first == storeCA)
    }

    @Test func storeRecordsUseRelativePaths() throws {
        let box = try Sandbox()
        defer { box.remove() }
        let key = box.root + "/id_test"
        FileManager.default.createFile(atPath: key, contents: Data("k".utf8))
        let svc = try box.service(shell: { FakeShell.debian() }, drivers: drivers)
        var req = request("rel")
        req.options.values["generic-ssh-key"] = key
        let r = try svc.create(req, say: { _ in })
        #expect(r.ssh.keyPath == "machines/rel/id_ssh")
        let text = try String(contentsOfFile: svc.store.layout.configFile("rel"), encoding: .utf8)
        #expect(!text.contains(box.root))
    }
}
