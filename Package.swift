// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode is the tools-version default; these add
/// upcoming features that keep the code explicit.
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// FreeTDS ships no pkg-config file. On Linux its headers and libsybdb are on the default paths (freetds-dev). On
/// macOS, Homebrew puts them under its prefix (/opt/homebrew on Apple Silicon), which neither the compiler nor the
/// linker searches: there CSybDB reads `freetds.pc`, which scripts/macos-freetds-pc.sh writes into the Homebrew keg
/// that SwiftPM searches for the `.brew(["freetds"])` provider. (CLibPQ needs nothing: libpq.pc is in its keg.)
#if os(macOS)
    let freeTDSPkgConfig: String? = "freetds"
#else
    let freeTDSPkgConfig: String? = nil
#endif

/// Command-line parsing for the executables (quickstart, tds-sandbox, bench).
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "swift-db-drivers",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DBCore", targets: ["DBCore"]),
        .library(name: "DBAzureIdentity", targets: ["DBAzureIdentity"]),
        .library(name: "PGDriver", targets: ["PGDriver"]),
        .library(name: "MSSQLDriver", targets: ["MSSQLDriver"]),
        .library(name: "TDSSandbox", targets: ["TDSSandbox"]),
        .library(name: "ThrowawayServers", targets: ["ThrowawayServers"]),
        .executable(name: "quickstart", targets: ["quickstart"]),
        .executable(name: "tds-sandbox", targets: ["tds-sandbox"]),
        .executable(name: "bench", targets: ["bench"]),
    ] + sqlKitAndFluentProducts,
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // `swift package generate-documentation` (scripts/docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ] + sqlKitAndFluentDependencies,
    targets: [
        // C libraries, wrapped as system-library modules.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "CSybDB",
            pkgConfig: freeTDSPkgConfig,
            providers: [.apt(["freetds-dev"]), .brew(["freetds"])]
        ),
        // OpenSSL, for the TDS sandbox's server-side TLS only.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
        ),

        // The shared API and the drivers. SQLLexing (internal, pure Swift): the one lexer per dialect.
        .target(name: "SQLLexing"),
        .target(name: "DBCore", dependencies: ["SQLLexing", .product(name: "Logging", package: "swift-log")]),
        // Microsoft Entra ID credentials (HTTP over URLSession): only apps that sign in with tokens build it.
        .target(name: "DBAzureIdentity", dependencies: ["DBCore"]),
        .target(name: "PGDriver", dependencies: ["DBCore", "SQLLexing", "CLibPQ"]),
        .target(name: "MSSQLDriver", dependencies: ["DBCore", "SQLLexing", "CSybDB"]),

        // Throwaway servers for tests and samples (a temporary PostgreSQL cluster).
        .target(name: "ThrowawayServers", dependencies: ["DBCore"]),

        // The TDS sandbox: a TDS 7.4 server that executes a T-SQL subset on PostgreSQL.
        .target(
            name: "TDSSandbox",
            dependencies: [
                "DBCore", "PGDriver", "SQLLexing", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "tds-sandbox", dependencies: ["DBCore", "TDSSandbox", "ThrowawayServers", argumentParser]),

        // Samples.
        .executableTarget(
            name: "quickstart",
            dependencies: [
                "DBCore", "DBAzureIdentity", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers",
                argumentParser,
            ]
        ),

        // Benchmarks (not tests): `swift run -c release bench`.
        .executableTarget(
            name: "bench",
            dependencies: ["DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers", argumentParser]
        ),

        // Tests, and the helpers several test targets share.
        .target(
            name: "TestSupport",
            dependencies: [
                "DBCore", "PGDriver", "TDSSandbox", "ThrowawayServers", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(name: "DBCoreTests", dependencies: ["DBCore", "SQLLexing"]),
        .testTarget(
            name: "DBAzureIdentityTests",
            dependencies: [
                "DBAzureIdentity", "DBCore", "PGDriver", "MSSQLDriver", "ThrowawayServers", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "PGDriverTests", dependencies: ["DBCore", "PGDriver", "ThrowawayServers", "TestSupport"]),
        .testTarget(
            name: "PoolingTests",
            dependencies: ["DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers", "TestSupport"]
        ),
        .testTarget(
            name: "MSSQLDriverTests",
            dependencies: [
                "MSSQLDriver", "DBCore", "PGDriver", "SQLLexing", "TDSSandbox", "ThrowawayServers", "TestSupport",
            ]
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers", "TestSupport"]
        ),
        .testTarget(
            name: "TDSSandboxTests",
            dependencies: [
                "TDSSandbox", "DBCore", "PGDriver", "SQLLexing", "ThrowawayServers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ] + sqlKitAndFluentTargets
)

// The pool as a swift-service-lifecycle `Service` (issue 12): its own product, so that users of DBCore and a driver
// only do not build swift-service-lifecycle.
package.dependencies.append(
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"))
package.products.append(.library(name: "DBServiceLifecycle", targets: ["DBServiceLifecycle"]))
package.targets += [
    .target(
        name: "DBServiceLifecycle",
        dependencies: ["DBCore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
    ),
    .testTarget(
        name: "DBServiceLifecycleTests",
        dependencies: [
            "DBServiceLifecycle", "DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers", "TestSupport",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]
    ),
]

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

// MARK: - SQLKit and Fluent drivers (issue 12)
// Their own products and targets, so an application that uses only DBCore and a driver builds none of sql-kit's or
// fluent-kit's graph (SwiftPM builds only the targets the products you use depend on).

var sqlKitAndFluentProducts: [Product] {
    [
        .library(name: "DBSQLKit", targets: ["DBSQLKit"]),
        .library(name: "FluentDBDriver", targets: ["FluentDBDriver"]),
    ]
}

var sqlKitAndFluentDependencies: [Package.Dependency] {
    [
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
    ]
}

var sqlKitAndFluentTargets: [Target] {
    [
        .target(
            name: "DBSQLKit",
            dependencies: [
                "DBCore", "SQLLexing",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FluentDBDriver",
            dependencies: [
                "DBCore", "DBSQLKit",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "DBSQLKitTests",
            dependencies: [
                "DBSQLKit", "DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers", "TestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLKitBenchmark", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "FluentDBDriverTests",
            dependencies: [
                "FluentDBDriver", "DBSQLKit", "DBCore", "PGDriver", "MSSQLDriver", "TDSSandbox", "ThrowawayServers",
                "TestSupport",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "FluentBenchmark", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
    ]
}
