/*
 * The raw C ceiling for the SQL Server workloads, over FreeTDS DB-Library, run by `bench` against the TDS
 * sandbox. Settings: DBLIB_SERVER (host:port), DBLIB_USER, DBLIB_PASSWORD, DBLIB_DATABASE.
 *
 *   dblib_bench fetch           every row of bench_fetch (id int, t nvarchar, f float, ts datetime2,
 *                               n decimal(12,2)) decoded from dbdata/dbdatlen in place into native C values (the
 *                               text's UTF-8 as DB-Library converted it, the DBDATETIMEALL's fields, the decimal as
 *                               a scaled integer; DBLIB_FETCH_LENGTHS_ONLY=1: the earlier loop, which took only the
 *                               dbdatlen of the datetime2 and the decimal)
 *   dblib_bench point N ROWS    N single-row sp_executesql SELECTs by id, each row decoded as in fetch, with
 *                               latencies
 *   dblib_bench many TABLE N    N INSERTs, one sp_executesql RPC each (what DB-Library offers), one transaction
 *   dblib_bench bcp TABLE N     N rows with bcp_bind / bcp_sendrow / bcp_done, one batch
 *
 * Prints one JSON object like benchmarks/c/pg_bench.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sybfront.h>
#include <sybdb.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static int on_error(DBPROCESS *p, int severity, int dberr, int oserr, char *text, char *ostext) {
    (void)p; (void)severity; (void)oserr; (void)ostext;
    if (dberr != SYBESMSG) fprintf(stderr, "db-library: %s\n", text); /* else the server message says it */
    return INT_CANCEL;
}

static int on_message(DBPROCESS *p, DBINT number, int state, int severity, char *text, char *server, char *proc,
                      int line) {
    (void)p; (void)state; (void)server; (void)proc; (void)line;
    if (severity > 10) fprintf(stderr, "server: %d %s\n", (int)number, text);
    return 0;
}

