import ArgumentParser
import BerthCore
import Foundation

/// Prints one error line on stderr and leaves with docker-machine's exit status.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as BerthError {
        printError(e.description)
        throw ExitCode(e.exitCode)
    } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes a line to stdout immediately (lines from parallel work must not interleave mid-line).
let outputLock = NSLock()
func say(_ line: String) {
    outputLock.lock()
    defer { outputLock.unlock() }
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
