@testable import BerthAgent
import Testing

@Suite("Engine events")
struct EventLogTests {
    @Test func eventsCarryDockerdsFields() throws {
        let log = EngineEventLog()
        log.publish(type: "container", action: "die", id: "abc", attributes: ["name": "web", "image": "busybox", "exitCode": "0"])
        let e = try #require(log.recent.first)
        #expect(e.status == "die" && e.id == "abc" && e.from == "busybox" && e.scope == "local")
        #expect(e.time == e.timeNano / 1_000_000_000 && e.time > 1_700_000_000)
        log.publish(type: "network", action: "create", id: "n1", attributes: ["name": "front", "type": "bridge"])
        #expect(log.recent.last?.status == nil && log.recent.last?.from == nil)
    }

    @Test func subscribersSeeWhatComesAfterTheirPast() async {
        let log = EngineEventLog()
        log.publish(type: "container", action: "create", id: "a")
        let (past, live, token) = log.subscribe()
        #expect(past.map(\.Action) == ["create"])
        log.publish(type: "container", action: "start", id: "a")
        log.unsubscribe(token)
        var seen: [String] = []
        for await e in live { seen.append(e.Action) }
        #expect(seen == ["start"])
    }

    @Test func keepsTheLastOnes() {
        let log = EngineEventLog()
        for i in 0..<(EngineEventLog.kept + 10) { log.publish(type: "volume", action: "create", id: "v\(i)") }
        #expect(log.recent.count == EngineEventLog.kept && log.recent.first?.Actor.ID == "v10")
    }

    @Test func filtersAsDockerd() throws {
        let e = EngineEvent(type: "container", action: "exec_start: sh", id: "0123456789ab",
                            attributes: ["name": "web", "image": "busybox", "tier": "front"], timeNano: 0)
        #expect(try EventFilter.parse(#"{"type":["container"],"event":["exec_start"]}"#).matches(e))
        #expect(try EventFilter.parse(#"{"container":{"web":true}}"#).matches(e))
        #expect(try EventFilter.parse(#"{"container":["0123"]}"#).matches(e))
        #expect(try EventFilter.parse(#"{"label":["tier=front"],"image":["busybox"]}"#).matches(e))
        #expect(try !EventFilter.parse(#"{"label":["tier=back"]}"#).matches(e))
        #expect(try !EventFilter.parse(#"{"type":["network","volume"]}"#).matches(e))
        #expect(throws: APIError.self) { try EventFilter.parse(#"{"colour":["red"]}"#) }
        #expect(throws: APIError.self) { try EventFilter.parse("not json") }
    }
}
