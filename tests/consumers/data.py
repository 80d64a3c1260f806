"""The README's data one-liners, run against real `remedy build` output, with the types asserted.

    python3 tests/consumers/data.py REMEDY_BINARY

Builds two content roots into scratch folders: the project's own `content/`, and a small hostile
guide (ids that read as numbers, booleans or missing values, a step 1.10 beside a step 1.1,
quotes and commas inside a text). In each build folder it runs, verbatim, every line of the
README's data section that this script names (each must appear in README.md as written), then
checks what pandas, DuckDB, the sqlite3 shell and Frictionless made of the data: pandas dtypes,
DuckDB's typeof(), no '' where NULL belongs, ids and step numbers kept as text.

CI (.ci/run) installs the pinned consumers: pandas, duckdb with its sqlite extension, frictionless.
"""

import importlib.util
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import duckdb
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# The README's lines, exactly as a reader copies them.
PANDAS_SQL = """steps = pd.read_sql("SELECT * FROM steps", sqlite3.connect("out/sqlite/guides.db"), dtype_backend="numpy_nullable", dtype={"destructive": "boolean", "backup": "boolean", "resets": "boolean"})"""
PANDAS_CSV = """steps = pd.read_csv("out/csv/steps.csv", keep_default_na=False, na_values=[""], dtype={f["name"]: {"integer": "Int64", "boolean": "boolean"}.get(f["type"], "string") for f in next(r for r in json.load(open("out/csv/datapackage.json"))["resources"] if r["name"] == "steps")["schema"]["fields"]})"""
DUCKDB_SQLITE = """ATTACH 'out/sqlite/guides.db' AS guides (TYPE sqlite); SELECT * FROM guides.steps ORDER BY guide_id, method_id, reading_order;"""
DUCKDB_CSV = """SELECT * FROM read_csv('out/csv/steps.csv', types = {'guide_id': 'VARCHAR', 'method_id': 'VARCHAR', 'number': 'VARCHAR', 'step_id': 'VARCHAR', 'parent_number': 'VARCHAR', 'destructive': 'BOOLEAN', 'backup': 'BOOLEAN', 'resets': 'BOOLEAN'});"""
SQLITE_SHELL = """sqlite3 out/sqlite/guides.db "SELECT s.number, s.text FROM steps AS s JOIN methods AS m USING (guide_id, method_id) WHERE guide_id = 'resume-icloud-syncing' ORDER BY m.position, s.reading_order\""""
SQLITE_FTS = """sqlite3 out/sqlite/guides.db "SELECT guide_id, method_id, number FROM steps_fts WHERE steps_fts MATCH 'restart'\""""
FRICTIONLESS = """frictionless validate out/csv/datapackage.json"""

HOSTILE = """id: "007"
title: "Agent \\"007\\", the; guide"
summary: "Starts with a quote: \\", then a comma, and ends."
updated: 2026-01-02
causes:
  - id: "null"
    title: "NaN"
methods:
  - id: nan
    title: "=1+1"
    addresses: ["null"]
    risk: low
    steps:
      - text: "Top."
        id: "true"
        steps:
{steps}    pros: ["-1 dB"]
    cons: ["@"]
""".format(steps="".join(f"          - text: Sub-step {n}.\n" for n in range(1, 11)))

failures = []
passed = 0


def check(condition, message):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(message)
        print(f"FAIL {message}")


def readme_has(line):
    check(line in README, f"README.md lacks the line: {line}")


def duckdb_connection():
    con = duckdb.connect()
    # Offline, DuckDB cannot download its sqlite extension: take it from the pip package if
    # there is one (CI installs it), else let DuckDB install it on first use.
    spec = importlib.util.find_spec("duckdb_extension_sqlite_scanner")
    if spec and spec.origin:
        found = sorted(pathlib.Path(spec.origin).parent.glob("extensions/*/sqlite_scanner.duckdb_extension"))
        if found:
            con.execute(f"LOAD '{found[-1]}'")
    return con


