extension GoTemplate {
    /// How control leaves a list of nodes.
    enum Flow {
        case normal
        case breakLoop
        case continueLoop
    }

    /// Runs a parsed template against data, writing into `output`.
    ///
    /// Values are `Value?`: nil is Go's "no value" (a missing map key); `.null` is a JSON null.
    /// An action prints both as `<no value>`, as Go does for map[string]interface{} data.
    final class Executor {
        let template: GoTemplate
        let missingKey: MissingKey
        var output = ""
        var variables: [(name: String, value: Value?)] = []
        var depth = 0
        /// Nested {{template}} calls allowed; a runaway recursion fails instead of exhausting the stack.
        static let maxDepth = 1_000

        init(template: GoTemplate, missingKey: MissingKey) {
            self.template = template
            self.missingKey = missingKey
        }

        func error(_ message: String, offset: Int, context: String) -> GoTemplate.Error {
            let loc = GoTemplate.location(of: offset, in: template.source)
            return GoTemplate.Error(phase: .execute, name: template.name, offset: offset, line: loc.line,
                                    column: loc.column, context: context, message: message)
        }

        func error(_ message: String, in pipe: Pipeline) -> GoTemplate.Error {
            error(message, offset: pipe.offset, context: pipe.source)
        }

        // MARK: nodes

        func run(_ nodes: [Node], data: Value?) throws {
            variables = [("$", data)]
            _ = try walk(nodes, dot: data)
        }

        func walk(_ nodes: [Node], dot: Value?) throws -> Flow {
            for node in nodes {
                let flow = try walk(node, dot: dot)
                if case .normal = flow { continue }
                return flow
            }
            return .normal
        }

