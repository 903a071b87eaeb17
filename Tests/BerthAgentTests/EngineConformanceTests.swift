@testable import BerthAgent
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Shapes and answers that clients written against dockerd rely on, checked without root or sockets.
@Suite("Engine API conformance")
struct EngineConformanceTests {
    private func object(_ value: some Encodable) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any] ?? [:]
    }

    @Test func hostConfigOfAnEmptyRequestHasDockerdsZeroValues() throws {
        let json = try object(HostConfigInspect(HostConfig(), networkMode: "bridge"))
        let log = try #require(json["LogConfig"] as? [String: Any])
        #expect(log["Type"] as? String == "json-file")
        #expect((log["Config"] as? [String: Any])?.isEmpty == true)
        #expect(json["Runtime"] as? String == "runc")
        #expect(json["PidMode"] as? String == "")
        #expect(json["UTSMode"] as? String == "")
        #expect(json["IpcMode"] as? String == "private")
        #expect(json["CpuShares"] as? Int == 0)
        #expect(json["Memory"] as? Int == 0)
        #expect(json["ShmSize"] as? Int == 67_108_864)
        #expect(json["NetworkMode"] as? String == "bridge")
        #expect((json["RestartPolicy"] as? [String: Any])?["Name"] as? String == "no")
        #expect((json["PortBindings"] as? [String: Any])?.isEmpty == true)
        #expect(json["ConsoleSize"] as? [Int] == [0, 0])
        // Go's nil slices are written as null, not left out.
        for key in ["Binds", "CapAdd", "Tmpfs", "PidsLimit", "Ulimits", "Init", "VolumesFrom"] {
            #expect(json.keys.contains(key), "\(key)")
            #expect(json[key] is NSNull, "\(key)")
        }
    }

    @Test func hostConfigReportsWhatWasSet() throws {
        var config = HostConfig()
        config.Memory = 64 << 20
        config.CpuShares = 512
        config.PidsLimit = 50
        config.Init = true
        config.LogConfig = .init(Type: "json-file", Config: ["max-size": "1m"])
        config.RestartPolicy = .init(Name: "on-failure", MaximumRetryCount: 3)
        let json = try object(HostConfigInspect(config, networkMode: "host"))
        #expect(json["Memory"] as? Int == 64 << 20)
        #expect(json["CpuShares"] as? Int == 512)
        #expect(json["PidsLimit"] as? Int == 50)
        #expect(json["Init"] as? Bool == true)
        #expect((json["LogConfig"] as? [String: Any])?["Config"] as? [String: String] == ["max-size": "1m"])
        #expect((json["RestartPolicy"] as? [String: Any])?["MaximumRetryCount"] as? Int == 3)
        #expect(json["NetworkMode"] as? String == "host")
    }

    @Test func createRequestRecordsTheNewHostConfigFields() throws {
        let body = #"{"Image":"bb","HostConfig":{"CpuShares":256,"Init":true,"LogConfig":{"Type":"json-file","Config":{}}}}"#
        let request = try JSONDecoder().decode(ContainerCreateRequest.self, from: Data(body.utf8))
        #expect(request.hostConfig.CpuShares == 256)
        #expect(request.hostConfig.Init == true)
        #expect(request.hostConfig.LogConfig?.Type == "json-file")
    }

    @Test func configFillsDockerdsAlwaysPresentKeys() throws {
        var config = ContainerConfig()
        config.Cmd = ["echo", "hi"]
        let json = try object(config.inspectView(hostname: "0123456789ab"))
        #expect(json["Hostname"] as? String == "0123456789ab")
        #expect(json["Tty"] as? Bool == false)
        #expect(json["Env"] as? [String] == [])
        #expect((json["Labels"] as? [String: Any])?.isEmpty == true)
        #expect(json["WorkingDir"] as? String == "")
        #expect(json["Cmd"] as? [String] == ["echo", "hi"])
    }

    private func call(_ router: Router, _ method: HTTPMethod, _ target: String) async -> (Int, String) {
        let response = await router.respond(to: Request(method: method, target: target))
        guard case .buffer(let buffer) = response.body else { return (Int(response.status.code), "") }
        return (Int(response.status.code), String(buffer: buffer))
    }

    @Test(arguments: [(HTTPMethod.GET, "/swarm"), (.POST, "/swarm/init"), (.POST, "/swarm/join"),
                      (.GET, "/nodes"), (.GET, "/services"), (.POST, "/services/create"), (.GET, "/tasks"),
                      (.GET, "/secrets"), (.GET, "/configs"), (.GET, "/v1.41/services/abc"),
                      (.DELETE, "/nodes/abc")])
    func swarmEndpointsAreNotAManager(method: HTTPMethod, target: String) async throws {
        var router = Router()
        SwarmRoutes.register(on: &router)
        let (status, body) = await call(router, method, target)
        #expect(status == 503)
        let message = try JSONDecoder().decode([String: String].self, from: Data(body.utf8))["message"]
        #expect(message == #"This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again."#)
    }

    @Test func swarmLeaveOutsideASwarm() async {
        var router = Router()
        SwarmRoutes.register(on: &router)
        let (status, body) = await call(router, .POST, "/swarm/leave?force=1")
        #expect(status == 503)
        #expect(body == #"{"message":"This node is not part of a swarm"}"# + "\n")
    }
}

