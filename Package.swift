// swift-tools-version:6.0
import PackageDescription

// Module map (see README "Layout"):
//   BerthCore     pure logic: names, store records, env/config/ls rendering, templates, CIDR, Engine API types.
//   BerthCluster  cluster files (`berth apply`): YAML parser (Yams/libyaml), planner, topology drawings; no I/O.
//   BerthCerts    CA / client / server certificates (swift-certificates), returns PEM; no I/O.
//   CSSH2+BerthSSH  libssh2 transport implementing BerthCore.RemoteShell.
//   CCurl+BerthHTTP libcurl HTTPS client with client certificates (controller -> agent).
//   CKernelShim+BerthKernel the kernel layer: rtnetlink client, network namespaces, mounts, sysctl, firewall
//                 (iptables), process spawning (the one Spawner).
//   BerthLinux    controller-side host work: processes, files, lab namespaces and links (over BerthKernel).
//   BerthMachine  store, drivers seam, provisioner, create pipeline.
//   drivers/*     one target per machine driver.
//   BerthCLI      one file per verb; `berth` is a thin main.
//   BerthAgent    the agent library (NIO + TLS, Engine API); `berthd` is a thin main.
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// The version built into both binaries: $BERTH_VERSION (the Makefile sets it from `git describe`), else the commit.
let buildVersion: String = {
    if let v = Context.environment["BERTH_VERSION"], !v.isEmpty { return v }
    if let git = Context.gitInformation {
        return "0.1.0-" + String(git.currentCommit.prefix(8)) + (git.hasUncommittedChanges ? "-dirty" : "")
    }
    return "0.1.0-dev"
}()

