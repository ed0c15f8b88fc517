"""pymssql side of the SQL Server benchmark workloads (the peer MSSQLDriver is compared with), run against the
TDS sandbox. Settings: DBLIB_SERVER (host:port), DBLIB_USER, DBLIB_PASSWORD, DBLIB_DATABASE. Usage mirrors
benchmarks/c/dblib_bench.c:

    python mssql_bench.py fetch | point N ROWS | many TABLE N | bcp TABLE N

Prints one JSON object: rows, seconds (wall), cpu (time.process_time() during the workload), p50_us / p99_us.
"""
import datetime
import decimal
import json
import os
import sys
import time

import pymssql

BASE = datetime.datetime(2020, 1, 1)


def row(i):
    return (i, f"row number {i}", i * 0.5, BASE + datetime.timedelta(seconds=i),
            decimal.Decimal(f"{i % 100000}.25"))


def main():
    workload = sys.argv[1]
    host, port = os.environ.get("DBLIB_SERVER", "127.0.0.1:1433").rsplit(":", 1)
    conn = pymssql.connect(server=host, port=port, user=os.environ.get("DBLIB_USER", "sa"),
                           password=os.environ.get("DBLIB_PASSWORD", ""),
                           database=os.environ.get("DBLIB_DATABASE", "master"), tds_version="7.4")
    p50 = p99 = -1.0
    checksum = 0
    if workload == "fetch":
        t0, c0 = time.perf_counter(), time.process_time()
        cur = conn.cursor()
        cur.execute("SELECT id, t, f, ts, n FROM bench_fetch")
        rows = 0
        for r in cur:
            rows += 1
            checksum += r[0] + len(r[1])
    elif workload == "point":
        n, table_rows = int(sys.argv[2]), int(sys.argv[3])
        latencies = []
        cur = conn.cursor()
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(n):
            q0 = time.perf_counter()
            cur.execute("SELECT id, t, f, ts, n FROM bench_fetch WHERE id = %s", (i * 7919 % table_rows + 1,))
            r = cur.fetchone()
            checksum += r[0]
            latencies.append((time.perf_counter() - q0) * 1e6)
        rows = n
        latencies.sort()
        p50, p99 = latencies[n // 2], latencies[int(n * 0.99)]
    elif workload in ("many", "bcp"):
        table, rows = sys.argv[2], int(sys.argv[3])
        cur = conn.cursor()
        cur.execute(f"TRUNCATE TABLE {table}")
        conn.commit()
        t0, c0 = time.perf_counter(), time.process_time()
        if workload == "many":
            cur.executemany(f"INSERT INTO {table} (id, t, f, ts, n) VALUES (%s, %s, %s, %s, %s)",
                            [row(i) for i in range(rows)])
        else:
            conn.bulk_copy(table, (row(i) for i in range(rows)), batch_size=rows)
        conn.commit()
    else:
        sys.exit(f"unknown workload {workload}")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "p50_us": p50, "p99_us": p99,
                      "checksum": checksum}))
    conn.close()


if __name__ == "__main__":
    main()
