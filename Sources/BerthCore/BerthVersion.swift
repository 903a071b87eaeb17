import CBuildInfo

/// The version of this build, shared by `berth` and `berthd`.
public enum BerthVersion {
    public static let string: String = String(cString: berth_build_version())
}
