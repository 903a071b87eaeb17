import Dispatch
import Glibc

/// Waits for termination signals without a signal handler: the signals are ignored and observed through
/// dispatch sources.
enum SignalWatcher {
    /// Suspends until one of `signals` arrives and returns it. Afterwards the default disposition is restored,
    /// so a second signal terminates the process at once.
    static func next(of signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { continuation in
            let waiter = Waiter(signals: signals, continuation: continuation)
            waiter.start()
        }
    }

    /// `SIGTERM`, `SIGINT`, or the number.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }

    /// Owns the dispatch sources; all state is touched on its serial queue only.
    private final class Waiter: @unchecked Sendable {
        private let signals: [Int32]
        private let queue = DispatchQueue(label: "berthd.signals")
        private var sources: [DispatchSourceSignal] = []
        private var continuation: CheckedContinuation<Int32, Never>?

        init(signals: [Int32], continuation: CheckedContinuation<Int32, Never>) {
            self.signals = signals
            self.continuation = continuation
        }

        func start() {
            queue.sync {
                for number in signals {
                    signal(number, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                    source.setEventHandler { self.fire(number) }
                    source.resume()
                    sources.append(source)
                }
            }
        }

        private func fire(_ number: Int32) {
            guard let continuation else { return }
            self.continuation = nil
            for source in sources { source.cancel() }
            for other in signals { signal(other, SIG_DFL) }
            continuation.resume(returning: number)
        }
    }
}
