/*
 * The raw C ceiling for the PostgreSQL benchmark workloads: the same work as the Swift driver, straight over
 * libpq. Connection settings come from libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
 * PGDATABASE, PGSSLMODE).
 *
 *   pg_bench fetch                 fetch every row of bench_fetch into native values
 *   pg_bench point N ROWS          N prepared single-row SELECTs by id in 1...ROWS (latencies)
 *   pg_bench many TABLE N          insert N rows with a pipelined prepared INSERT, one transaction
 *   pg_bench copy TABLE N          COPY N rows in binary format, one transaction
 *
 * Prints one JSON object: rows, seconds (wall), cpu (user+system seconds of this process during the workload),
 * and for `point` p50_us / p99_us.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void die(PGconn *conn, const char *what) {
    fprintf(stderr, "%s: %s\n", what, PQerrorMessage(conn));
    exit(1);
}

static void exec_ok(PGconn *conn, const char *sql) {
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) die(conn, sql);
    PQclear(r);
}

static uint16_t be16(const char *p) { uint16_t v; memcpy(&v, p, 2); return ntohs(v); }
static uint32_t be32(const char *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }
static uint64_t be64(const char *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }

/* Binary numeric to decimal text, as the drivers do. Returns the length. */
static int numeric_text(const char *p, char *out) {
    int n = (int16_t)be16(p), weight = (int16_t)be16(p + 2), sign = be16(p + 4), scale = be16(p + 6);
    int len = 0;
    if (sign == 0x4000) out[len++] = '-';
    if (weight < 0) out[len++] = '0';
    for (int g = 0; g <= weight; g++) {
        int d = g < n ? (int16_t)be16(p + 8 + 2 * g) : 0;
        if (g == 0) len += sprintf(out + len, "%d", d);
        else { out[len++] = '0' + d / 1000; out[len++] = '0' + d / 100 % 10; out[len++] = '0' + d / 10 % 10; out[len++] = '0' + d % 10; }
    }
    if (scale > 0) {
        out[len++] = '.';
        int written = 0;
        for (int g = weight + 1; written < scale; g++) {
            int d = (g >= 0 && g < n) ? (int16_t)be16(p + 8 + 2 * g) : 0;
            for (int div = 1000; div > 0 && written < scale; div /= 10, written++) { out[len++] = '0' + d / div; d %= div; }
        }
    }
    out[len] = 0;
    return len;
}

struct native_row { int32_t id; char *t; double f; int64_t ts; char n[48]; };