let package = Package(
    name: "Berth",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "berth", targets: ["berth"]),
        .executable(name: "berthd", targets: ["berthd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C shims
        .target(name: "CSSH2", path: "Sources/CSSH2", linkerSettings: [.linkedLibrary("ssh2")]),
        .target(name: "CCurl", path: "Sources/CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CRuntimeShim", path: "Sources/CRuntimeShim"),
        .target(name: "CImageShim", path: "Sources/CImageShim"),
        .target(name: "CKernelShim", path: "Sources/CKernelShim"),
        // zlib, libbz2 and liblzma linked statically (`-l:libz.a`, ...): the agent keeps only libc-family dynamic dependencies.
        .target(name: "CGzip", path: "Sources/CGzip",
                linkerSettings: [.linkedLibrary(":libz.a"), .linkedLibrary(":libbz2.a"), .linkedLibrary(":liblzma.a")]),
        .target(name: "CBuildInfo", path: "Sources/CBuildInfo",
                cSettings: [.unsafeFlags(["-DBERTH_VERSION=\"\(buildVersion)\""])]),

        // Pure modules
        .target(name: "BerthCore", dependencies: ["CBuildInfo", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swift5),
        .target(name: "BerthImageFormat", swiftSettings: swift5),
        .target(name: "BerthCluster", dependencies: ["BerthCore", .product(name: "Yams", package: "Yams")],
                swiftSettings: swift5),
        .target(name: "BerthCerts", dependencies: [
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ], swiftSettings: swift5),

        // I/O modules
        .target(name: "BerthSSH", dependencies: ["CSSH2", "BerthCore"],
                swiftSettings: swift5),
        .target(name: "BerthHTTP", dependencies: ["CCurl", "BerthCore"], swiftSettings: swift5),
        // One side of a copy on a POSIX file system (also what the agent's data plane serves), with no SSH or HTTP.
        .target(name: "BerthFiles", dependencies: ["BerthCore"], swiftSettings: swift5),
        .target(name: "BerthTransfer", dependencies: ["BerthFiles", "BerthSSH", "BerthHTTP", "BerthCore"],
                swiftSettings: swift5),
        .target(name: "BerthKernel", dependencies: ["CKernelShim", "BerthCore"], swiftSettings: swift5),
        .target(name: "BerthKernelTesting", dependencies: ["BerthKernel"], swiftSettings: swift5),
        .target(name: "BerthLinux", dependencies: ["BerthCore", "BerthKernel"], swiftSettings: swift5),
        .target(name: "BerthRuntime", dependencies: ["CRuntimeShim", "BerthCore", "BerthKernel"],
                swiftSettings: swift5),
        .target(name: "BerthVolume", dependencies: ["BerthCore", "BerthCluster", "BerthMachine", "BerthSSH", "BerthHTTP", "BerthTransfer"],
                swiftSettings: swift5),
        .target(name: "BerthMachine", dependencies: ["BerthCore", "BerthCerts", "BerthLinux"], swiftSettings: swift5),

        // Machine drivers, one target each
        .target(name: "GenericDriver", dependencies: ["BerthMachine", "BerthCore", "BerthLinux"], path: "drivers/generic",
                swiftSettings: swift5),
        .target(name: "LabDriver", dependencies: ["BerthMachine", "BerthCore", "BerthLinux", "BerthKernel"],
                path: "drivers/lab",
                swiftSettings: swift5),

        // Controller
        .target(name: "BerthCLI", dependencies: [
            "BerthCore", "BerthMachine", "BerthSSH", "BerthHTTP", "BerthTransfer", "GenericDriver", "LabDriver",
            "BerthVolume", "BerthCluster", "BerthImageFormat",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swift5),
        .executableTarget(name: "berth", dependencies: ["BerthCLI"], swiftSettings: swift5),

        // Agent: must not depend on BerthSSH/BerthHTTP (no libssh2/libcurl in the static binary).
        .target(name: "BerthAgent", dependencies: [
            "BerthCore",
            "BerthRuntime",
            "BerthKernel",
            "BerthFiles",
            "BerthImageFormat",
            "CImageShim",
            "CGzip",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swift5),
        .executableTarget(name: "berthd", dependencies: [
            "BerthAgent",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swift5),

        // Tests
        .testTarget(name: "BerthClusterTests", dependencies: ["BerthCluster", "BerthCore"], swiftSettings: swift5),
        .testTarget(name: "BerthCoreTests", dependencies: ["BerthCore"], resources: [.copy("Golden")],
                    swiftSettings: swift5),
        .testTarget(name: "BerthCertsTests", dependencies: ["BerthCerts"], swiftSettings: swift5),
        .testTarget(name: "BerthMachineTests", dependencies: ["BerthMachine", "BerthCore", "GenericDriver"], exclude: ["Golden"],
                    swiftSettings: swift5),
        .testTarget(name: "BerthHTTPTests", dependencies: ["BerthHTTP", "BerthCore"], swiftSettings: swift5),
        .testTarget(name: "BerthTransferTests", dependencies: ["BerthTransfer", "BerthSSH", "BerthCore"],
                    swiftSettings: swift5),
        .testTarget(name: "BerthSSHTests", dependencies: ["BerthSSH", "BerthCore"], swiftSettings: swift5),
        .testTarget(name: "BerthAgentTests", dependencies: [
            "BerthAgent", "BerthCerts", "BerthCore", "BerthImageFormat", "BerthRuntime", "BerthKernel", "BerthKernelTesting",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
                    swiftSettings: swift5),
        .testTarget(name: "BerthVolumeTests", dependencies: ["BerthVolume", "BerthCore"], swiftSettings: swift5),
        .testTarget(name: "BerthImageFormatTests", dependencies: ["BerthImageFormat"], swiftSettings: swift5),
        .testTarget(name: "BerthRuntimeTests", dependencies: ["BerthRuntime"], swiftSettings: swift5),
        .testTarget(name: "BerthKernelTests", dependencies: ["BerthKernel", "BerthKernelTesting", "BerthCore"],
                    swiftSettings: swift5),
        .testTarget(name: "BerthIntegrationTests", swiftSettings: swift5),
    ]
)
