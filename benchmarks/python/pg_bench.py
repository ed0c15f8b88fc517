"""psycopg 3 side of the PostgreSQL benchmark workloads (the peer the Swift driver is compared with).

Connection settings come from libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
PGSSLMODE). Usage mirrors benchmarks/c/pg_bench.c:

    python pg_bench.py fetch | point N ROWS | many TABLE N | copy TABLE N | pool N

`pool N` is psycopg_pool's side of the pool workload: N acquire + release pairs (getconn / putconn) of an unused
connection on a warm pool of one, from one thread, with per-operation latencies, as PGDriver's pool is measured.

Prints one JSON object: rows, seconds (wall), cpu (time.process_time() of this process during the workload) and
p50_us / p99_us for `point`.
"""
import datetime
import decimal
import json
import sys
import time

import psycopg

BASE = datetime.datetime(2020, 1, 1)


def row(i):
    return (i, f"row number {i}", i * 0.5, BASE + datetime.timedelta(seconds=i),
            decimal.Decimal(f"{i % 100000}.25"))


def main():
    workload = sys.argv[1]
    conn = psycopg.connect("")
    p50 = p99 = -1.0
    checksum = 0
    if workload == "fetch":
        t0, c0 = time.perf_counter(), time.process_time()
        with conn.cursor() as cur:
            cur.execute("SELECT id, t, f, ts, n FROM bench_fetch")
            rows = 0
            for r in cur:
                rows += 1
                checksum += r[0] + len(r[1])
    elif workload == "point":
        n, table_rows = int(sys.argv[2]), int(sys.argv[3])
        latencies = []
        t0, c0 = time.perf_counter(), time.process_time()
        with conn.cursor() as cur:
            for i in range(n):
                q0 = time.perf_counter()
                cur.execute("SELECT id, t, f, ts, n FROM bench_fetch WHERE id = %s", (i * 7919 % table_rows + 1,))
                r = cur.fetchone()
                checksum += r[0]
                latencies.append((time.perf_counter() - q0) * 1e6)
        rows = n
        latencies.sort()
        p50, p99 = latencies[n // 2], latencies[int(n * 0.99)]
    elif workload in ("many", "copy"):
        table, rows = sys.argv[2], int(sys.argv[3])
        with conn.cursor() as cur:
            cur.execute(f"TRUNCATE {table}")
        conn.commit()
        t0, c0 = time.perf_counter(), time.process_time()
        with conn.cursor() as cur:
            if workload == "many":
                cur.executemany(f"INSERT INTO {table} (id, t, f, ts, n) VALUES (%s, %s, %s, %s, %s)",
                                (row(i) for i in range(rows)))
            else:
                with cur.copy(f"COPY {table} (id, t, f, ts, n) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int4", "text", "float8", "timestamp", "numeric"])
                    for i in range(rows):
                        copy.write_row(row(i))
        conn.commit()
    elif workload == "pool":
        from psycopg_pool import ConnectionPool

        conn.close()
        n = int(sys.argv[2])
        pool = ConnectionPool("", min_size=1, max_size=1, open=True)
        pool.wait()
        pool.putconn(pool.getconn())  # warm: one open connection, idle
        latencies = []
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            q0 = time.perf_counter()
            pool.putconn(pool.getconn())
            latencies.append((time.perf_counter() - q0) * 1e6)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        pool.close()
        latencies.sort()
        print(json.dumps({"rows": n, "seconds": seconds, "cpu": cpu, "p50_us": latencies[n // 2],
                          "p99_us": latencies[int(n * 0.99)], "checksum": 0}))
        return
    else:
        sys.exit(f"unknown workload {workload}")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "p50_us": p50, "p99_us": p99,
                      "checksum": checksum}))
    conn.close()


if __name__ == "__main__":
    main()
