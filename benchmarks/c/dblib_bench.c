/*
 * The raw C ceiling for the SQL Server workloads, over FreeTDS DB-Library (wired into `bench` in a later issue,
 * against the TDS sandbox). Settings: DBLIB_SERVER (host:port), DBLIB_USER, DBLIB_PASSWORD, DBLIB_DATABASE.
 *
 *   dblib_bench fetch      fetch every row of bench_fetch (id int, t nvarchar, f float, ts datetime2,
 *                          n decimal(12,2)) into native values
 *
 * Prints one JSON object like benchmarks/c/pg_bench.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    (void)p; (void)severity; (void)dberr; (void)oserr; (void)ostext;
    fprintf(stderr, "db-library: %s\n", text);
    return INT_CANCEL;
}

static const char *env(const char *name, const char *fallback) {
    const char *value = getenv(name);
    return value && *value ? value : fallback;
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "fetch") != 0) { fprintf(stderr, "usage: dblib_bench fetch\n"); return 2; }
    if (dbinit() == FAIL) return 1;
    dberrhandle(on_error);
    LOGINREC *login = dblogin();
    DBSETLUSER(login, env("DBLIB_USER", "sa"));
    DBSETLPWD(login, env("DBLIB_PASSWORD", ""));
    DBSETLAPP(login, "dblib_bench");
    DBPROCESS *db = dbopen(login, env("DBLIB_SERVER", "127.0.0.1:1433"));
    if (!db) return 1;
    if (dbuse(db, env("DBLIB_DATABASE", "master")) == FAIL) return 1;
    double t0 = now(), c0 = cpu();
    dbcmd(db, "SELECT id, t, f, ts, n FROM bench_fetch");
    if (dbsqlexec(db) == FAIL || dbresults(db) != SUCCEED) return 1;
    long rows = 0, checksum = 0;
    DBINT id;
    DBFLT8 f;
    char t[256], n[64], ts[64];
    dbbind(db, 1, INTBIND, 0, (BYTE *)&id);
    dbbind(db, 2, NTBSTRINGBIND, sizeof t, (BYTE *)t);
    dbbind(db, 3, FLT8BIND, 0, (BYTE *)&f);
    dbbind(db, 4, NTBSTRINGBIND, sizeof ts, (BYTE *)ts);
    dbbind(db, 5, NTBSTRINGBIND, sizeof n, (BYTE *)n);
    while (dbnextrow(db) != NO_MORE_ROWS) {
        rows++;
        checksum += id + (long)strlen(t) + (long)f + (long)strlen(n) + (long)strlen(ts);
    }
    double seconds = now() - t0, cpus = cpu() - c0;
    printf("{\"rows\": %ld, \"seconds\": %.6f, \"cpu\": %.6f, \"p50_us\": -1, \"p99_us\": -1, \"checksum\": %ld}\n",
           rows, seconds, cpus, checksum);
    dbclose(db);
    dbexit();
    return 0;
}
