#!/usr/bin/env python3
"""Drives independent Python SQL Server clients against a TDS server (the sandbox) and checks what they see.

Usage: check_clients.py HOST PORT USER PASSWORD DATABASE CLIENT [CLIENT ...]
CLIENT is pytds (python-tds), pymssql or mssql_python (Microsoft's ODBC Driver 18 inside).
Each client runs: CRUD with row counts, typed NULLs, OUTPUT INSERTED, TOP, rollback, and the error numbers of a
missing table (208), a duplicate key (2627) and a failed conversion (245). Prints "CLIENT ok" per client that
passed and "CLIENT FAILED: …" otherwise; exits 1 if any failed, 2 if a client is not installed.
"""
import sys
import uuid
from decimal import Decimal


def connect(client, host, port, user, password, database):
    if client == "pytds":
        import pytds
        return pytds.connect(dsn=host, port=port, user=user, password=password, database=database, autocommit=False)
    if client == "pymssql":
        import pymssql
        return pymssql.connect(server=host, port=str(port), user=user, password=password, database=database)
    if client == "mssql_python":
        import mssql_python
        return mssql_python.connect(
            f"Server=tcp:{host},{port};Database={database};UID={user};PWD={password};Encrypt=no;"
            "TrustServerCertificate=yes")
    raise ValueError(client)


def error_number(client, error):
    for attribute in ("number", "msg_no"):
        value = getattr(error, attribute, None)
        if isinstance(value, int):
            return value
    if error.args and isinstance(error.args[0], int):
        return error.args[0]
    text = " ".join(str(arg) for arg in error.args)
    for number in (208, 2627, 245):
        if f"({number})" in text or f"Msg {number}" in text or f"Error {number}" in text or f" {number}," in text:
            return number
    if "Invalid object name" in text:
        return 208
    if "Violation of PRIMARY KEY" in text:
        return 2627
    if "Conversion failed" in text:
        return 245
    return text


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def check(client, connection):
    mark = "?" if client == "mssql_python" else "%s"
    cursor = connection.cursor()
    table = "pyc_" + uuid.uuid4().hex[:8]
    cursor.execute(
        f"CREATE TABLE {table} (id INT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(50) NOT NULL, qty INT NULL, "
        "price DECIMAL(10,2) NULL, code INT NULL)")
    connection.commit()
    try:
        cursor.execute(
            f"INSERT INTO {table} (name, qty, price) VALUES ({mark}, {mark}, {mark})", ("banana", 150, Decimal("1.25")))
        expect(cursor.rowcount == 1, f"insert rowcount {cursor.rowcount}")
        # Typed NULLs: every client sends None with a type of its own choosing.
        cursor.execute(f"INSERT INTO {table} (name, qty, price) VALUES ({mark}, {mark}, {mark})", ("orange", None, None))
        cursor.execute(f"INSERT INTO {table} (name, qty) OUTPUT INSERTED.id, INSERTED.name VALUES ({mark}, {mark})",
                       ("apple", 100))
        row = cursor.fetchone()
        expect(row is not None and row[1] == "apple" and row[0] == 3, f"OUTPUT INSERTED gave {row}")
        cursor.execute(f"UPDATE {table} SET qty = {mark} WHERE qty IS NULL", (7,))
        expect(cursor.rowcount == 1, f"update rowcount {cursor.rowcount}")
        cursor.execute(f"SELECT TOP 2 name, qty, price FROM {table} ORDER BY id")
        rows = [tuple(r) for r in cursor.fetchall()]
        expect(rows == [("banana", 150, Decimal("1.25")), ("orange", 7, None)], f"TOP 2 gave {rows}")
        cursor.execute(f"DELETE FROM {table} WHERE name = {mark}", ("apple",))
        expect(cursor.rowcount == 1, f"delete rowcount {cursor.rowcount}")
        connection.commit()

        cursor.execute(f"INSERT INTO {table} (name) VALUES ({mark})", ("ghost",))
        connection.rollback()
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE name = {mark}", ("ghost",))
        expect(cursor.fetchone()[0] == 0, "rollback kept the row")
        connection.commit()

        for sql, parameters, number in [
            ("SELECT * FROM no_such_table_" + uuid.uuid4().hex[:6], None, 208),
            (f"SET IDENTITY_INSERT {table} ON; INSERT INTO {table} (id, name) VALUES (1, N'dup')", None, 2627),
            (f"INSERT INTO {table} (name, code) VALUES ({mark}, {mark})", ("x", "not a number"), 245),
        ]:
            try:
                if parameters is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, parameters)
                raise AssertionError(f"no error from {sql}")
            except AssertionError:
                raise
            except Exception as error:  # noqa: BLE001 - each client has its own exception types
                got = error_number(client, error)
                expect(got == number, f"expected error {number}, got {got!r} from {sql}")
            try:
                connection.rollback()
            except Exception:  # noqa: BLE001
                pass
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        expect(cursor.fetchone()[0] == 2, "rows changed by failed statements")
    finally:
        try:
            connection.rollback()
        except Exception:  # noqa: BLE001
            pass
        cursor.execute(f"DROP TABLE {table}")
        connection.commit()


def main():
    host, port, user, password, database = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    failed = False
    for client in sys.argv[6:]:
        try:
            __import__(client)
        except ImportError:
            print(f"{client} not installed")
            sys.exit(2)
        try:
            connection = connect(client, host, port, user, password, database)
            try:
                check(client, connection)
            finally:
                connection.close()
            print(f"{client} ok")
        except Exception as error:  # noqa: BLE001
            failed = True
            print(f"{client} FAILED: {type(error).__name__}: {error}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
