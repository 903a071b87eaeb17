import BerthCore
import BerthMachine
import Foundation

/// `-d lab`: `--lab-network` names the switch (default `berthlab`), `--lab-subnet` its subnet.
public struct LabDriverFactory: DriverFactory {
    public static let defaultNetwork = "berthlab"
    public static let defaultSubnet = "10.213.47.0/24"
    public let driverName = "lab"
    public init() {}

    public func make(context: DriverContext, options: DriverOptions) throws -> MachineDriver {
        let network = options["lab-network"] ?? LabDriverFactory.defaultNetwork
        guard network.count <= 12, network.first?.isLetter == true,
              network.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw BerthError.invalidArgument("--lab-network: \"\(network)\" must be 1-12 letters, digits or '-', starting with a letter")
        }
        let subnet = try IPv4Network(parsing: options["lab-subnet"] ?? LabDriverFactory.defaultSubnet)
        guard subnet.prefix >= 16, subnet.prefix <= 29 else {
            throw BerthError.invalidArgument("--lab-subnet: \(subnet) must be between /16 and /29")
        }
        let netns = "\(network)-\(context.machineName)"
        let st = LabState(network: network, subnet: subnet.description, address: "", netns: netns,
                          veth: LabState.vethName(for: netns),
                          hostDir: context.store.layout.relative(context.machineDir + "/lab"), sshdPid: nil)
        return LabDriver(context: context, state: st)
    }

    public func load(context: DriverContext, state: JSONValue) throws -> MachineDriver {
        LabDriver(context: context, state: try state.decode(LabState.self))
    }
}