static const char *env(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value && *value ? value : fallback;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Reads every result of the last command, discarding rows; returns FAIL on an error. */
static RETCODE drain(DBPROCESS *db) {
    RETCODE rc;
    while ((rc = dbresults(db)) == SUCCEED)
        while (dbnextrow(db) != NO_MORE_ROWS) {}
    return rc == NO_MORE_RESULTS ? SUCCEED : FAIL;
}

static RETCODE run(DBPROCESS *db, const char *sql) {
    if (dbcmd(db, sql) == FAIL || dbsqlexec(db) == FAIL) return FAIL;
    return drain(db);
}

static RETCODE param_text(DBPROCESS *db, const char *name, const char *text) {
    return dbrpcparam(db, (char *)name, 0, SYBVARCHAR, -1, (DBINT)strlen(text), (BYTE *)text);
}

/* The row `i` of every insert workload, as bench/PGWorkloads.row(i). */
static void make_row(long i, char *t, size_t tsize, double *f, DBDATETIMEALL *ts, char *n, size_t nsize) {
    snprintf(t, tsize, "row number %ld", i);
    *f = i * 0.5;
    memset(ts, 0, sizeof *ts);
    long seconds = i, days = seconds / 86400;
    ts->date = 43829 + (DBINT)days; /* 2020-01-01 is day 43829 since 1900-01-01 */
    ts->time = (DBUBIGINT)(seconds % 86400) * 10000000ull;
    ts->time_prec = 7;
    ts->has_date = 1;
    ts->has_time = 1;
    snprintf(n, nsize, "%ld.25", i % 100000);
}

/* Bytes (sign included) of a DBNUMERIC's array for each precision: FreeTDS's tds_numeric_bytes_per_prec. */
static const unsigned char numeric_bytes[39] = {1,  2,  2,  3,  3,  4,  4,  4,  5,  5,  6,  6,  6,  7,
                                                 7,  8,  8,  9,  9,  9,  10, 10, 11, 11, 11, 12, 12, 13,
                                                 13, 14, 14, 14, 15, 15, 16, 16, 16, 17, 17};

/* One bench_fetch row as native C values: the text's UTF-8 in place (DB-Library converted it), the datetime2 as
 * the fields of its DBDATETIMEALL, the decimal as a scaled integer (unscaled value and scale). */
struct native_row {
    DBINT id;
    const BYTE *t;
    DBINT t_len;
    DBFLT8 f;
    DBINT days;          /* since 1900-01-01 */
    DBUBIGINT time;      /* 100 ns units since midnight */
    long long n_unscaled;
    int n_scale;
};

/* A DBNUMERIC of up to 18 digits to its unscaled integer; returns 0, or -1 for a larger precision. */
static inline int numeric_scaled(const BYTE *data, long long *unscaled, int *scale) {
    const DBNUMERIC *n = (const DBNUMERIC *)data;
    if (n->precision > 18) return -1;
    int bytes = numeric_bytes[n->precision];
    unsigned long long magnitude = 0;
    for (int i = 1; i < bytes; i++) magnitude = magnitude << 8 | n->array[i];
    *unscaled = n->array[0] ? -(long long)magnitude : (long long)magnitude; /* FreeTDS: array[0] = 1 if negative */
    *scale = n->scale;
    return 0;
}

/* Decodes DB-Library's current row of `SELECT id, t, f, ts, n` into `row` (native values, read in place) and adds
 * its values to `checksum`; returns 0, or -1 for a decimal of more than 18 digits. */
static inline int decode_row(DBPROCESS *db, struct native_row *row, long *checksum) {
    memcpy(&row->id, dbdata(db, 1), sizeof row->id);
    row->t = dbdata(db, 2);
    row->t_len = dbdatlen(db, 2);
    memcpy(&row->f, dbdata(db, 3), sizeof row->f);
    DBDATETIMEALL ts;
    memcpy(&ts, dbdata(db, 4), sizeof ts);
    row->days = ts.date;
    row->time = ts.time;
    if (numeric_scaled(dbdata(db, 5), &row->n_unscaled, &row->n_scale) != 0) return -1;
    *checksum += row->id + row->t_len + (long)row->f + row->days + (long)(row->time / 10000000u) + row->n_unscaled +
                 row->n_scale + (row->t != NULL);
    return 0;
}

/* The fetch workload: every row of bench_fetch decoded to native values (struct native_row) from dbdata/dbdatlen in
 * place. A function of its own so that a profiler can count it alone
 * (`valgrind --tool=callgrind --toggle-collect=fetch_rows`); returns the rows, or -1 on an error.
 * DBLIB_FETCH_LENGTHS_ONLY=1 keeps the earlier loop, which took only the dbdatlen of the datetime2 and the decimal.
 * DBLIB_FETCH_CACHED=1 reads the one-size columns from addresses kept from the first row (FreeTDS keeps a non-blob
 * column's value at one address for a result set) and their NULLs from dbnullbind indicators, as MSSQLDriver's row
 * views do: the same work as the views, fewer calls than the usual loop. */
static __attribute__((noinline, noclone)) long fetch_rows(DBPROCESS *db, long *checksum, int lengths_only,
                                                          int cached) {
    long rows = 0;
    dbcmd(db, "SELECT id, t, f, ts, n FROM bench_fetch");
    if (dbsqlexec(db) == FAIL || dbresults(db) != SUCCEED) return -1;
    if (lengths_only) {
        while (dbnextrow(db) == REG_ROW) {
            DBINT id;
            memcpy(&id, dbdata(db, 1), sizeof id);
            DBFLT8 f;
            memcpy(&f, dbdata(db, 3), sizeof f);
            *checksum += id + dbdatlen(db, 2) + (long)f + dbdatlen(db, 4) + dbdatlen(db, 5);
            rows++;
        }
        drain(db);
        return rows;
    }
    struct native_row row;
    if (cached) {
        /* The one-size columns (1, 3, 4, 5) read from addresses taken on the first row, NULLs from dbnullbind
         * indicators; the text through dbdata/dbdatlen per row. MSSQLDriver's row views read this way. */
        DBINT nulls[6] = {0};
        for (int c = 1; c <= 5; c++)
            if (c != 2) dbnullbind(db, c, &nulls[c]);
        const BYTE *at[6] = {0};
        while (dbnextrow(db) == REG_ROW) {
            if (!at[1])
                for (int c = 1; c <= 5; c++) at[c] = dbdata(db, c);
            if (nulls[1] || nulls[3] || nulls[4] || nulls[5]) return -1; /* bench_fetch has no NULLs */
            memcpy(&row.id, at[1], sizeof row.id);
            row.t = dbdata(db, 2);
            row.t_len = dbdatlen(db, 2);
            memcpy(&row.f, at[3], sizeof row.f);
            DBDATETIMEALL ts;
            memcpy(&ts, at[4], sizeof ts);
            row.days = ts.date;
            row.time = ts.time;
            if (numeric_scaled(at[5], &row.n_unscaled, &row.n_scale) != 0) return -1;
            *checksum += row.id + row.t_len + (long)row.f + row.days + (long)(row.time / 10000000u) +
                         row.n_unscaled + row.n_scale + (row.t != NULL);
            rows++;
        }
        drain(db);
        return rows;
    }
    while (dbnextrow(db) == REG_ROW) {
        if (decode_row(db, &row, checksum) != 0) return -1;
        rows++;
    }
    drain(db);
    return rows;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: dblib_bench fetch | point N ROWS | many TABLE N | bcp TABLE N\n"); return 2; }
    const char *workload = argv[1];
    if (dbinit() == FAIL) return 1;
    dberrhandle(on_error);
    dbmsghandle(on_message);
    LOGINREC *login = dblogin();
    DBSETLUSER(login, env("DBLIB_USER", "sa"));
    DBSETLPWD(login, env("DBLIB_PASSWORD", ""));
    DBSETLAPP(login, "dblib_bench");
    DBSETLCHARSET(login, "UTF-8");
    DBSETLDBNAME(login, env("DBLIB_DATABASE", "master"));
    dbsetlversion(login, DBVERSION_74);
    BCP_SETL(login, 1);
    DBPROCESS *db = dbopen(login, env("DBLIB_SERVER", "127.0.0.1:1433"));
    if (!db) return 1;
    double t0 = 0, c0 = 0, p50 = -1, p99 = -1;
    long rows = 0, checksum = 0;
    if (strcmp(workload, "fetch") == 0) {
        t0 = now(); c0 = cpu();
        rows = fetch_rows(db, &checksum, strcmp(env("DBLIB_FETCH_LENGTHS_ONLY", "0"), "1") == 0,
                          strcmp(env("DBLIB_FETCH_CACHED", "0"), "1") == 0);
        if (rows < 0) return 1;
    } else if (strcmp(workload, "point") == 0 && argc >= 4) {
        long n = atol(argv[2]), table_rows = atol(argv[3]);
        double *latencies = malloc(sizeof(double) * (size_t)n);
        t0 = now(); c0 = cpu();
        for (long i = 0; i < n; i++) {
            double q0 = now();
            DBINT id = (DBINT)(i * 7919 % table_rows + 1);
            dbrpcinit(db, "sp_executesql", 0);
            param_text(db, "@stmt", "SELECT id, t, f, ts, n FROM bench_fetch WHERE id = @P1");
            param_text(db, "@params", "@P1 int");
            dbrpcparam(db, "@P1", 0, SYBINT4, -1, -1, (BYTE *)&id);
            if (dbrpcsend(db) == FAIL || dbsqlok(db) == FAIL) return 1;
            /* Every value of the row decoded, as the fetch workload does and as the drivers' point rows do. */
            struct native_row row = {0};
            while (dbresults(db) == SUCCEED)
                while (dbnextrow(db) == REG_ROW)
                    if (decode_row(db, &row, &checksum) != 0) return 1;
            if (row.id != id) { fprintf(stderr, "point select found no row\n"); return 1; }
            latencies[i] = (now() - q0) * 1e6;
        }
        rows = n;
        qsort(latencies, (size_t)n, sizeof(double), compare);
        p50 = latencies[n / 2];
        p99 = latencies[(long)(n * 0.99)];
        free(latencies);
    } else if ((strcmp(workload, "many") == 0 || strcmp(workload, "bcp") == 0) && argc >= 4) {
        const char *table = argv[2];
        long n = atol(argv[3]);
        char sql[256], t[64], num[32];
        double f;
        DBDATETIMEALL ts;
        snprintf(sql, sizeof sql, "TRUNCATE TABLE %s", table);
        if (run(db, sql) == FAIL) return 1;
        t0 = now(); c0 = cpu();
        if (strcmp(workload, "many") == 0) {
            if (run(db, "BEGIN TRAN") == FAIL) return 1;
            snprintf(sql, sizeof sql, "INSERT INTO %s (id, t, f, ts, n) VALUES (@P1, @P2, @P3, @P4, @P5)", table);
            /* Precision 19: TDS 7 sizes DECIMAL by precision class (9, 19, 28, 38) and FreeTDS sizes it by the
             * exact precision, so 12 would travel with a length the server rejects. */
            DBTYPEINFO info = {19, 2};
            for (long i = 0; i < n; i++) {
                DBINT id = (DBINT)i;
                DBDECIMAL dec;
                make_row(i, t, sizeof t, &f, &ts, num, sizeof num);
                dbconvert_ps(db, SYBCHAR, (BYTE *)num, (DBINT)strlen(num), SYBDECIMAL, (BYTE *)&dec, sizeof dec, &info);
                dbrpcinit(db, "sp_executesql", 0);
                param_text(db, "@stmt", sql);
                param_text(db, "@params", "@P1 int, @P2 nvarchar(100), @P3 float, @P4 datetime2, @P5 decimal(12,2)");
                dbrpcparam(db, "@P1", 0, SYBINT4, -1, -1, (BYTE *)&id);
                param_text(db, "@P2", t);
                dbrpcparam(db, "@P3", 0, SYBFLT8, -1, -1, (BYTE *)&f);
                dbrpcparam(db, "@P4", 0, SYBMSDATETIME2, -1, sizeof ts, (BYTE *)&ts);
                dbrpcparam(db, "@P5", 0, SYBDECIMAL, -1, sizeof dec, (BYTE *)&dec);
                if (dbrpcsend(db) == FAIL || dbsqlok(db) == FAIL || drain(db) == FAIL) return 1;
                rows++;
            }
            if (run(db, "COMMIT TRAN") == FAIL) return 1;
        } else {
            /* FreeTDS copies program variables to the wire as they are: nvarchar takes UCS-2 bytes. */
            unsigned char t16[128];
            DBINT id;
            if (bcp_init(db, table, NULL, NULL, DB_IN) == FAIL) return 1;
            bcp_bind(db, (BYTE *)&id, 0, -1, NULL, -1, SYBINT4, 1);
            bcp_bind(db, t16, 0, 0, NULL, -1, SYBCHAR, 2);
            bcp_bind(db, (BYTE *)&f, 0, -1, NULL, -1, SYBFLT8, 3);
            if (bcp_bind(db, (BYTE *)&ts, 0, -1, NULL, -1, SYBMSDATETIME2, 4) == FAIL)
                bcp_bind(db, (BYTE *)&ts, 0, sizeof ts, NULL, -1, SYBMSDATETIME2, 4);
            bcp_bind(db, (BYTE *)num, 0, 0, NULL, -1, SYBCHAR, 5);
            for (long i = 0; i < n; i++) {
                id = (DBINT)i;
                make_row(i, t, sizeof t, &f, &ts, num, sizeof num);
                size_t len = strlen(t);
                for (size_t k = 0; k < len; k++) { t16[2 * k] = (unsigned char)t[k]; t16[2 * k + 1] = 0; }
                bcp_collen(db, (DBINT)(2 * len), 2);
                bcp_collen(db, (DBINT)strlen(num), 5);
                if (bcp_sendrow(db) == FAIL) return 1;
            }
            DBINT copied = bcp_done(db);
            if (copied < 0) return 1;
            rows = copied;
        }
    } else {
        fprintf(stderr, "unknown workload %s\n", workload);
        return 2;
    }
    double seconds = now() - t0, cpus = cpu() - c0;
    printf("{\"rows\": %ld, \"seconds\": %.6f, \"cpu\": %.6f, \"p50_us\": %.3f, \"p99_us\": %.3f, \"checksum\": %ld}\n",
           rows, seconds, cpus, p50, p99, checksum);
    dbclose(db);
    dbexit();
    return 0;
}
