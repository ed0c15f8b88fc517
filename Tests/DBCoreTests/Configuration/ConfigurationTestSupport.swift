import DBCore
import Testing

/// Runs `body`, which must throw an `.invalidConfiguration` error whose message contains every string of
/// `mentions` and none of `never` (secrets). Returns the message.
@discardableResult
func expectInvalidConfiguration(
    mentioning mentions: [String], never: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> ConnectionConfiguration?
) -> String? {
    do {
        let configuration = try body()
        Issue.record("expected an error, got \(String(describing: configuration))", sourceLocation: sourceLocation)
        return nil
    } catch let error as DatabaseError {
        #expect(error.kind == .invalidConfiguration, sourceLocation: sourceLocation)
        for text in mentions {
            #expect(
                error.message.contains(text), "'\(error.message)' should mention '\(text)'",
                sourceLocation: sourceLocation)
        }
        for secret in never {
            for rendered in [error.message, error.description, error.debugDescription, "\(error)"] {
                #expect(!rendered.contains(secret), "'\(rendered)' reveals a secret", sourceLocation: sourceLocation)
            }
        }
        return error.message
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Checks the description hides the password.
func expectDescriptionHidesPassword(
    _ configuration: ConnectionConfiguration, _ password: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(configuration.password?.revealed == password, sourceLocation: sourceLocation)
    for rendered in [configuration.description, "\(configuration)", String(reflecting: configuration.password)] {
        #expect(!rendered.contains(password), "'\(rendered)' reveals the password", sourceLocation: sourceLocation)
    }
    #expect(configuration.description.contains("password=********"), sourceLocation: sourceLocation)
}
