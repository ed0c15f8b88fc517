/// The helpers every test target shares (``offPool(_:)``), visible in every file of this target.
@_exported import TestSupport
