extension GoTemplate {
    /// A parsed piece of a template.
    indirect enum Node: Sendable {
        case text(String)
        /// `{{pipeline}}`: prints the pipeline's value unless it declares variables.
        case action(Pipeline)
        case ifNode(Pipeline, then: [Node], otherwise: [Node]?)
        case withNode(Pipeline, then: [Node], otherwise: [Node]?)
        case rangeNode(Pipeline, body: [Node], otherwise: [Node]?)
        /// `{{template "name" pipeline}}`.
        case templateCall(name: String, argument: Pipeline?, offset: Int, source: String)
        case breakLoop
        case continueLoop
    }

    /// `$x := cmd arg | cmd arg`.
    struct Pipeline: Sendable {
        /// Variables declared (`:=`) or assigned (`=`) by this pipeline, in order.
        var variables: [String] = []
        var isAssignment = false
        var commands: [Command] = []
        /// Where the action starts, and its text, for error messages.
        var offset: Int
        var source: String
    }

    /// One stage of a pipeline: an operand, or a function with its arguments.
    struct Command: Sendable {
        var operands: [Operand]
        var offset: Int
    }

    indirect enum Operand: Sendable {
        /// `.A.B`; an empty chain is `.` itself.
        case field([String])
        /// `$x.A.B`.
        case variable(String, [String])
        case function(String)
        /// `(pipeline).A.B`.
        case pipeline(Pipeline, [String])
        case literal(Value)
        /// `nil`, which Go allows only as a function argument.
        case null
    }
}
