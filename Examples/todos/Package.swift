// swift-tools-version:6.1
import PackageDescription

// A small Vapor "todos" API on SQL Server or PostgreSQL through this repository's Fluent driver. Its own package:
// the library, its tests and CI's main build do not build it (Vapor's dependency graph is large).
let package = Package(
    name: "todos",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(name: "swift-db-drivers", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "todos",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentDBDriver", package: "swift-db-drivers"),
                .product(name: "DBCore", package: "swift-db-drivers"),
                .product(name: "PGDriver", package: "swift-db-drivers"),
                .product(name: "MSSQLDriver", package: "swift-db-drivers"),
                // Only for TODOS_THROWAWAY (a throwaway PostgreSQL, and the TDS sandbox in front of it).
                .product(name: "ThrowawayServers", package: "swift-db-drivers"),
                .product(name: "TDSSandbox", package: "swift-db-drivers"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    ]
)
