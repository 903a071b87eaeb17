/// One request to a container's supervisor: a JSON line on its unix socket. `attach` and `exec` then carry raw
/// bytes both ways (multiplexed frames unless the process has a terminal).
public struct ShimRequest: Codable, Sendable {
    public enum Operation: String, Codable, Sendable {
        case start, attach, exec, kill, resize, wait
    }

    public var op: Operation
    /// attach: forward the client's bytes to the process's stdin.
    public var stdin: Bool?
    /// kill: the signal number.
    public var signal: Int32?
    /// exec and resize: which exec (resize without it: the container's terminal).
    public var execID: String?
    /// exec: the process.
    public var process: ProcessSpec?
    public var rows: UInt16?
    public var cols: UInt16?

    public init(op: Operation, stdin: Bool? = nil, signal: Int32? = nil, execID: String? = nil,
                process: ProcessSpec? = nil, rows: UInt16? = nil, cols: UInt16? = nil) {
        self.op = op
        self.stdin = stdin
        self.signal = signal
        self.execID = execID
        self.process = process
        self.rows = rows
        self.cols = cols
    }
}

/// The supervisor's one-line JSON answer.
public struct ShimReply: Codable, Sendable {
    public var ok: Bool
    public var pid: Int32?
    public var error: String?
    public var exitCode: Int32?

    public init(ok: Bool, pid: Int32? = nil, error: String? = nil, exitCode: Int32? = nil) {
        self.ok = ok
        self.pid = pid
        self.error = error
        self.exitCode = exitCode
    }
}
