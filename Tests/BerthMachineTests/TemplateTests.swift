import BerthCore
@testable import BerthMachine
import Foundation
import Testing

/// The provisioner's files, rendered from templates/ and checked against golden files.
@Suite struct TemplateTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    func values(_ initSystem: String) -> AgentTemplateValues {
        AgentTemplateValues(layout: AgentLayout(), name: "lab1", port: 2376, labels: ["tier=web", "zone=a"],
                            env: ["HTTP_PROXY=http://proxy:3128"], initSystem: initSystem)
    }

    @Test(arguments: [
        ("berthd-ctl.sh.tmpl", "none", "berthd-ctl.none.sh"),
        ("berthd-ctl.sh.tmpl", "systemd", "berthd-ctl.systemd.sh"),
        ("berthd-launcher.sh.tmpl", "none", "berthd-launcher.sh"),
        ("berthd.service.tmpl", "systemd", "berthd.service"),
        ("berthd.json.tmpl", "none", "berthd.json"),
    ])
    func rendersLikeGolden(template: String, initSystem: String, golden: String) throws {
        let out = try Sandbox.templates.render(template, values(initSystem))
        let path = TemplateTests.golden + "/" + golden
        if ProcessInfo.processInfo.environment["BERTH_UPDATE_GOLDEN"] == "1" {
            try out.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let want = try String(contentsOfFile: path, encoding: .utf8)
        #expect(out == want)
    }

    @Test func agentConfigIsValidJSON() throws {
        let out = try Sandbox.templates.render("berthd.json.tmpl", values("none"))
        let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(obj?["port"] as? Int == 2376)
        #expect(obj?["labels"] as? [String] == ["tier=web", "zone=a"])
    }

    @Test func shellScriptsParse() throws {
        for (t, i) in [("berthd-ctl.sh.tmpl", "none"), ("berthd-ctl.sh.tmpl", "systemd"), ("berthd-launcher.sh.tmpl", "none")] {
            let out = try Sandbox.templates.render(t, values(i))
            let tmp = NSTemporaryDirectory() + "berth-tmpl-\(UUID().uuidString).sh"
            try out.write(toFile: tmp, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-n", tmp]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(t) (\(i)) does not parse")
        }
    }
}
