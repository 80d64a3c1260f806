//! The editor's linter ([`Workspace`]) gives what `remedy lint` gives: every rule's fixture
//! folder linted whole, then each of its files linted alone from its text against the
//! workspace's index, must produce the same findings, positions and messages.

mod common;

use std::path::Path;

use remedy_lint::{Finding, Workspace, rules};

#[test]
fn every_fixture_file_linted_alone_gives_the_findings_of_the_whole_run() {
    let mut compared = 0;
    for rule in rules::registry() {
        let folder = common::fixtures().join(rule.name);
        let config = common::folder_config(&folder);
        let report = common::run(&common::request(&folder, config.clone(), &[]));
        let mut workspace = Workspace::load(config, &folder);
        for file in &report.files {
            let path = folder.join(file);
            // Only what an editor can hold: text files.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            workspace.set_text(&path, text);
            let alone = match workspace.lint(&path) {
                Ok(findings) => findings,
                Err(error) => panic!("{}: {error}", path.display()),
            };
            let whole: Vec<&Finding> = report.findings.iter().filter(|f| &f.file == file).collect();
            let alone: Vec<&Finding> = alone.iter().collect();
            assert_eq!(alone, whole, "{}", file.display());
            compared += 1;
        }
    }
    assert!(compared > 20, "only {compared} files compared");
}

#[test]
fn a_changed_id_in_one_guide_dangles_in_another_until_it_is_back() {
    let scratch = common::Scratch::new("workspace-cross");
    let target = common::guide("target", "");
    let a = scratch.write("content/target.yaml", &target);
    let b = scratch.write(
        "content/user.yaml",
        &common::guide("user", "        see: target#fix\n"),
    );
    let config = remedy_lint::Config {
        content: scratch.0.join("content"),
        ..remedy_lint::Config::default()
    };
    let mut workspace = Workspace::load(config, &scratch.0);
    let user = std::fs::read_to_string(&b).unwrap_or_default();
    workspace.set_text(&b, user);
    let lint = |workspace: &mut Workspace, path: &Path| -> Vec<String> {
        match workspace.lint(path) {
            Ok(findings) => findings.iter().map(common::line).collect(),
            Err(error) => panic!("{error}"),
        }
    };
    assert_eq!(lint(&mut workspace, &b), Vec::<String>::new());

    let changed = workspace.set_text(&a, target.replace("id: fix", "id: repair"));
    assert_eq!(changed, ["target"]);
    assert!(workspace.depends_on(&b, &changed));
    assert!(!workspace.depends_on(&a, &["elsewhere".to_owned()]));
    assert_eq!(
        lint(&mut workspace, &b),
        [
            "content/user.yaml:17:14: error[dangling-reference]: `see` refers to `target#fix`, but the guide `target` has no method or step `fix`; fix the id"
        ]
    );
    // Typing that leaves the ids alone changes nothing for the other guides.
    let retitled = target
        .replace("id: fix", "id: repair")
        .replace("Guide target", "Target");
    assert_eq!(workspace.set_text(&a, retitled), Vec::<String>::new());

    // Closed unsaved: the file on disk counts again.
    assert_eq!(workspace.close(&a), ["target"]);
    assert_eq!(lint(&mut workspace, &b), Vec::<String>::new());
}
