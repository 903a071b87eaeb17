// The kernel layer (netlink, namespaces, sysctl, firewall, the `NetKernel` entry points) lives in BerthKernel;
// importing BerthRuntime keeps bringing it along.
@_exported import BerthKernel
