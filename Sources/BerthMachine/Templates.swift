import BerthCore
import Foundation

/// The files in `templates/`, rendered with the Go-style template engine. No host config text lives in Swift.
public struct Templates: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `$BERTH_TEMPLATES`, else `share/berth/templates` beside the executable's prefix, else the nearest
    /// `templates/` above the executable (a build tree inside the repository).
    public static func locate(executable: String = CommandLine.arguments[0],
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Templates {
        if let d = environment["BERTH_TEMPLATES"], !d.isEmpty { return Templates(directory: d) }
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        let share = dir.deletingLastPathComponent().appendingPathComponent("share/berth/templates")
        if FileManager.default.fileExists(atPath: share.path + "/berthd-ctl.sh.tmpl") {
            return Templates(directory: share.path)
        }
        for _ in 0..<6 {
            let t = dir.appendingPathComponent("templates")
            if FileManager.default.fileExists(atPath: t.path + "/berthd-ctl.sh.tmpl") { return Templates(directory: t.path) }
            dir = dir.deletingLastPathComponent()
        }
        throw BerthError.notFound("cannot find berth's templates/ directory; set BERTH_TEMPLATES")
    }

    /// Renders `templates/<name>` against `values`.
    public func render<T: Encodable>(_ name: String, _ values: T) throws -> String {
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BerthError.notFound("template \(path) not found")
        }
        do {
            let t = try GoTemplate(String(decoding: data, as: UTF8.self), name: name)
            return try t.execute(encoding: values, missingKey: .error)
        } catch {
            throw BerthError.failed("template \(name): \(error)")
        }
    }
}
