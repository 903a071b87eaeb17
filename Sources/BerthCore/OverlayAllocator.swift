/// Cluster-wide choices for a new overlay network, made from what the store already holds. Pure: the caller then
/// claims the answer with a create-if-absent transaction and asks again with a larger `taken` when it loses.
public enum OverlayAllocator {
    /// libnetwork's overlay VNIs start at 4096 (lower ones are left to hand-made tunnels and flannel's 1).
    public static let vniRange = 4096...0xFF_FFFF

    /// The lowest VNI not in `taken`.
    public static func vni(taken: Set<Int>) -> Int? {
        var v = vniRange.lowerBound
        while v <= vniRange.upperBound {
            if !taken.contains(v) { return v }
            v += 1
        }
        return nil
    }

    /// docker's overlay default: the first 10.0.N.0/24 (N = 0...255) overlapping none of `used` (other overlays and
    /// the machine's local networks).
    public static func defaultSubnet(avoiding used: [IPv4Network]) -> IPv4Network? {
        for n in 0...255 {
            let candidate = IPv4Network(address: IPv4Address(UInt32(10) << 24 | UInt32(n) << 8), prefix: 24)
            if !used.contains(where: { $0.overlaps(candidate) }) { return candidate }
        }
        return nil
    }
}
