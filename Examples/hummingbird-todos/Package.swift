// swift-tools-version:6.1
import PackageDescription

// A todos API on Hummingbird over DBCore: PostgreSQL (PGDriver) or SQL Server (MSSQLDriver), chosen by
// configuration, with the connection pool run as a service in the application's ServiceGroup.
// Not part of the library's build: it depends on the package two folders up by path.
let package = Package(
    name: "hummingbird-todos",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "swift-db-drivers", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "Todos",
            dependencies: [
                .product(name: "DBCore", package: "swift-db-drivers"),
                .product(name: "PGDriver", package: "swift-db-drivers"),
                .product(name: "MSSQLDriver", package: "swift-db-drivers"),
                .product(name: "DBServiceLifecycle", package: "swift-db-drivers"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // Development databases for trying the API: a throwaway PostgreSQL, and the TDS sandbox over it.
        .executableTarget(
            name: "dev-databases",
            dependencies: [
                .product(name: "DBCore", package: "swift-db-drivers"),
                .product(name: "TDSSandbox", package: "swift-db-drivers"),
                .product(name: "ThrowawayServers", package: "swift-db-drivers"),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
