/// The network drivers an engine has, by the name `docker network create -d` uses. The engine registers its
/// drivers once at start (`standard`); overlay and macvlan register beside bridge.
struct NetworkDriverRegistry: Sendable {
    private var drivers: [String: any NetworkDriver] = [:]

    init(_ drivers: [any NetworkDriver] = []) {
        for driver in drivers { register(driver) }
    }

    /// The drivers of a stock agent. The one place drivers are constructed.
    static func standard(execRoot: String) -> NetworkDriverRegistry {
        NetworkDriverRegistry([BridgeDriver(), OverlayDriver(root: execRoot + "/overlay"),
                               MacvlanDriver(sandboxRoot: execRoot + "/netns")])
    }

    mutating func register(_ driver: any NetworkDriver) { drivers[driver.name] = driver }

    func driver(named name: String) -> (any NetworkDriver)? { drivers[name] }

    func driver(for network: NetworkRecord) -> (any NetworkDriver)? { drivers[network.driver] }

    var names: [String] { drivers.keys.sorted() }
}
