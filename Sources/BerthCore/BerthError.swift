/// The controller's boundary error: a closed set of kinds, each printed as one line.
public enum BerthError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)
    case notFound(String)
    case exists(String)
    case preCreateCheck(String)
    case unsupported(String)
    case timeout(String)
    case failed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let m), .notFound(let m), .exists(let m), .preCreateCheck(let m),
             .unsupported(let m), .timeout(let m), .failed(let m):
            return m
        }
    }

    /// docker-machine exits 3 when pre-create checks fail, 1 otherwise.
    public var exitCode: Int32 {
        if case .preCreateCheck = self { return 3 }
        return 1
    }
}
