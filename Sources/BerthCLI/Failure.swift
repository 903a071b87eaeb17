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

/// Runs `body` for each item on its own thread (blocking network work, so not limited to the core count),
/// collecting results in order.
func parallelMap<T, R>(_ items: [T], _ body: @escaping (T) -> R) -> [R] {
    let box = ResultsBox<R>(items.count)
    let lock = NSLock()
    let group = DispatchGroup()
    for (i, item) in items.enumerated() {
        group.enter()
        let t = Thread {
            let r = body(item)
            lock.lock()
            box.results[i] = r
            lock.unlock()
            group.leave()
        }
        t.stackSize = 1 << 20
        t.start()
    }
    group.wait()
    return box.results.compactMap { $0 }
}

private final class ResultsBox<R>: @unchecked Sendable {
    var results: [R?]
    init(_ n: Int) { results = .init(repeating: nil, count: n) }
}
