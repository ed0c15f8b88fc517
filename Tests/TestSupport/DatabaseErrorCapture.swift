import DBCore

/// Runs `body`, returning the ``DatabaseError`` it throws (nil if it does not throw one; any other error comes
/// back as a `DatabaseError` of kind `.other` that names it).
public func databaseError(_ body: () throws -> Void) -> DatabaseError? {
    do {
        try body()
        return nil
    } catch let error as DatabaseError {
        return error
    } catch {
        return DatabaseError(kind: .other, message: "not a DatabaseError: \(error)")
    }
}
