//! `remedy new`: a skeleton whose placeholders lint refuses until filled in, and nothing ever
//! overwritten.

use crate::support::Scratch;

#[test]
fn a_new_guide_is_refused_until_its_placeholders_are_filled_in() {
    let scratch = Scratch::new("new");
    let run = scratch.remedy(&[
        "new",
        "icloud-backup-stuck",
        "--title",
        "iCloud backup is stuck",
        "--folder",
        "icloud",
    ]);
    run.assert_code(0);
    let text = scratch.read("content/icloud/icloud-backup-stuck.yaml");
    assert!(text.contains("title: \"iCloud backup is stuck\""), "{text}");
    let run = scratch.remedy(&["lint", "--format", "json"]);
    run.assert_code(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    // Every placeholder sentence of the skeleton, and nothing else.
    assert_eq!(findings.len(), 15, "{}", run.stdout);
    for finding in &findings {
        assert_eq!(finding["rule"], "placeholder-text", "{finding}");
    }
    assert_eq!(findings[0]["line"], 10, "{}", run.stdout);
    // An export of the skeleton is refused like any guide with errors.
    scratch
        .remedy(&["export", "json", "-o", "out.json"])
        .assert_code(1);
    // Filled in, it passes.
    let filled = remedy_lint::rules::placeholder_text::SKELETON_TEXTS
        .iter()
        .enumerate()
        .fold(text, |text, (i, placeholder)| {
            text.replace(
                placeholder,
                &format!("Sentence number {i} written by the writer."),
            )
        });
    scratch.write("content/icloud/icloud-backup-stuck.yaml", &filled);
    scratch
        .remedy(&["lint", "--fail-on", "warning"])
        .assert_code(0);
}

#[test]
fn an_invalid_id_is_refused() {
    let scratch = Scratch::new("new-invalid");
    for id in ["Bad Id", "../escape", "a--b", "x_y"] {
        let run = scratch.remedy(&["new", id]);
        run.assert_code(2);
        assert!(run.stderr.contains("not a valid id"), "{}", run.stderr);
    }
    assert!(
        !scratch.root.join("content").exists()
            || std::fs::read_dir(scratch.root.join("content"))
                .map(|d| d.count())
                .unwrap_or(0)
                == 0
    );
}

#[test]
fn an_existing_guide_is_never_overwritten() {
    let scratch = Scratch::new("new-existing");
    scratch.write("content/other/taken.yaml", "mine\n");
    let run = scratch.remedy(&["new", "taken"]);
    run.assert_code(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(scratch.read("content/other/taken.yaml"), "mine\n");
    assert!(!scratch.root.join("content/taken.yaml").exists());
    scratch.remedy(&["new", "fresh"]).assert_code(0);
    let run = scratch.remedy(&["new", "fresh"]);
    run.assert_code(2);
}

#[test]
fn a_folder_outside_the_content_root_is_refused() {
    let scratch = Scratch::new("new-folder");
    let run = scratch.remedy(&["new", "ok-id", "--folder", "../outside"]);
    run.assert_code(2);
    assert!(!scratch.root.join("outside").exists());
}
