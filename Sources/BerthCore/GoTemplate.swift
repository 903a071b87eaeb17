#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A template in the language of Go's `text/template`, parsed once and executed against `GoTemplate.Value` data.
///
/// Supported: literal text; `{{.}}`, `{{.A.B}}`, `$`, `$x.A`; `{{$x := …}}` / `{{$x = …}}`; pipelines
/// (`{{.X | printf "%q"}}`) and parenthesised pipelines; `if` / `else if` / `else`, `with` / `else with`,
/// `range` (arrays, objects in key order, integers; `$i, $e :=`; `{{else}}`; `break`, `continue`);
/// `define` / `template` / `block`; `{{-` and `-}}` trimming; `{{/* comments */}}`.
/// Functions: and, or, not, len, index, slice, eq, ne, lt, le, gt, ge, print, printf, println, html, urlquery,
/// plus json, prettyjson (docker-machine's), upper, lower, title, join, split, shellquote, and any given in `init`.
///
/// Output follows Go: a missing map key or a null prints `<no value>` (`<nil>` inside collections and in
/// print/printf), integers without `.0`, objects as `map[k:v]`, arrays as `[a b]`. Unlike Go, `eq`/`lt`… compare
/// integers with floats by value instead of failing, and `range` also counts up to an integer (Go 1.22) and
/// `{{else with}}` is accepted (Go 1.23).
public struct GoTemplate: Sendable {
    /// A function a template can call; arguments arrive evaluated (a missing value as `.null`).
    public typealias Function = @Sendable ([Value]) throws -> Value

    /// What a reference to a missing map key does, like Go's `Option("missingkey=…")`.
    public enum MissingKey: Sendable, Equatable {
        /// Evaluates to no value, printed `<no value>` (Go's default).
        case noValue
        /// Fails execution with `map has no entry for key "X"`. Use it for files the provisioner writes.
        case error
    }

    /// The name used in error messages and by which `{{template}}` can call the whole template.
    public let name: String
    let source: [UInt8]
    let root: [Node]
    let definitions: [String: [Node]]
    let functions: [String: Function]

    /// Parses `text`. Throws `GoTemplate.Error` (phase `.parse`) with the line and column of the problem.
    public init(_ text: String, name: String = "", functions: [String: Function] = [:]) throws {
        self.name = name
        self.source = Array(text.utf8)
        self.functions = functions
        var lexer = Lexer(source: source, name: name)
        let tokens = try lexer.tokenize()
        var names = Builtins.names.union(["and", "or"])
        names.formUnion(functions.keys)
        var parser = Parser(tokens: tokens, source: source, name: name, functionNames: names)
        let nodes = try parser.parseTemplate()
        self.root = nodes
        var definitions = parser.definitions
        if !name.isEmpty, definitions[name] == nil { definitions[name] = nodes }
        self.definitions = definitions
    }

    /// Names of the templates defined with `{{define}}` or `{{block}}`.
    public var definedTemplates: [String] { definitions.keys.sorted() }

    /// Executes the template with `data` as `.` and `$`. Throws `GoTemplate.Error` (phase `.execute`).
    public func execute(_ data: Value, missingKey: MissingKey = .noValue) throws -> String {
        let executor = Executor(template: self, missingKey: missingKey)
        try executor.run(root, data: data)
        return executor.output
    }

    /// Executes the template against any `Encodable`, seen as its JSON encoding (so field names are the JSON keys).
    public func execute<T: Encodable>(encoding data: T, encoder: JSONEncoder = JSONEncoder(),
                                      missingKey: MissingKey = .noValue) throws -> String {
        try execute(Value(encoding: data, encoder: encoder), missingKey: missingKey)
    }

    /// Executes the template defined as `templateName` (by `{{define}}`/`{{block}}`) with `data`.
    public func execute(template templateName: String, _ data: Value,
                        missingKey: MissingKey = .noValue) throws -> String {
        guard let body = definitions[templateName] else {
            throw GoTemplate.Error(phase: .execute, name: name, offset: 0, line: 1, column: 1, context: templateName,
                                   message: "template \(GoTemplate.quote(templateName)) not defined")
        }
        let executor = Executor(template: self, missingKey: missingKey)
        try executor.run(body, data: data)
        return executor.output
    }

    /// Parses and executes in one step.
    public static func render(_ text: String, name: String = "", data: Value,
                              missingKey: MissingKey = .noValue) throws -> String {
        try GoTemplate(text, name: name).execute(data, missingKey: missingKey)
    }
}
