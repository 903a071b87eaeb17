/// A process to run in a container: its command line, environment, working directory and identity.
public struct ProcessSpec: Codable, Sendable, Equatable {
    public var args: [String]
    public var env: [String]
    public var cwd: String
    public var uid: UInt32
    public var gid: UInt32
    /// Runs on a new pseudo-terminal (docker `-t`).
    public var tty: Bool
    /// Keeps stdin open (docker `-i`); otherwise stdin is `/dev/null`.
    public var openStdin: Bool
    /// Closes the process's stdin when the first attached client's stdin ends.
    public var stdinOnce: Bool
    /// Supplementary groups (nil: none).
    public var groups: [UInt32]?

    public init(args: [String], env: [String], cwd: String = "/", uid: UInt32 = 0, gid: UInt32 = 0, tty: Bool = false,
                openStdin: Bool = false, stdinOnce: Bool = false, groups: [UInt32]? = nil) {
        self.groups = groups
        self.args = args
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.gid = gid
        self.tty = tty
        self.openStdin = openStdin
        self.stdinOnce = stdinOnce
    }
}