static long decode_row(PGresult *r, int row, struct native_row *out) {
    out->id = (int32_t)be32(PQgetvalue(r, row, 0));
    int tlen = PQgetlength(r, row, 1);
    out->t = malloc(tlen + 1);
    memcpy(out->t, PQgetvalue(r, row, 1), tlen);
    out->t[tlen] = 0;
    uint64_t bits = be64(PQgetvalue(r, row, 2));
    memcpy(&out->f, &bits, 8);
    out->ts = (int64_t)be64(PQgetvalue(r, row, 3));
    int nlen = numeric_text(PQgetvalue(r, row, 4), out->n);
    long sum = out->id + tlen + nlen + (long)(out->ts & 0xff) + (long)out->f;
    free(out->t);
    return sum;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: pg_bench fetch|point|many|copy ...\n"); return 2; }
    PGconn *conn = PQconnectdb("");
    if (PQstatus(conn) != CONNECTION_OK) die(conn, "connect");
    const char *workload = argv[1];
    double t0, c0, p50 = -1, p99 = -1;
    long rows = 0, checksum = 0;

    if (strcmp(workload, "fetch") == 0) {
        t0 = now(); c0 = cpu();
        PGresult *r = PQexecParams(conn, "SELECT id, t, f, ts, n FROM bench_fetch", 0, NULL, NULL, NULL, NULL, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) die(conn, "fetch");
        rows = PQntuples(r);
        struct native_row row;
        for (int i = 0; i < rows; i++) checksum += decode_row(r, i, &row);
        PQclear(r);
    } else if (strcmp(workload, "point") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 10000;
        long table_rows = argc > 3 ? atol(argv[3]) : 1000000;
        double *lat = malloc(sizeof(double) * n);
        PGresult *prep = PQprepare(conn, "pt", "SELECT id, t, f, ts, n FROM bench_fetch WHERE id = $1", 1, NULL);
        if (PQresultStatus(prep) != PGRES_COMMAND_OK) die(conn, "prepare");
        PQclear(prep);
        t0 = now(); c0 = cpu();
        for (int i = 0; i < n; i++) {
            uint32_t id = htonl((uint32_t)((long)i * 7919 % table_rows + 1));
            const char *values[1] = {(const char *)&id};
            int lengths[1] = {4}, formats[1] = {1};
            double q0 = now();
            PGresult *r = PQexecPrepared(conn, "pt", 1, values, lengths, formats, 1);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) die(conn, "point");
            struct native_row row;
            checksum += decode_row(r, 0, &row);
            PQclear(r);
            lat[i] = (now() - q0) * 1e6;
        }
        rows = n;
        qsort(lat, n, sizeof(double), cmp_double);
        p50 = lat[n / 2];
        p99 = lat[(int)(n * 0.99)];
        free(lat);
    } else if (strcmp(workload, "many") == 0 || strcmp(workload, "copy") == 0) {
        const char *table = argv[2];
        rows = atol(argv[3]);
        char sql[256];
        snprintf(sql, sizeof sql, "TRUNCATE %s", table);
        exec_ok(conn, sql);
        t0 = now(); c0 = cpu();
        exec_ok(conn, "BEGIN");
        if (workload[0] == 'm') {
            snprintf(sql, sizeof sql, "INSERT INTO %s (id, t, f, ts, n) VALUES ($1, $2, $3, $4, $5)", table);
            if (!PQenterPipelineMode(conn)) die(conn, "pipeline");
            PQsendPrepare(conn, "", sql, 5, NULL);
            long sent = 0, read = -1; /* -1: the prepare's result */
            char id[24], t[48], f[32], ts[32], n[32];
            const char *values[5] = {id, t, f, ts, n};
            for (long i = 0; i < rows; i++) {
                snprintf(id, sizeof id, "%ld", i);
                snprintf(t, sizeof t, "row number %ld", i);
                snprintf(f, sizeof f, "%.17g", i * 0.5);
                time_t secs = 1577836800 + i;
                struct tm tm;
                gmtime_r(&secs, &tm);
                strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
                snprintf(n, sizeof n, "%ld.25", i % 100000);
                if (!PQsendQueryPrepared(conn, "", 5, values, NULL, NULL, 0)) die(conn, "send");
                sent++;
                if (sent % 512 == 0) {
                    PQsendFlushRequest(conn);
                    PQflush(conn);
                    while (read < sent - 512) {
                        PGresult *r = PQgetResult(conn);
                        if (PQresultStatus(r) != PGRES_COMMAND_OK) die(conn, "insert");
                        PQclear(r);
                        PQclear(PQgetResult(conn));
                        read++;
                    }
                }
            }
            PQpipelineSync(conn);
            while (read < sent) {
                PGresult *r = PQgetResult(conn);
                if (PQresultStatus(r) != PGRES_COMMAND_OK) die(conn, "insert");
                PQclear(r);
                PQclear(PQgetResult(conn));
                read++;
            }
            PGresult *sync = PQgetResult(conn);
            if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC) die(conn, "sync");
            PQclear(sync);
            PQexitPipelineMode(conn);
        } else {
            snprintf(sql, sizeof sql, "COPY %s (id, t, f, ts, n) FROM STDIN (FORMAT binary)", table);
            PGresult *r = PQexec(conn, sql);
            if (PQresultStatus(r) != PGRES_COPY_IN) die(conn, "copy");
            PQclear(r);
            size_t cap = 1 << 18, len = 0;
            char *buf = malloc(cap + 256);
            memcpy(buf, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
            len = 19;
#define PUT16(v) do { uint16_t x = htons((uint16_t)(v)); memcpy(buf + len, &x, 2); len += 2; } while (0)
#define PUT32(v) do { uint32_t x = htonl((uint32_t)(v)); memcpy(buf + len, &x, 4); len += 4; } while (0)
#define PUT64(v) do { uint64_t x = htobe64((uint64_t)(v)); memcpy(buf + len, &x, 8); len += 8; } while (0)
            for (long i = 0; i < rows; i++) {
                PUT16(5);
                PUT32(4); PUT32(i);
                char t[48];
                int tl = snprintf(t, sizeof t, "row number %ld", i);
                PUT32(tl); memcpy(buf + len, t, tl); len += tl;
                double f = i * 0.5; uint64_t fb; memcpy(&fb, &f, 8);
                PUT32(8); PUT64(fb);
                PUT32(8); PUT64((int64_t)(1577836800 - 946684800 + i) * 1000000);
                /* numeric i % 100000 + .25: weight 1 or 0 groups, dscale 2 */
                long whole = i % 100000;
                int groups = 0; int16_t g[4]; int weight;
                if (whole >= 10000) { g[groups++] = whole / 10000; g[groups++] = whole % 10000; weight = 1; }
                else if (whole > 0) { g[groups++] = whole; weight = 0; }
                else { weight = -1; }
                g[groups++] = 2500;
                PUT32(8 + 2 * groups); PUT16(groups); PUT16(weight); PUT16(0); PUT16(2);
                for (int k = 0; k < groups; k++) PUT16(g[k]);
                if (len >= cap) { if (PQputCopyData(conn, buf, (int)len) != 1) die(conn, "put"); len = 0; }
            }
            PUT16(0xFFFF);
            if (PQputCopyData(conn, buf, (int)len) != 1 || PQputCopyEnd(conn, NULL) != 1) die(conn, "end");
            r = PQgetResult(conn);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) die(conn, "copy result");
            PQclear(r);
            while ((r = PQgetResult(conn)) != NULL) PQclear(r);
            free(buf);
        }
        exec_ok(conn, "COMMIT");
    } else {
        fprintf(stderr, "unknown workload %s\n", workload);
        return 2;
    }
    double seconds = now() - t0, cpus = cpu() - c0;
    printf("{\"rows\": %ld, \"seconds\": %.6f, \"cpu\": %.6f, \"p50_us\": %.2f, \"p99_us\": %.2f, \"checksum\": %ld}\n",
           rows, seconds, cpus, p50, p99, checksum);
    PQfinish(conn);
    return 0;
}
