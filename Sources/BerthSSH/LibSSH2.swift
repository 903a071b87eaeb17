import CSSH2

/// Process-wide libssh2 state.
enum LibSSH2 {
    /// `libssh2_init` runs exactly once, on first use, from whichever thread gets here first
    /// (Swift initializes static stored properties lazily and atomically).
    private static let initResult: Int32 = libssh2_init(0)

    /// Initializes libssh2 if needed; false if it could not be (crypto backend failure).
    static func initialize() -> Bool { initResult == 0 }
}
