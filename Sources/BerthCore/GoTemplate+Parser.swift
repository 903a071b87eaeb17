#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension GoTemplate {
    /// Builds the node tree from tokens, checking what Go checks at parse time: known functions,
    /// declared variables, matching {{end}}s, {{break}} inside {{range}}.
    struct Parser {
        let tokens: [Token]
        let source: [UInt8]
        let name: String
        let functionNames: Set<String>
        var index = 0
        var variables: [String] = ["$"]
        var loopDepth = 0
        var parenDepth = 0
        var definitions: [String: [Node]] = [:]

        static let keywords: Set<String> = [
            "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
        ]

        /// What ended a list of nodes.
        enum Stop {
            case eof
            case end
            /// `{{else` was read; the rest of that action is still to be read.
            case elseBranch(offset: Int)
        }

        init(tokens: [Token], source: [UInt8], name: String, functionNames: Set<String>) {
            self.tokens = tokens
            self.source = source
            self.name = name
            self.functionNames = functionNames
        }

        // MARK: tokens

        var peek: Token { tokens[min(index, tokens.count - 1)] }

        func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

        mutating func next() -> Token {
            let t = peek
            if index < tokens.count { index += 1 }
            return t
        }

        func error(_ message: String, at offset: Int) -> GoTemplate.Error {
            let loc = GoTemplate.location(of: offset, in: source)
            return GoTemplate.Error(phase: .parse, name: name, offset: offset, line: loc.line, column: loc.column,
                                    context: "", message: message)
        }

        func unexpected(_ token: Token, in context: String) -> GoTemplate.Error {
            if token.kind == .eof { return error("unclosed action", at: token.offset) }
            return error("unexpected \(token.display) in \(context)", at: token.offset)
        }

        mutating func expectRightDelim(_ context: String) throws {
            let t = next()
            guard t.kind == .rightDelim else { throw unexpected(t, in: context) }
        }

        func text(from start: Int, to end: Int) -> String {
            let a = max(0, min(start, source.count))
            let b = max(a, min(end, source.count))
            return String(decoding: source[a..<b], as: UTF8.self).trimmingWhitespaceAndNewlines()
        }

        // MARK: lists and actions

        mutating func parseTemplate() throws -> [Node] {
            let (nodes, stop) = try parseList()
            switch stop {
            case .eof: return nodes
            case .end: throw error("unexpected {{end}}", at: tokens[max(0, index - 2)].offset)
            case .elseBranch(let offset): throw error("unexpected {{else}}", at: offset)
            }
        }

        mutating func parseList() throws -> ([Node], Stop) {
            var nodes: [Node] = []
            while true {
                let t = next()
                switch t.kind {
                case .eof:
                    return (nodes, .eof)
                case .text(let s):
                    nodes.append(.text(s))
                case .leftDelim:
                    if let stop = try parseAction(into: &nodes, delimOffset: t.offset) { return (nodes, stop) }
                default:
                    throw unexpected(t, in: "input")
                }
            }
        }

        /// Parses one action after `{{`. Returns a stop for `{{end}}` and `{{else`.
        mutating func parseAction(into nodes: inout [Node], delimOffset: Int) throws -> Stop? {
            let t = peek
            if case .identifier(let word) = t.kind, Parser.keywords.contains(word) {
                _ = next()
                switch word {
                case "end":
                    try expectRightDelim("end")
                    return .end
                case "else":
                    return .elseBranch(offset: t.offset)
                case "if", "with", "range":
                    nodes.append(try parseControl(word, offset: t.offset))
                case "define":
                    try parseDefine(offset: t.offset)
                case "template", "block":
                    nodes.append(try parseTemplateCall(isBlock: word == "block", offset: t.offset))
                case "break", "continue":
                    guard loopDepth > 0 else { throw error("{{\(word)}} outside {{range}}", at: t.offset) }
                    try expectRightDelim(word)
                    nodes.append(word == "break" ? .breakLoop : .continueLoop)
                default:
                    throw unexpected(t, in: "command")
                }
                return nil
            }
            let pipe = try parsePipeline(context: "command", start: t.offset, allowDeclaration: true)
            nodes.append(.action(pipe))
            return nil
        }

        mutating func parseControl(_ keyword: String, offset: Int) throws -> Node {
            let mark = variables.count
            defer { variables.removeLast(variables.count - mark) }
            let pipe = try parsePipeline(context: keyword, start: offset, allowDeclaration: true,
                                         allowTwoVariables: keyword == "range")
            if keyword == "range" { loopDepth += 1 }
            let (body, stop) = try parseList()
            if keyword == "range" { loopDepth -= 1 }
            var otherwise: [Node]?
            switch stop {
            case .eof:
                throw error("unexpected EOF", at: source.count)
            case .end:
                break
            case .elseBranch:
                if keyword != "range", case .identifier(let chained) = peek.kind, chained == "if" || chained == "with" {
                    // `{{else if …}}` is `{{else}}{{if …}}…{{end}}` sharing this {{end}}.
                    let inner = next()
                    otherwise = [try parseControl(chained, offset: inner.offset)]
                } else {
                    try expectRightDelim("else")
                    let (elseBody, elseStop) = try parseList()
                    switch elseStop {
                    case .end: otherwise = elseBody
                    case .eof: throw error("unexpected EOF", at: source.count)
                    case .elseBranch(let o):
                        throw error("expected end; found {{else}}", at: o)
                    }
                }
            }
            switch keyword {
            case "if": return .ifNode(pipe, then: body, otherwise: otherwise)
            case "with": return .withNode(pipe, then: body, otherwise: otherwise)
            default: return .rangeNode(pipe, body: body, otherwise: otherwise)
            }
        }

        mutating func parseDefine(offset: Int) throws {
            guard parenDepth == 0, loopDepth == 0, variables.count == 1 else {
                throw error("{{define}} must be at the top level", at: offset)
            }
            let t = next()
            guard case .string(let defined) = t.kind else { throw unexpected(t, in: "define clause") }
            try expectRightDelim("define clause")
            let (body, stop) = try parseList()
            guard case .end = stop else {
                if case .elseBranch(let o) = stop { throw error("unexpected {{else}} in define clause", at: o) }
                throw error("unexpected EOF", at: source.count)
            }
            definitions[defined] = body
        }

        mutating func parseTemplateCall(isBlock: Bool, offset: Int) throws -> Node {
            let context = isBlock ? "block clause" : "template clause"
            let t = next()
            guard case .string(let called) = t.kind else { throw unexpected(t, in: context) }
            var argument: Pipeline?
            if peek.kind == .rightDelim {
                _ = next()
            } else {
                argument = try parsePipeline(context: context, start: offset, allowDeclaration: false)
            }
            if isBlock {
                let saved = (variables, loopDepth)
                variables = ["$"]
                loopDepth = 0
                let (body, stop) = try parseList()
                (variables, loopDepth) = saved
                guard case .end = stop else { throw error("unexpected EOF in block clause", at: source.count) }
                definitions[called] = body
            }
            return .templateCall(name: called, argument: argument, offset: offset,
                                 source: text(from: offset, to: tokens[max(0, index - 1)].offset))
        }

        // MARK: pipelines

        mutating func parsePipeline(context: String, start: Int, allowDeclaration: Bool,
                                    allowTwoVariables: Bool = false, closing: Token.Kind = .rightDelim) throws -> Pipeline {
            var pipe = Pipeline(offset: start, source: "")
            if allowDeclaration, case .variable(let first) = peek.kind {
                let after = peek(1).kind
                if after == .declare || after == .assign {
                    _ = next(); _ = next()
                    pipe.variables = [first]
                    pipe.isAssignment = after == .assign
                } else if after == .comma, case .variable(let second) = peek(2).kind {
                    guard allowTwoVariables else { throw error("too many declarations in \(context)", at: peek.offset) }
                    let op = peek(3).kind
                    guard op == .declare || op == .assign else { throw unexpected(peek(3), in: context) }
                    index += 4
                    pipe.variables = [first, second]
                    pipe.isAssignment = op == .assign
                }
                if pipe.isAssignment {
                    for v in pipe.variables where !variables.contains(v) {
                        throw error("undefined variable \"\(v)\"", at: start)
                    }
                }
            }
            while true {
                let command = try parseCommand(context: context, closing: closing)
                pipe.commands.append(command)
                let t = next()
                if t.kind == .pipe { continue }
                if t.kind == closing {
                    pipe.source = text(from: start, to: t.offset)
                    break
                }
                throw unexpected(t, in: context)
            }
            if !pipe.isAssignment { variables.append(contentsOf: pipe.variables) }
            for (n, command) in pipe.commands.enumerated() where n > 0 {
                switch command.operands.first {
                case .literal?, .null?, .field([])?:
                    throw error("non executable command in pipeline stage \(n + 1)", at: command.offset)
                default:
                    break
                }
            }
            return pipe
        }

        mutating func parseCommand(context: String, closing: Token.Kind) throws -> Command {
            var command = Command(operands: [], offset: peek.offset)
            while true {
                let t = peek
                if t.kind == .pipe || t.kind == closing { break }
                if t.kind == .rightDelim || t.kind == .rightParen || t.kind == .eof {
                    if t.kind == .rightParen { throw unexpected(t, in: "command") }
                    if closing == .rightParen { throw error("unclosed left paren", at: t.offset) }
                    throw unexpected(t, in: context)
                }
                if !command.operands.isEmpty && !t.spaceBefore {
                    throw unexpected(t, in: "operand")
                }
                command.operands.append(try parseOperand())
            }
            if command.operands.isEmpty {
                throw error(context == "command" ? "missing value for command" : "missing value for \(context)",
                            at: peek.offset)
            }
            return command
        }

        /// Field names directly attached to the previous term: `.A.B`, `$x.A`, `(…).A`.
        mutating func parseChain() -> [String] {
            var chain: [String] = []
            while case .field(let f) = peek.kind, !peek.spaceBefore {
                chain.append(f)
                _ = next()
            }
            return chain
        }

        mutating func parseOperand() throws -> Operand {
            let t = next()
            let operand: Operand
            switch t.kind {
            case .field(let f):
                return .field([f] + parseChain())
            case .dot:
                operand = .field([])
            case .variable(let v):
                guard variables.contains(v) else { throw error("undefined variable \"\(v)\"", at: t.offset) }
                return .variable(v, parseChain())
            case .identifier(let fn):
                if Parser.keywords.contains(fn) { throw unexpected(t, in: "operand") }
                guard functionNames.contains(fn) else { throw error("function \"\(fn)\" not defined", at: t.offset) }
                operand = .function(fn)
            case .string(let s): operand = .literal(.string(s))
            case .int(let i): operand = .literal(.int(i))
            case .double(let d): operand = .literal(.double(d))
            case .bool(let b): operand = .literal(.bool(b))
            case .null: operand = .null
            case .leftParen:
                parenDepth += 1
                let inner = try parsePipeline(context: "parenthesized pipeline", start: t.offset,
                                              allowDeclaration: false, closing: .rightParen)
                parenDepth -= 1
                return .pipeline(inner, parseChain())
            default:
                throw unexpected(t, in: "operand")
            }
            // Fields chain only onto fields, variables and parenthesised pipelines.
            if case .field = peek.kind, !peek.spaceBefore {
                throw error("unexpected . after term \(GoTemplate.quote(t.display))", at: peek.offset)
            }
            return operand
        }
    }
}
