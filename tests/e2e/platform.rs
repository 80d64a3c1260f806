//! `--platform P`: every export writes what a reader of P sees, steps numbered again; and
//! `missing-backup-warning` checks each platform's view.

use serde_json::Value;

use crate::support::{Scratch, clean_guide};

const GUIDE: &str = "id: two-platforms
title: Wi-Fi drops on a Mac or a PC
summary: Get back online on **macOS** or **Windows**.
updated: 2026-11-21
platforms: [macos, windows]
causes:
  - id: stale-address
    title: A stale address
methods:
  - id: renew
    title: Renew the address
    addresses: [stale-address]
    risk: very-low
    steps:
      - text: Save your work.
      - text: Open **System Settings > Network**.
        id: mac-open
        platforms: [macos]
      - text: \"Open PowerShell and type:\"
        id: win-open
        platforms: [windows]
        code:
          text: ipconfig /renew
          language: powershell
        see: [mac-open, restart-mac]
      - text: Check the connection.
        note: On a Mac, [the settings step](#mac-open) shows the address.
    pros:
      - Quick
    cons:
      - Not always enough
  - id: restart-mac
    title: Restart the Mac
    addresses: [stale-address]
    risk: very-low
    platforms: [macos]
    steps:
      - text: Choose **Apple menu > Restart**.
    pros:
      - Quick
    cons:
      - Interrupts your work
scenarios:
  - when: Only the Mac drops
    try: [restart-mac]
  - when: Both drop
    try: [restart-mac, renew]
faq:
  - question: Does this lose data?
    answer: No.
    see: [restart-mac]
";

fn scratch(name: &str) -> Scratch {
    let scratch = Scratch::new(name);
    scratch.write("content/two-platforms.yaml", GUIDE);
    scratch
}

fn json_for(scratch: &Scratch, platform: &str) -> Value {
    let run = scratch.remedy(&["export", "json", "--platform", platform, "-o", "-"]);
    run.assert_code(0);
    let document: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    document["guides"][0].clone()
}

fn step_texts(guide: &Value, method: usize) -> Vec<(String, String)> {
    guide["methods"][method]["steps"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|step| {
                    (
                        step["number"].as_str().unwrap_or("?").to_owned(),
                        step["text"].as_str().unwrap_or("?").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_platform_view_leaves_out_the_other_platform_and_numbers_again() {
    let scratch = scratch("platform-json");
    let windows = json_for(&scratch, "windows");
    assert_eq!(
        step_texts(&windows, 0),
        [
            ("1".to_owned(), "Save your work.".to_owned()),
            ("2".to_owned(), "Open PowerShell and type:".to_owned()),
            ("3".to_owned(), "Check the connection.".to_owned()),
        ]
    );
    assert_eq!(windows["methods"].as_array().map(Vec::len), Some(1));
    // References to what a Windows reader never sees are dropped from lists, and a link to it
    // becomes its text.
    assert!(windows["methods"][0]["steps"][1].get("see").is_none());
    assert_eq!(
        windows["methods"][0]["steps"][2]["note"],
        "On a Mac, the settings step shows the address."
    );
    assert_eq!(windows["scenarios"].as_array().map(Vec::len), Some(1));
    assert_eq!(windows["scenarios"][0]["try"], serde_json::json!(["renew"]));
    assert!(windows["faq"][0].get("see").is_none());
    assert_eq!(windows["comparison"].as_array().map(Vec::len), Some(1));

    let mac = json_for(&scratch, "macos");
    assert_eq!(
        step_texts(&mac, 0),
        [
            ("1".to_owned(), "Save your work.".to_owned()),
            (
                "2".to_owned(),
                "Open **System Settings > Network**.".to_owned()
            ),
            ("3".to_owned(), "Check the connection.".to_owned()),
        ]
    );
    assert_eq!(mac["methods"][1]["id"], "restart-mac");
    assert_eq!(
        mac["methods"][0]["steps"][2]["note"],
        "On a Mac, [the settings step](#mac-open) shows the address."
    );

    // Without --platform the guide is whole.
    let run = scratch.remedy(&["export", "json", "-o", "-"]);
    run.assert_code(0);
    let whole: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(step_texts(&whole["guides"][0], 0).len(), 4);
}

#[test]
fn csv_and_build_take_the_platform_too() {
    let scratch = scratch("platform-csv");
    scratch
        .remedy(&["export", "csv", "--platform", "windows", "-o", "csv"])
        .assert_code(0);
    let steps = scratch.read("csv/steps.csv");
    let rows: Vec<&str> = steps.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{steps}");
    assert!(rows[1].starts_with(
        "two-platforms,renew,2,win-open,,1,2,Open PowerShell and type:,,,,,,,2,,ipconfig /renew,powershell,,,windows,"
    ), "{steps}");
    let methods = scratch.read("csv/methods.csv");
    assert_eq!(methods.lines().count(), 2, "{methods}");

    scratch
        .remedy(&["build", "--platform", "macos", "--out", "mac"])
        .assert_code(0);
    let steps = scratch.read("mac/csv/steps.csv");
    assert!(
        steps.contains("two-platforms,renew,2,mac-open,,1,2,Open System Settings > Network.,"),
        "{steps}"
    );
    assert!(!steps.contains("PowerShell"), "{steps}");
    assert!(scratch.root.join("mac/pdf/two-platforms.pdf").is_file());
}

#[test]
fn a_backup_for_one_platform_does_not_cover_a_step_on_another() {
    let scratch = Scratch::new("platform-backup");
    let guide = GUIDE.replace(
        "      - text: Check the connection.\n",
        "      - text: Back up the Mac with Time Machine.\n        platforms: [macos]\n        backup: true\n      - text: Delete the old network profile.\n        destructive: true\n      - text: Check the connection.\n",
    )
    .replace("risk: very-low\n    steps:\n      - text: Save", "risk: moderate\n    steps:\n      - text: Save");
    scratch.write("content/two-platforms.yaml", &guide);
    let run = scratch.remedy(&["lint", "--format", "human", "--color", "never"]);
    run.assert_code(1);
    let findings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("content/"))
        .collect();
    assert_eq!(
        findings,
        [
            "content/two-platforms.yaml:29:9: error[missing-backup-warning]: step 5 is destructive but on `windows` no step before it in this method makes a backup; add a step with `backup: true` before it that applies there too"
        ],
        "{}",
        run.stdout
    );
}

/// A second guide, for another pair of platforms, so that the error names them all.
fn with_phone_guide(scratch: &Scratch) {
    let phone = clean_guide("phone-restart").replace(
        "updated: 2026-11-21\n",
        "updated: 2026-11-21\nplatforms: [ios, android]\n",
    );
    scratch.write("content/phone-restart.yaml", &phone);
}

#[test]
fn a_platform_no_guide_lists_is_an_error_that_suggests_the_nearest() {
    let scratch = scratch("platform-typo");
    with_phone_guide(&scratch);
    let listed = "the guides list: android, ios, macos, windows";
    for (typo, hint) in [
        ("mac", "did you mean macos? "),
        ("macOS", "did you mean macos? "),
        ("win", "did you mean windows? "),
        ("linux", ""),
    ] {
        let run = scratch.remedy(&["export", "json", "--platform", typo, "-o", "-"]);
        run.assert_code(2);
        assert_eq!(
            run.stderr,
            format!(
                "remedy: error: --platform {typo}: no guide lists this platform; {hint}{listed}\n"
            )
        );
        assert_eq!(run.stdout, "");
    }

    // Every export refuses it, and none leaves anything behind.
    for (args, output) in [
        (&["export", "json", "-o", "out/guides.json"][..], "out"),
        (&["export", "csv", "-o", "out/csv"][..], "out"),
        (&["export", "sqlite", "-o", "out/guides.db"][..], "out"),
        (&["export", "pdf", "-o", "out/pdf"][..], "out"),
        (&["build", "--out", "out"][..], "out"),
    ] {
        let mut args = args.to_vec();
        args.extend(["--platform", "mac"]);
        let run = scratch.remedy(&args);
        run.assert_code(2);
        assert_eq!(
            run.stderr,
            format!(
                "remedy: error: --platform mac: no guide lists this platform; did you mean macos? {listed}\n"
            ),
            "{args:?}"
        );
        assert!(
            !scratch.root.join(output).exists(),
            "{args:?} wrote {output}"
        );
    }
}

#[test]
fn guides_without_platforms_export_whole_for_any_platform() {
    let scratch = Scratch::new("platform-none-listed");
    scratch.write("content/plain.yaml", &clean_guide("plain"));
    let run = scratch.remedy(&["export", "json", "--platform", "mac", "-o", "-"]);
    run.assert_code(0);
    let document: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(step_texts(&document["guides"][0], 0).len(), 2);

    // Beside a guide that lists the platform, a guide without platforms is exported whole.
    with_phone_guide(&scratch);
    let run = scratch.remedy(&["export", "json", "--platform", "ios", "-o", "-"]);
    run.assert_code(0);
    let document: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = document["guides"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|guide| guide["id"].as_str())
        .collect();
    assert_eq!(ids, ["phone-restart", "plain"]);
}

#[test]
fn a_method_left_without_steps_on_one_of_its_platforms_is_a_dangling_step() {
    let scratch = Scratch::new("platform-empty-method");
    // `renew` applies to both platforms, but once its shared steps are gone only Windows
    // readers have anything to do.
    let guide = GUIDE
        .replace("      - text: Save your work.\n", "")
        .replace(
            "      - text: Open **System Settings > Network**.\n        id: mac-open\n        platforms: [macos]\n",
            "",
        )
        .replace("see: [mac-open, restart-mac]", "see: [restart-mac]")
        .replace(
            "      - text: Check the connection.\n        note: On a Mac, [the settings step](#mac-open) shows the address.\n",
            "",
        );
    scratch.write("content/two-platforms.yaml", &guide);
    scratch.write("remedy.toml", "[platforms]\nmacos = \"a Mac\"\n");
    let run = scratch.remedy(&["lint", "--format", "human", "--color", "never"]);
    run.assert_code(1);
    let findings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("content/"))
        .collect();
    assert_eq!(
        findings,
        [
            "content/two-platforms.yaml:14:5: error[dangling-step]: method renew has no steps for a Mac (every step is for other platforms); add a step for it, or list the method's platforms without it"
        ],
        "{}",
        run.stdout
    );

    // Listing the method's platforms without macOS is the fix the message names.
    let fixed = guide.replace(
        "    risk: very-low\n    steps:\n      - text: \"Open PowerShell",
        "    risk: very-low\n    platforms: [windows]\n    steps:\n      - text: \"Open PowerShell",
    );
    scratch.write("content/two-platforms.yaml", &fixed);
    let run = scratch.remedy(&["lint", "--format", "human", "--color", "never"]);
    run.assert_code(0);
}
