import TDSSandbox

/// The engine factory the server uses for `--postgres <conninfo>`.
///
/// The T-SQL engine (`PostgresSessionEngine.makeFactory(postgres: ConnectionConfiguration(keywordString:))`) is
/// being written on another branch; until it lands, every login is refused with a clear message so the binary
/// builds and the protocol layer can be exercised.
func makeEngineFactory(postgres conninfo: String) -> SessionEngineFactory {
    _ = conninfo
    return { login in
        throw SQLServerMessage(
            number: 18456, state: 1, severity: 14,
            message: "Login failed for user '\(login.user)'. The T-SQL engine is not built into this tds-sandbox yet.")
    }
}