        func walk(_ node: Node, dot: Value?) throws -> Flow {
            switch node {
            case .text(let s):
                output += s
            case .action(let pipe):
                let value = try evalPipeline(pipe, dot: dot)
                if pipe.variables.isEmpty {
                    output += Executor.printed(value)
                }
            case .ifNode(let pipe, let then, let otherwise):
                let mark = variables.count
                defer { variables.removeLast(variables.count - mark) }
                let value = try evalPipeline(pipe, dot: dot)
                if value?.isTruthy ?? false {
                    return try walk(then, dot: dot)
                } else if let otherwise {
                    return try walk(otherwise, dot: dot)
                }
            case .withNode(let pipe, let then, let otherwise):
                let mark = variables.count
                defer { variables.removeLast(variables.count - mark) }
                let value = try evalPipeline(pipe, dot: dot)
                if value?.isTruthy ?? false {
                    return try walk(then, dot: value)
                } else if let otherwise {
                    return try walk(otherwise, dot: dot)
                }
            case .rangeNode(let pipe, let body, let otherwise):
                return try walkRange(pipe, body: body, otherwise: otherwise, dot: dot)
            case .templateCall(let name, let argument, let offset, let source):
                guard let body = template.definitions[name] else {
                    throw error("template \(GoTemplate.quote(name)) not defined", offset: offset, context: source)
                }
                let value = try argument.map { try evalPipeline($0, dot: dot) } ?? nil
                guard depth < Executor.maxDepth else {
                    throw error("exceeded maximum template depth (\(Executor.maxDepth))", offset: offset,
                                context: source)
                }
                let saved = variables
                depth += 1
                defer {
                    depth -= 1
                    variables = saved
                }
                variables = [("$", value)]
                _ = try walk(body, dot: value)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
            return .normal
        }

        func walkRange(_ pipe: Pipeline, body: [Node], otherwise: [Node]?, dot: Value?) throws -> Flow {
            let mark = variables.count
            defer { variables.removeLast(variables.count - mark) }
            var bare = pipe
            bare.variables = []
            let value = try evalPipeline(bare, dot: dot)
            // Items are produced on demand, so `range 1000000` needs no array of that size.
            let count: Int
            let item: (Int) -> (key: Value, element: Value)
            switch value {
            case nil, .null?:
                count = 0
                item = { _ in (.null, .null) }
            case .array(let a)?:
                count = a.count
                item = { (Value.int($0), a[$0]) }
            case .object(let o)?:
                let keys = o.keys.sorted()
                count = keys.count
                item = { (Value.string(keys[$0]), o[keys[$0]] ?? .null) }
            case .int(let n)?:
                count = max(0, n)
                item = { (Value.int($0), Value.int($0)) }
            case let other?:
                throw error("range can't iterate over \(other.goDescription)", in: pipe)
            }
            if count == 0 {
                if let otherwise { return try walk(otherwise, dot: dot) }
                return .normal
            }
            for i in 0..<count {
                let (key, element) = item(i)
                let iterationMark = variables.count
                if pipe.variables.count == 1 {
                    try bind(pipe.variables[0], element, assign: pipe.isAssignment, pipe: pipe)
                } else if pipe.variables.count == 2 {
                    try bind(pipe.variables[0], key, assign: pipe.isAssignment, pipe: pipe)
                    try bind(pipe.variables[1], element, assign: pipe.isAssignment, pipe: pipe)
                }
                let flow = try walk(body, dot: element)
                variables.removeLast(variables.count - iterationMark)
                if case .breakLoop = flow { break }
            }
            return .normal
        }

        /// Go's printing of an action's final value: no value and a bare nil both print `<no value>`
        /// (nils inside collections print `<nil>`).
        static func printed(_ value: Value?) -> String {
            guard let value, value != .null else { return "<no value>" }
            return value.goDescription
        }

        /// How fmt prints a value handed to a function (print, printf…): no value is nil there, `<nil>`.
        static func formatted(_ value: Value?) -> String {
            (value ?? .null).goDescription
        }

        // MARK: variables

        func bind(_ name: String, _ value: Value?, assign: Bool, pipe: Pipeline) throws {
            if assign {
                guard let i = variables.lastIndex(where: { $0.name == name }) else {
                    throw error("undefined variable: \(name)", in: pipe)
                }
                variables[i].value = value
            } else {
                variables.append((name, value))
            }
        }

        func lookup(_ name: String, pipe: Pipeline) throws -> Value? {
            guard let v = variables.last(where: { $0.name == name }) else {
                throw error("undefined variable: \(name)", in: pipe)
            }
            return v.value
        }

        // MARK: pipelines

        func evalPipeline(_ pipe: Pipeline, dot: Value?) throws -> Value? {
            var value: Value?
            var hasFinal = false
            for command in pipe.commands {
                value = try evalCommand(command, dot: dot, final: value, hasFinal: hasFinal, pipe: pipe)
                hasFinal = true
            }
            for name in pipe.variables {
                try bind(name, value, assign: pipe.isAssignment, pipe: pipe)
            }
            return value
        }

        func evalCommand(_ command: Command, dot: Value?, final: Value?, hasFinal: Bool, pipe: Pipeline) throws -> Value? {
            guard let first = command.operands.first else { return final }
            if case .function(let fn) = first {
                return try call(fn, arguments: Array(command.operands.dropFirst()), dot: dot, final: final,
                                hasFinal: hasFinal, pipe: pipe)
            }
            if command.operands.count > 1 || hasFinal {
                throw error("can't give argument to non-function \(describe(first))", in: pipe)
            }
            if case .null = first { throw error("nil is not a command", in: pipe) }
            return try evalOperand(first, dot: dot, pipe: pipe)
        }

        func describe(_ operand: Operand) -> String {
            switch operand {
            case .field(let chain): return chain.isEmpty ? "." : "." + chain.joined(separator: ".")
            case .variable(let v, let chain): return ([v] + chain).joined(separator: ".")
            case .function(let f): return f
            case .pipeline(let p, let chain): return "(\(p.source))" + chain.map { "." + $0 }.joined()
            case .literal(let v): return v.goDescription
            case .null: return "nil"
            }
        }

        func evalOperand(_ operand: Operand, dot: Value?, pipe: Pipeline) throws -> Value? {
            switch operand {
            case .field(let chain):
                return try fieldChain(chain, of: dot, pipe: pipe)
            case .variable(let name, let chain):
                return try fieldChain(chain, of: try lookup(name, pipe: pipe), pipe: pipe)
            case .function(let fn):
                return try call(fn, arguments: [], dot: dot, final: nil, hasFinal: false, pipe: pipe)
            case .pipeline(let inner, let chain):
                let mark = variables.count
                defer { variables.removeLast(variables.count - mark) }
                return try fieldChain(chain, of: try evalPipeline(inner, dot: dot), pipe: pipe)
            case .literal(let v):
                return v
            case .null:
                return .null
            }
        }

        func fieldChain(_ chain: [String], of receiver: Value?, pipe: Pipeline) throws -> Value? {
            var value = receiver
            for name in chain {
                value = try field(name, of: value, pipe: pipe)
            }
            return value
        }

        func field(_ name: String, of receiver: Value?, pipe: Pipeline) throws -> Value? {
            switch receiver {
            case nil:
                if missingKey == .error { throw error("nil data; no entry for key \(GoTemplate.quote(name))", in: pipe) }
                return nil
            case .object(let o)?:
                if let v = o[name] { return v }
                if missingKey == .error { throw error("map has no entry for key \(GoTemplate.quote(name))", in: pipe) }
                return nil
            case .null?:
                throw error("nil pointer evaluating interface {}.\(name)", in: pipe)
            case let other?:
                throw error("can't evaluate field \(name) in type \(other.goTypeName)", in: pipe)
            }
        }

        // MARK: functions

        func call(_ fn: String, arguments: [Operand], dot: Value?, final: Value?, hasFinal: Bool,
                  pipe: Pipeline) throws -> Value? {
            // and/or evaluate their arguments lazily, as Go does.
            if fn == "and" || fn == "or" {
                let count = arguments.count + (hasFinal ? 1 : 0)
                guard count >= 1 else { throw error("wrong number of args for \(fn): want at least 1 got 0", in: pipe) }
                var last: Value?
                for i in 0..<count {
                    last = i < arguments.count ? try evalOperand(arguments[i], dot: dot, pipe: pipe) : final
                    let truth = last?.isTruthy ?? false
                    if fn == "and" && !truth { return last }
                    if fn == "or" && truth { return last }
                }
                return last
            }
            var values: [Value?] = try arguments.map { try evalOperand($0, dot: dot, pipe: pipe) }
            if hasFinal { values.append(final) }
            do {
                if let builtin = Builtins.table[fn] {
                    return try builtin(values)
                }
                if let custom = template.functions[fn] {
                    return try custom(values.map { $0 ?? .null })
                }
            } catch let e as GoTemplate.Error {
                throw e
            } catch let e as Builtins.CallError {
                throw error(e.message, in: pipe)
            } catch {
                throw self.error("error calling \(fn): \(error)", in: pipe)
            }
            throw error("\(GoTemplate.quote(fn)) is not a defined function", in: pipe)
        }
    }
}
