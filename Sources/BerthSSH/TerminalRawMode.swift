import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts a terminal in raw mode and restores the saved settings afterwards.
final class TerminalRawMode {
    private let fd: Int32
    private var saved: termios
    private var active = true

    private init(fd: Int32, saved: termios) {
        self.fd = fd
        self.saved = saved
    }

    deinit { restore() }

    /// Switches `fd` to raw mode (no echo, no line editing, no signal keys, 8-bit input).
    static func enable(fd: Int32) throws -> TerminalRawMode {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else {
            let e = errno
            throw TerminalError(reason: "tcgetattr: " + String(cString: strerror(e)))
        }
        var raw = original
        cfmakeraw(&raw)
        guard tcsetattr(fd, TCSADRAIN, &raw) == 0 else {
            let e = errno
            throw TerminalError(reason: "tcsetattr: " + String(cString: strerror(e)))
        }
        return TerminalRawMode(fd: fd, saved: original)
    }

    /// Puts the saved settings back; later calls do nothing.
    func restore() {
        guard active else { return }
        active = false
        _ = tcsetattr(fd, TCSADRAIN, &saved)
    }

    /// The terminal could not be switched.
    struct TerminalError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
