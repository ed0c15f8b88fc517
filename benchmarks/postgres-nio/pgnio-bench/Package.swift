// swift-tools-version:6.1
// A fetch competitor for the PostgreSQL benchmark: vapor/postgres-nio (a pure-Swift client on SwiftNIO). A separate
// package so that the library, its tests and CI never build it; only scripts/bench.sh does.
import PackageDescription

let package = Package(
    name: "pgnio-bench",
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.3"),
    ],
    targets: [
        .executableTarget(
            name: "pgnio-bench",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")])
    ]
)
