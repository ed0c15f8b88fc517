/// The helpers every test target shares (``offPool(_:)``, ``databaseError(_:)``), visible in every file of this target.
@_exported import TestSupport
