//! `remedy build` and the exports: refusal on lint errors, `--force`, what lands where.

use crate::support::{Scratch, clean_guide};

#[test]
fn build_writes_every_export_of_the_project_content() {
    let scratch = Scratch::new("build");
    scratch.copy_from_repo("content", "content");
    let run = scratch.remedy(&["build"]);
    run.assert_code(0);
    for file in [
        "out/json/guides.json",
        "out/csv/guides.csv",
        "out/csv/causes.csv",
        "out/csv/methods.csv",
        "out/csv/steps.csv",
        "out/csv/pros_cons.csv",
        "out/csv/faq.csv",
        "out/csv/datapackage.json",
        "out/csv/method_causes.csv",
        "out/csv/scenarios.csv",
        "out/csv/related.csv",
        "out/sqlite/guides.db",
        "out/pdf/handbook.pdf",
    ] {
        let path = scratch.root.join(file);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(size > 0, "{file} missing or empty");
    }
    // One handout per guide the content holds, however many that is.
    let stems = guide_stems(&scratch.root.join("content"));
    assert!(!stems.is_empty());
    for stem in &stems {
        let path = scratch.root.join(format!("out/pdf/{stem}.pdf"));
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(size > 0, "{} missing or empty", path.display());
    }
    let json: serde_json::Value = serde_json::from_str(&scratch.read("out/json/guides.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["guides"].as_array().map(Vec::len), Some(stems.len()));
}

/// The file stems of every guide under `root`.
fn guide_stems(root: &std::path::Path) -> Vec<String> {
    let mut stems = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
                && let Some(stem) = path.file_stem()
            {
                stems.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    stems.sort();
    stems
}

#[test]
fn build_removes_the_outputs_of_a_deleted_guide_and_only_those() {
    let scratch = Scratch::new("build-stale");
    scratch.write("content/first.yaml", &clean_guide("first"));
    scratch.write("content/second.yaml", &clean_guide("second"));
    scratch.remedy(&["build", "-q"]).assert_code(0);
    assert!(scratch.root.join("out/pdf/second.pdf").is_file());
    // A file the user keeps in the output folder is not the build's to remove.
    scratch.write("out/pdf/notes.pdf", "mine");
    scratch.write("out/README.txt", "mine too");
    std::fs::remove_file(scratch.root.join("content/second.yaml")).unwrap_or_default();
    scratch.remedy(&["build", "-q"]).assert_code(0);
    assert!(!scratch.root.join("out/pdf/second.pdf").exists());
    assert!(scratch.root.join("out/pdf/first.pdf").is_file());
    assert!(scratch.root.join("out/pdf/handbook.pdf").is_file());
    assert_eq!(scratch.read("out/pdf/notes.pdf"), "mine");
    assert_eq!(scratch.read("out/README.txt"), "mine too");
    let json: serde_json::Value = serde_json::from_str(&scratch.read("out/json/guides.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["guides"].as_array().map(Vec::len), Some(1));
}

#[test]
fn exports_refuse_while_lint_errors_remain_unless_forced() {
    let scratch = Scratch::new("export-refuse");
    scratch.write("content/good.yaml", &clean_guide("good"));
    scratch.write("content/bad.yaml", &clean_guide("not-bad"));
    let run = scratch.remedy(&["export", "json", "-o", "out.json"]);
    run.assert_code(1);
    assert!(run.stderr.contains("id-mismatch"), "{}", run.stderr);
    assert!(!scratch.root.join("out.json").exists());
    // The export was staged while the lint ran: refused, it leaves nothing behind.
    let run = scratch.remedy(&["export", "csv", "-o", "tables"]);
    run.assert_code(1);
    let left: Vec<String> = std::fs::read_dir(&scratch.root)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name != "content")
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    let run = scratch.remedy(&["export", "sqlite", "-o", "db/guides.db"]);
    run.assert_code(1);
    assert!(run.stderr.contains("id-mismatch"), "{}", run.stderr);
    assert!(
        !scratch.root.join("db").exists(),
        "a refused database left a trace"
    );
    let run = scratch.remedy(&["build"]);
    run.assert_code(1);
    assert!(!scratch.root.join("out").exists());
    let run = scratch.remedy(&["export", "json", "-o", "out.json", "--force"]);
    run.assert_code(0);
    assert!(scratch.root.join("out.json").exists());
    let run = scratch.remedy(&["export", "sqlite", "-o", "db/guides.db", "--force"]);
    run.assert_code(0);
    assert!(scratch.root.join("db/guides.db").is_file());
}

#[test]
fn json_to_standard_output_and_jsonl() {
    let scratch = Scratch::new("export-stdout");
    scratch.write("content/one.yaml", &clean_guide("one"));
    scratch.write("content/two.yaml", &clean_guide("two"));
    let run = scratch.remedy(&["export", "json", "-o", "-", "--jsonl"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    for line in lines {
        let guide: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        assert!(guide["id"].is_string());
    }
}

#[test]
fn exports_are_byte_identical_across_runs() {
    let scratch = Scratch::new("build-determinism");
    scratch.copy_from_repo("content", "content");
    scratch.remedy(&["build", "--out", "first"]).assert_code(0);
    scratch.remedy(&["build", "--out", "second"]).assert_code(0);
    for file in [
        "json/guides.json",
        "csv/steps.csv",
        "csv/datapackage.json",
        "csv/related.csv",
        "sqlite/guides.db",
        "pdf/resume-icloud-syncing.pdf",
        "pdf/handbook.pdf",
    ] {
        let first = std::fs::read(scratch.root.join("first").join(file)).unwrap_or_default();
        let second = std::fs::read(scratch.root.join("second").join(file)).unwrap_or_default();
        assert!(!first.is_empty(), "{file}");
        assert!(first == second, "{file} differs between two runs");
    }
}

#[test]
fn an_output_path_that_is_a_file_is_an_error_naming_it() {
    let scratch = Scratch::new("export-badout");
    scratch.write("content/one.yaml", &clean_guide("one"));
    scratch.write("taken", "a file");
    let run = scratch.remedy(&["export", "csv", "-o", "taken"]);
    run.assert_code(2);
    assert!(run.stderr.contains("taken"), "{}", run.stderr);
    assert_eq!(scratch.read("taken"), "a file");
}

/// `export json` and `export csv` stream each guide out while the lint runs, in rounds of files;
/// `build` keeps the guides and writes from memory. Across several rounds, a stale output
/// beside them and guides in nested folders, both must give the very same bytes, in content
/// order.
#[test]
fn streamed_exports_match_the_exports_written_from_memory() {
    let scratch = Scratch::new("export-streamed");
    let mut ids: Vec<String> = (0..300).map(|n| format!("guide-{n:03}")).collect();
    // Folders sort before files at the same level, and names are not in numeric order.
    ids.reverse();
    for (n, id) in ids.iter().enumerate() {
        // A related guide's title comes from that guide, often one exported later.
        let next = &ids[(n + 1) % ids.len()];
        let guide = format!("{}related:\n  - {next}\n", clean_guide(id));
        scratch.write(&format!("content/{}/{id}.yaml", n % 7), &guide);
    }
    scratch.write("streamed/csv/guides.csv", "stale\r\n");
    scratch.remedy(&["build"]).assert_code(0);
    scratch
        .remedy(&["export", "json", "-o", "streamed/guides.json"])
        .assert_code(0);
    scratch
        .remedy(&["export", "json", "--jsonl", "-o", "streamed/guides.jsonl"])
        .assert_code(0);
    scratch
        .remedy(&["export", "csv", "-o", "streamed/csv"])
        .assert_code(0);
    scratch
        .remedy(&["export", "sqlite", "-o", "streamed/guides.db"])
        .assert_code(0);
    let database = |path: &str| std::fs::read(scratch.root.join(path)).unwrap_or_default();
    assert!(!database("out/sqlite/guides.db").is_empty());
    assert!(
        database("streamed/guides.db") == database("out/sqlite/guides.db"),
        "the streamed database differs from the one written from memory"
    );
    let related = scratch.read("streamed/csv/related.csv");
    assert_eq!(related.lines().count(), 301, "{related}");
    for line in related.lines().skip(1) {
        assert!(line.contains(",Guide guide-"), "no title: {line}");
    }
    assert_eq!(
        scratch.read("streamed/guides.json"),
        scratch.read("out/json/guides.json")
    );
    for table in [
        "guides.csv",
        "causes.csv",
        "methods.csv",
        "steps.csv",
        "pros_cons.csv",
        "faq.csv",
        "method_causes.csv",
        "scenarios.csv",
        "related.csv",
        "datapackage.json",
    ] {
        assert_eq!(
            scratch.read(&format!("streamed/csv/{table}")),
            scratch.read(&format!("out/csv/{table}")),
            "{table}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&scratch.read("streamed/guides.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let order: Vec<&str> = json["guides"]
        .as_array()
        .map(|guides| guides.iter().filter_map(|g| g["source"].as_str()).collect())
        .unwrap_or_default();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order.len(), 300);
    assert_eq!(order, sorted, "guides in content order");
    let lines: Vec<serde_json::Value> = scratch
        .read("streamed/guides.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(
        lines.as_slice(),
        json["guides"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
    );
}

#[test]
fn a_forced_database_export_leaves_out_a_guide_it_cannot_store_and_exits_1() {
    let scratch = Scratch::new("export-sqlite-left-out");
    scratch.write("content/good.yaml", &clean_guide("good"));
    scratch.write(
        "content/bad.yaml",
        &clean_guide("bad").replace("    risk: very-low\n", "    ease: 9\n    risk: very-low\n"),
    );
    let run = scratch.remedy(&["export", "sqlite", "-o", "guides.db"]);
    run.assert_code(1);
    assert!(!scratch.root.join("guides.db").exists());
    let run = scratch.remedy(&["export", "sqlite", "-o", "guides.db", "--force"]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("the guide `bad` was left out of the database: CHECK constraint failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("wrote 1 guide to guides.db"),
        "{}",
        run.stderr
    );
    let db = std::fs::read(scratch.root.join("guides.db")).unwrap_or_default();
    assert!(db.starts_with(b"SQLite format 3\0"));
    // Standard output is no place for a database.
    let run = scratch.remedy(&["export", "sqlite", "-o", "-"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("name the file to write"),
        "{}",
        run.stderr
    );
    assert!(!scratch.root.join("-").exists());
    // The CSV export of the same guides writes what it was given.
    scratch
        .remedy(&["export", "csv", "-o", "tables", "--force"])
        .assert_code(0);
    assert!(
        scratch
            .read("tables/methods.csv")
            .contains("\r\nbad,restart,1,")
    );
}

#[test]
fn a_forced_database_export_of_hostile_files_holds_only_the_guides_that_loaded() {
    let scratch = Scratch::new("export-sqlite-hostile");
    scratch.write("content/good.yaml", &clean_guide("good"));
    scratch.write("content/broken.yaml", "id: broken\ntitle: [unclosed\n");
    scratch.write("content/empty.yaml", "");
    scratch.write(
        "content/evil.yaml",
        &clean_guide("evil").replace("id: evil", "id: ../../evil"),
    );
    let csv = scratch.remedy(&["export", "csv", "--force", "-o", "tables"]);
    let run = scratch.remedy(&["export", "sqlite", "--force", "-o", "db/guides.db"]);
    // The same verdict as the CSV export of the same files.
    run.assert_code(csv.code);
    assert!(
        run.stderr.contains("content/evil.yaml not exported"),
        "{}",
        run.stderr
    );
    let db = rusqlite::Connection::open(scratch.root.join("db/guides.db"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<String> = db
        .prepare("SELECT guide_id FROM guides")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids, ["good"]);
    let dangling: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dangling, 0);
    let left: Vec<String> = std::fs::read_dir(scratch.root.join("db"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(left, ["guides.db"]);
}

#[test]
fn csv_tables_to_standard_output_are_a_usage_error() {
    let scratch = Scratch::new("csv-stdout");
    scratch.write("content/one.yaml", &clean_guide("one"));
    let run = scratch.remedy(&["export", "csv", "-o", "-"]);
    run.assert_code(2);
    assert_eq!(
        run.stderr,
        "remedy: error: CSV tables cannot be written to standard output; name the folder to write them into, e.g. `-o tables`\n"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // Not a folder named `-`.
    assert!(!scratch.root.join("-").exists());
}