@Suite("Container update and prune")
struct ContainerUpdatePruneTests {
    @Test func updateChangesOnlyTheGivenKeys() throws {
        var config = HostConfig()
        config.Memory = 64 << 20
        config.PidsLimit = 10
        var update = ContainerUpdateRequest()
        update.CpuShares = 512
        update.PidsLimit = 20
        update.RestartPolicy = .init(Name: "on-failure", MaximumRetryCount: 2)
        let result = try update.applied(to: config)
        #expect(result.Memory == 64 << 20)
        #expect(result.PidsLimit == 20)
        #expect(result.CpuShares == 512)
        #expect(result.RestartPolicy == .init(Name: "on-failure", MaximumRetryCount: 2))
    }

    @Test func updateRefusesWhatDockerdRefuses() {
        var autoRemove = HostConfig()
        autoRemove.AutoRemove = true
        var policy = ContainerUpdateRequest()
        policy.RestartPolicy = .init(Name: "always", MaximumRetryCount: 0)
        #expect(throws: APIError.self) { try policy.applied(to: autoRemove) }
        var tiny = ContainerUpdateRequest()
        tiny.Memory = 1 << 20
        #expect(throws: APIError.self) { try tiny.applied(to: HostConfig()) }
    }

    @Test func pruneReportWritesNullWhenNothingWasRemoved() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // key order is not part of the contract
        let empty = String(decoding: try encoder.encode(ContainerPruneReport(ContainersDeleted: nil, SpaceReclaimed: 0)), as: UTF8.self)
        #expect(empty == #"{"ContainersDeleted":null,"SpaceReclaimed":0}"#)
    }

    @Test func pruneFilterUntilAndLabels() throws {
        let now = 1_000_000
        let filter = try PruneFilter(query: #"{"until":{"1h":true},"label":{"keep=no":true},"label!":{"pin":true}}"#, now: now)
        #expect(filter.until == now - 3600)
        #expect(filter.matches(created: now - 7200, labels: ["keep": "no"]))
        #expect(!filter.matches(created: now - 60, labels: ["keep": "no"]))
        #expect(!filter.matches(created: now - 7200, labels: ["keep": "yes"]))
        #expect(!filter.matches(created: now - 7200, labels: ["keep": "no", "pin": ""]))
        #expect(try PruneFilter(query: #"{"until":["1500000000"]}"#).until == 1_500_000_000)
        #expect(throws: APIError.self) { try PruneFilter(query: #"{"dangling":["true"]}"#) }
    }
}
