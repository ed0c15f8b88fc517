import DBCore
import TDSSandbox

/// The engine factory the server uses for `--postgres <conninfo>`: each TDS login opens its own PostgreSQL
/// session with the login's user and password, on the server the libpq conninfo names.
func makeEngineFactory(postgres conninfo: String) throws -> SessionEngineFactory {
    PostgresSessionEngine.makeFactory(postgres: try ConnectionConfiguration(parsing: conninfo))
}
