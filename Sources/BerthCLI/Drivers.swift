import BerthMachine
import GenericDriver
import LabDriver

/// The machine drivers compiled into this berth.
enum Drivers {
    static let registry = DriverRegistry([GenericDriverFactory(), LabDriverFactory()])
}
