/// docker-machine's natural ordering of names (the skarademir/naturalsort rules): runs of digits compare by
/// value, numbers come before other text, so `lab2` sorts before `lab10`.
public enum NaturalSort {
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Splits into maximal runs of ASCII digits and of other bytes, ignoring spaces.
    private static func chunks(_ s: String) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for b in s.utf8 where b != 0x20 {
            if let last = out.last?.last, isDigit(last) == isDigit(b) {
                out[out.count - 1].append(b)
            } else {
                out.append([b])
            }
        }
        return out
    }

    /// Whether `a` sorts before `b` (case-sensitive, byte-wise for text runs).
    public static func less(_ a: String, _ b: String) -> Bool {
        let ca = chunks(a)
        let cb = chunks(b)
        for (x, y) in zip(ca, cb) where x != y {
            let xNumber = isDigit(x[0])
            let yNumber = isDigit(y[0])
            if xNumber && yNumber {
                let xs = x.drop { $0 == 0x30 }
                let ys = y.drop { $0 == 0x30 }
                if xs.count != ys.count { return xs.count < ys.count }
                for (p, q) in zip(xs, ys) where p != q { return p < q }
                return x.count < y.count
            }
            if xNumber || yNumber { return xNumber }
            return x.lexicographicallyPrecedes(y)
        }
        let ab = Array(a.utf8)
        let bb = Array(b.utf8)
        for (p, q) in zip(ab, bb) where isDigit(p) || isDigit(q) {
            return isDigit(p)
        }
        return ab.lexicographicallyPrecedes(bb)
    }

    /// Whether `a` sorts before `b` once both are lower-cased, as `ls` orders machines
    /// (ties broken by the original spelling, so the order is total).
    public static func lessIgnoringCase(_ a: String, _ b: String) -> Bool {
        let la = a.lowercased()
        let lb = b.lowercased()
        if la != lb { return less(la, lb) }
        return less(a, b)
    }

    /// `names` in natural, case-insensitive order.
    public static func sorted(_ names: [String]) -> [String] {
        names.sorted(by: lessIgnoringCase)
    }
}
