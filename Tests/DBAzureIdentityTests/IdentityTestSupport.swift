import DBCore
import Foundation
import Logging
import PGDriver
import Synchronization
import TestSupport
import ThrowawayServers

/// The shared throwaway PostgreSQL server as the sign-in tests use it.
let identityDatabase = SharedPostgres(applicationName: "azure-identity-tests")