def build(remedy, content, name):
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"remedy-data-{name}-"))
    shutil.copytree(content, folder / "content")
    subprocess.run([remedy, "-q", "build"], cwd=folder, check=True)
    return folder


def text_columns(con, table):
    return [row[1] for row in con.execute(f'PRAGMA table_info("{table}")') if row[2] == "TEXT"]


def check_build(folder, hostile):
    os.chdir(folder)
    label = "hostile" if hostile else "content"
    # sqlite3 shell: the database's own types, no '' anywhere, nothing dangling.
    con = sqlite3.connect("out/sqlite/guides.db")
    tables = [row[0] for row in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'steps_fts%' AND name <> 'remedy_meta'")]
    check(len(tables) >= 9, f"{label}: tables {tables}")
    for table in tables:
        for column in text_columns(con, table):
            empty = con.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" = \'\'').fetchone()[0]
            check(empty == 0, f"{label}: {table}.{column} holds '' {empty} times")
    check(con.execute("SELECT count(*) FROM pragma_foreign_key_check").fetchone()[0] == 0, f"{label}: foreign_key_check")
    check(con.execute("SELECT value FROM remedy_meta WHERE key = 'version'").fetchone() == ("1",), f"{label}: remedy_meta")
    if not hostile:
        shell = subprocess.run(SQLITE_SHELL, shell=True, check=True, capture_output=True, text=True).stdout.splitlines()
        check(len(shell) > 5 and shell[0].startswith("1|"), f"sqlite3 shell: {shell[:3]}")
        fts = subprocess.run(SQLITE_FTS, shell=True, check=True, capture_output=True, text=True).stdout.splitlines()
        check(len(fts) > 0, "sqlite3 shell: the FTS query found nothing")

    # pandas, from the database.
    steps = pd.read_sql("SELECT * FROM steps", sqlite3.connect("out/sqlite/guides.db"), dtype_backend="numpy_nullable", dtype={"destructive": "boolean", "backup": "boolean", "resets": "boolean"})
    for column in ["guide_id", "method_id", "number", "step_id", "parent_number", "text", "note"]:
        check(str(steps[column].dtype) == "string", f"{label}: read_sql steps.{column} is {steps[column].dtype}")
    for column in ["depth", "position", "reading_order"]:
        check(str(steps[column].dtype) == "Int64", f"{label}: read_sql steps.{column} is {steps[column].dtype}")
    for column in ["destructive", "backup", "resets"]:
        check(str(steps[column].dtype) == "boolean", f"{label}: read_sql steps.{column} is {steps[column].dtype}")
    check(len(steps[steps.destructive.fillna(False)]) == int(con.execute("SELECT count(*) FROM steps WHERE destructive = 1").fetchone()[0]), f"{label}: destructive mask")
    check(not (steps.select_dtypes("string") == "").any().any(), f"{label}: read_sql gives ''")
    from_sql = steps
    methods = pd.read_sql("SELECT * FROM methods", sqlite3.connect("out/sqlite/guides.db"), dtype_backend="numpy_nullable")
    # read_sql sees values, not declared types: a column that is NULL throughout has no type.
    if methods.time_max.notna().any():
        check(str(methods.time_max.dtype) == "Int64", f"{label}: methods.time_max is {methods.time_max.dtype}")

    # pandas, from the CSV.
    steps = pd.read_csv("out/csv/steps.csv", keep_default_na=False, na_values=[""], dtype={f["name"]: {"integer": "Int64", "boolean": "boolean"}.get(f["type"], "string") for f in next(r for r in json.load(open("out/csv/datapackage.json"))["resources"] if r["name"] == "steps")["schema"]["fields"]})
    check(list(steps.columns) == list(from_sql.columns), f"{label}: CSV and database columns differ")
    for column in from_sql.columns:
        check(str(steps[column].dtype) == str(from_sql[column].dtype), f"{label}: read_csv steps.{column} is {steps[column].dtype}, read_sql {from_sql[column].dtype}")
    check(steps.fillna(pd.NA).equals(from_sql.fillna(pd.NA)), f"{label}: CSV and database rows differ")

    # DuckDB, from the database and from the CSV.
    con = duckdb_connection()
    con.execute(DUCKDB_SQLITE)
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = 'guides' AND table_name = 'steps'").fetchall())
    for column, wanted in {"number": "VARCHAR", "parent_number": "VARCHAR", "step_id": "VARCHAR", "depth": "BIGINT", "reading_order": "BIGINT", "destructive": "BIGINT"}.items():
        check(types.get(column) == wanted, f"{label}: DuckDB sqlite steps.{column} is {types.get(column)}")
    typed = con.execute("SELECT typeof(number), typeof(depth), typeof(updated), typeof(time_max) FROM guides.steps JOIN guides.guides USING (guide_id) JOIN guides.methods USING (guide_id, method_id) LIMIT 1").fetchone()
    check(typed == ("VARCHAR", "BIGINT", "VARCHAR", "BIGINT"), f"{label}: DuckDB typeof {typed}")
    csv = con.execute(DUCKDB_CSV)
    csv_types = dict(zip([d[0] for d in csv.description], [str(d[1]) for d in csv.description]))
    for column, wanted in {"guide_id": "VARCHAR", "number": "VARCHAR", "parent_number": "VARCHAR", "depth": "BIGINT", "reading_order": "BIGINT", "destructive": "BOOLEAN"}.items():
        check(csv_types.get(column, "").upper() == wanted, f"{label}: DuckDB read_csv steps.{column} is {csv_types.get(column)}")

    if hostile:
        numbers = list(from_sql.number)
        check("1.10" in numbers and "1.1" in numbers, f"hostile: step numbers {numbers}")
        check(set(from_sql.parent_number.dropna()) == {"1"}, f"hostile: parents {set(from_sql.parent_number.dropna())}")
        check(list(from_sql.guide_id.unique()) == ["007"], f"hostile: guide ids {list(from_sql.guide_id.unique())}")
        check(list(steps.step_id.dropna()) == ["true"], f"hostile: step ids {list(steps.step_id.dropna())}")
        causes = pd.read_csv("out/csv/causes.csv", dtype={"guide_id": "string", "cause_id": "string"}, keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable")
        check(list(causes.cause_id) == ["null"] and list(causes.title) == ["NaN"], f"hostile: causes {causes.to_dict('records')}")
        summary = sqlite3.connect("out/sqlite/guides.db").execute("SELECT summary FROM guides").fetchone()[0]
        check(summary == 'Starts with a quote: ", then a comma, and ends.', f"hostile: summary {summary!r}")
        check(con.execute("SELECT list(number ORDER BY reading_order) FROM guides.steps").fetchone()[0][:3] == ["1", "1.1", "1.2"], "hostile: DuckDB reading order")

    # Frictionless: the data package's types and keys hold.
    result = subprocess.run(FRICTIONLESS, shell=True, capture_output=True, text=True)
    check(result.returncode == 0, f"{label}: frictionless validate failed:\n{result.stdout}\n{result.stderr}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: data.py REMEDY_BINARY")
    remedy = str(pathlib.Path(sys.argv[1]).resolve())
    # The shell lines run the consumers installed beside this Python (a virtual environment).
    os.environ["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    for line in [PANDAS_SQL, PANDAS_CSV, DUCKDB_SQLITE, DUCKDB_CSV, SQLITE_SHELL, SQLITE_FTS, FRICTIONLESS]:
        readme_has(line)
    project = build(remedy, ROOT / "content", "content")
    with tempfile.TemporaryDirectory() as hostile_content:
        (pathlib.Path(hostile_content) / "007.yaml").write_text(HOSTILE, encoding="utf-8")
        hostile = build(remedy, hostile_content, "hostile")
    try:
        check_build(project, hostile=False)
        check_build(hostile, hostile=True)
    finally:
        os.chdir(ROOT)
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(hostile, ignore_errors=True)
    print("data consumers: pandas (read_sql, read_csv), DuckDB (sqlite, read_csv), the sqlite3 shell, frictionless")
    print(f"checks: {passed} passed, {len(failures)} failed")
    if failures:
        sys.exit(1)


main()
