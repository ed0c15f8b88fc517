extension ConnectionPool {
    /// The database family the pool's connections speak to: the configuration's, else its driver's.
    public var backend: DatabaseBackend { configuration.backend ?? source.driver.backend }
}
