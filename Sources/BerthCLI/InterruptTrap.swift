import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP caught while a command has something to undo (temporary files, receives on agents):
/// `handle` runs on a global queue when one arrives; if the process is still there `grace` seconds later,
/// `lastResort` runs and it exits 128+signal.
final class InterruptTrap {
    private var sources: [DispatchSourceSignal] = []
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    init(grace: Double = 5, lastResort: @escaping @Sendable () -> Void = {},
         handle: @escaping @Sendable (Int32) -> Void) {
        for sig in Self.signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
                    lastResort()
                    _exit(128 + sig)
                }
                handle(sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The default dispositions again, once there is nothing left to undo.
    func restore() {
        for s in sources { s.cancel() }
        sources = []
        for sig in Self.signals { signal(sig, SIG_DFL) }
    }
}
