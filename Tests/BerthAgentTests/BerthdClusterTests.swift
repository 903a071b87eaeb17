import BerthAgent
import BerthCore
import Foundation
import Testing

/// The `berthd` binary built next to the test bundle, when there is one.
private let berthdBinary: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [directory, directory.deletingLastPathComponent()] {
        let path = candidate.appendingPathComponent("berthd").path
        if Tool.exists(path) { return path }
    }
    return nil
}()

/// The real `berthd` pointed at a loopback etcd (TLS, client certificate required): `/info` carries the cluster
/// fields, the node record appears, and the Engine API keeps answering while etcd is down.
@Suite("berthd with a cluster store", .serialized, .enabled(if: berthdBinary != nil && LocalEtcd.available))
struct BerthdClusterTests {
    @Test func registersAndKeepsServingWhileTheStoreIsDown() async throws {
        let etcd = try LocalEtcd(tls: true)
        let direct = try EtcdStore(settings: etcd.settings)
        try #require(await etcd.ready(direct))
        let directory = etcd.directory + "/agent"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let socket = directory + "/berthd.sock"
        let logPath = directory + "/berthd.log"
        let config = directory + "/berthd.json"
        try #"""
            {"tcp": false, "unixSocket": "\#(socket)", "dataRoot": "\#(directory)/data", "execRoot": "\#(directory)/run",
             "logLevel": "info", \#(etcd.configurationKeys), "cluster-advertise": "lo:2376"}
            """#.write(toFile: config, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: berthdBinary ?? "")
        process.arguments = ["--config", config]
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        func curl(_ arguments: [String]) async throws -> Tool.Result {
            try await Tool.run("/usr/bin/curl", ["-sS", "--max-time", "5", "--unix-socket", socket] + arguments)
        }
        #expect(await eventually(10) { FileManager.default.fileExists(atPath: socket) }, "\(log())")

        let info = try await curl(["http://localhost/info"])
        #expect(info.stdout.contains(#""ClusterStore":"\#(etcd.clusterStore)""#), "\(info.stdout.prefix(300))")
        #expect(info.stdout.contains(#""ClusterAdvertise":"127.0.0.1:2376""#))
        let engineID = try #require(try JSONValue.parse(info.stdout)["ID"]?.stringValue)

        // The node record appears, on a lease.
        let key = ClusterLayout().nodeKey(engineID: engineID)
        #expect(await eventually(10) { (try? await direct.get(key)) != nil }, "\(log())")
        let record = try #require(try await direct.get(key))
        #expect(record.lease != 0)
        let node = try #require(ClusterNodeRecord.parse(record.value))
        #expect(node.address == "127.0.0.1:2376")
        #expect(node.version == AgentBuild.version)

        // etcd down: every local endpoint answers as before, and quickly.
        etcd.stop()
        let volume = "berth-etcdagent-vol"
        let started = Date()
        for arguments in [["http://localhost/_ping"], ["http://localhost/info"], ["http://localhost/volumes"],
                          ["http://localhost/networks"], ["http://localhost/containers/json?all=1"],
                          ["-X", "POST", "-H", "Content-Type: application/json", "-d", #"{"Name":"\#(volume)"}"#,
                           "http://localhost/volumes/create"],
                          ["-X", "DELETE", "http://localhost/volumes/\(volume)"]] {
            let result = try await curl(["-o", "/dev/null", "-w", "%{http_code}"] + arguments)
            #expect(["200", "201", "204"].contains(result.stdout), "\(arguments): \(result.stdout) \(result.stderr)")
        }
        let took = Date().timeIntervalSince(started)
        #expect(took < 3, "local calls took \(took) s with the store down")
        #expect(await eventually(10) { log().contains("cluster store unavailable, retrying") })

        // etcd back: the agent reconnects on its own, without a restart; its node record is still there.
        try etcd.start()
        try #require(await etcd.ready(direct))
        #expect(await eventually(15) { log().contains("cluster store reachable again") }, "\(log())")
        #expect(try await direct.get(key) != nil)

        // SIGTERM: the agent revokes its lease, so the record goes at once.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try await direct.get(key) == nil)
    }
}
