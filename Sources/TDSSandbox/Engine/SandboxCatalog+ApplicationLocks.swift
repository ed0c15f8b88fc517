import DBCore

/// Application locks (`sp_getapplock` / `sp_releaseapplock`) as PostgreSQL advisory locks on a 64-bit hash of the
/// resource name: `Session` locks are session advisory locks, `Transaction` locks are transaction advisory locks
/// (released when the T-SQL transaction ends, which the engine runs as a PostgreSQL transaction). `Shared` and
/// `IntentShared` take the shared form; `Update`, `IntentExclusive` and `Exclusive` the exclusive one.
///
/// Return codes as SQL Server's: 0 granted at once, 1 granted after waiting, -1 timed out, -999 a parameter or
/// call error (a `Transaction` lock outside a transaction, a lock released that is not held). One difference:
/// PostgreSQL cannot release a transaction advisory lock before its transaction ends, so `sp_releaseapplock` of a
/// `Transaction` lock answers -999 and the lock is released at COMMIT or ROLLBACK.
extension SandboxCatalog {
    static func installApplicationLocks(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.getapplock(
                resource text, lock_mode text, lock_owner text, lock_timeout integer, tran_count integer)
            RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                key bigint := hashtextextended(resource, 7420001);
                shared boolean := lower(lock_mode) IN ('shared', 'intentshared');
                per_transaction boolean := lower(coalesce(lock_owner, 'transaction')) = 'transaction';
                deadline timestamptz;
                waited boolean := false;
                got boolean;
            BEGIN
                IF resource IS NULL OR lower(lock_mode) NOT IN ('shared', 'update', 'intentshared',
                    'intentexclusive', 'exclusive')
                    OR lower(coalesce(lock_owner, 'transaction')) NOT IN ('transaction', 'session') THEN
                    RETURN -999;
                END IF;
                IF per_transaction AND tran_count = 0 THEN RETURN -999; END IF;
                IF coalesce(lock_timeout, -1) >= 0 THEN
                    deadline := clock_timestamp() + lock_timeout * INTERVAL '1 millisecond';
                END IF;
                LOOP
                    IF per_transaction AND shared THEN got := pg_try_advisory_xact_lock_shared(key);
                    ELSIF per_transaction THEN got := pg_try_advisory_xact_lock(key);
                    ELSIF shared THEN got := pg_try_advisory_lock_shared(key);
                    ELSE got := pg_try_advisory_lock(key);
                    END IF;
                    IF got THEN RETURN CASE WHEN waited THEN 1 ELSE 0 END; END IF;
                    IF deadline IS NOT NULL AND clock_timestamp() >= deadline THEN RETURN -1; END IF;
                    waited := true;
                    PERFORM pg_sleep(0.01);
                END LOOP;
            END $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.releaseapplock(resource text, lock_owner text)
            RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                key bigint := hashtextextended(resource, 7420001);
                held record;
            BEGIN
                IF lower(coalesce(lock_owner, 'transaction')) <> 'session' THEN RETURN -999; END IF;
                SELECT mode INTO held FROM pg_locks
                    WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                        AND classid = ((key >> 32) & 4294967295)::oid AND objid = (key & 4294967295)::oid AND objsubid = 1
                    LIMIT 1;
                IF NOT FOUND THEN RETURN -999; END IF;
                IF held.mode = 'ShareLock' THEN PERFORM pg_advisory_unlock_shared(key);
                ELSE PERFORM pg_advisory_unlock(key);
                END IF;
                RETURN 0;
            END $$
            """)
    }
}
