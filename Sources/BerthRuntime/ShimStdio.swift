import Glibc

/// The supervisor's ends of a process's standard streams, and the child's ends to pass to the spawner.
struct ShimStdio {
    /// Where to write the client's stdin; -1 when stdin is closed.
    var input: Int32 = -1
    /// (fd, stream number) to read output from.
    var outputs: [(Int32, UInt8)] = []
    /// The terminal's master, for resizing; -1 without a terminal.
    var master: Int32 = -1
    var child = StdioFDs(stdin: -1, stdout: -1, stderr: -1)
    private var childEnds: [Int32] = []

    init(tty: Bool, openStdin: Bool) throws {
        if tty {
            let (master, slave) = try Terminal.openPTY()
            Terminal.resize(master, rows: 24, cols: 80)  // until the client sends its size
            self.master = master
            input = openStdin ? master : -1
            outputs = [(master, StreamFrame.stdout)]
            child = StdioFDs(stdin: slave, stdout: slave, stderr: slave)
            childEnds = [slave]
            return
        }
        let out = try FD.pipe(), err = try FD.pipe()
        outputs = [(out.read, StreamFrame.stdout), (err.read, StreamFrame.stderr)]
        child.stdout = out.write
        child.stderr = err.write
        childEnds = [out.write, err.write]
        if openStdin {
            let inp = try FD.pipe()
            input = inp.write
            child.stdin = inp.read
            childEnds.append(inp.read)
        }
    }

    /// Closes the child's ends once it has started (or failed to).
    func closeChildEnds() {
        for fd in childEnds { close(fd) }
    }
}
