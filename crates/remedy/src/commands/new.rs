//! `remedy new ID`: a skeleton guide a writer fills in. Its structure passes the schema as
//! written; its placeholder sentences (`placeholder-text`) are lint errors until the writer
//! replaces them, so an unfilled skeleton is never exported as a real handout.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Component, Path};

use remedy_core::id::is_valid_id;
use remedy_core::load::file_stem;
use remedy_core::source::describe_io;

use super::lint::shown;
use super::{Outcome, Session};
use crate::cli::NewArgs;

/// Today in UTC, `YYYY-MM-DD`: the date the rules (`future-date`) compare with.
fn today() -> String {
    remedy_lint::rules::civil_from_days(remedy_lint::rules::today_utc())
}

fn title_from_id(id: &str) -> String {
    let mut title = id.replace('-', " ");
    if let Some(first) = title.get(..1) {
        let upper = first.to_uppercase();
        title.replace_range(..1, &upper);
    }
    title
}

/// A YAML double-quoted scalar.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

pub fn skeleton(id: &str, title: &str, updated: &str) -> String {
    format!(
        r#"# A remedy guide. Replace every sentence below with your own; keep the structure.
# `remedy lint` checks the file, `remedy explain RULE` explains a finding, and
# content/README.md describes every field.

# The id is the file name without .yaml: lowercase letters, digits and hyphens.
id: {id}
# The title a reader sees.
title: {title}
# One paragraph: what problem this guide solves and for whom.
summary: Say in one paragraph which problem this guide solves and who it is for.
# The date of the last review, YYYY-MM-DD.
updated: {updated}
# The platforms the guide applies to, for example [ios, ipados, macos].
platforms: [ios]
# Keywords for search and grouping, for example [sync, photos].
tags: []
# Background the reader needs before starting; a blank line starts a new paragraph.
overview: |
  Explain what is going on before the reader starts.

# Why the problem happens. Each method lists the causes it fixes in `addresses`.
causes:
  - id: first-cause
    title: Name the first likely cause
    description: Say how the reader recognises this cause.

# The ways to fix the problem, in the order a reader should try them.
methods:
  - id: first-method
    title: Name the first method
    summary: Say what this method does and when it helps.
    addresses: [first-cause]
    best_for: Say which situation this method suits best.
    ease: 5                 # 1 (hard) to 5 (very easy)
    effectiveness: 3        # 1 (rarely works) to 5 (excellent)
    time: {{min: 2, max: 5}}  # minutes; leave out max when open-ended ("60+")
    risk: very-low          # very-low, low, moderate, high or very-high
    steps:
      # One instruction per step; nest sub-steps under `steps:`. A step that can lose
      # data gets `destructive: true`, with a `backup: true` step before it.
      - text: Write the first instruction.
        result: Say what the reader sees when the step worked.
      - text: Write the second instruction.
    pros:
      - Say what speaks for this method.
    cons:
      - Say what speaks against it.

# Questions readers ask. `see` points to methods or steps by id (`other-guide#id` for
# another guide).
faq:
  - question: Write a question readers ask?
    answer: Answer it in a few sentences.
    see: [first-method]

# Situations, and the methods to try first in each.
scenarios:
  - when: Describe a situation the reader may be in.
    try: [first-method]

# Other guides by id, or external pages as {{title: ..., url: ...}}.
related: []
"#,
        title = quoted(title),
    )
}

pub fn run(session: &Session, args: NewArgs) -> Result<Outcome, String> {
    if !is_valid_id(&args.id) {
        return Err(format!(
            "`{}` is not a valid id: use lowercase letters, digits and single hyphens, at most 64 characters (for example `icloud-backup-stuck`)",
            args.id
        ));
    }
    let root = session.content_root();
    let mut dir = root.to_path_buf();
    if let Some(folder) = &args.folder {
        let inside = folder
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
        if !inside {
            return Err(format!(
                "--folder {} must be a folder inside the content root, like `icloud`",
                folder.display()
            ));
        }
        dir.push(folder);
    }
    if let Some(existing) = guide_with_id(root, &args.id) {
        return Err(format!(
            "a guide with the id `{}` already exists: {}; choose another id",
            args.id,
            shown(session, &existing)
        ));
    }
    // `--folder LINK` where the content root holds `LINK -> /anywhere` would write there: the
    // part of the folder that exists must resolve inside the content root.
    if let Some(existing) = dir.ancestors().find(|folder| folder.exists())
        && let (Ok(resolved), Ok(root)) = (existing.canonicalize(), root.canonicalize())
        && !resolved.starts_with(&root)
    {
        return Err(format!(
            "--folder {} leads outside the content root (through a symbolic link); name a folder inside it",
            args.folder.as_deref().unwrap_or(Path::new(".")).display()
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "cannot create the folder {}: {}",
            shown(session, &dir),
            describe_io(&e)
        )
    })?;
    let path = dir.join(format!("{}.yaml", args.id));
    let title = args.title.unwrap_or_else(|| title_from_id(&args.id));
    let text = skeleton(&args.id, &title, &today());
    // `create_new` refuses an existing file atomically: nothing is ever overwritten.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; choose another id",
                shown(session, &path)
            ),
            _ => format!(
                "cannot create {}: {}",
                shown(session, &path),
                describe_io(&e)
            ),
        })?;
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        // Never leave half a skeleton behind (a full disk): the file did not exist before.
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(format!(
            "cannot write {}: {}",
            shown(session, &path),
            describe_io(&e)
        ));
    }
    if !session.quiet {
        eprintln!(
            "wrote {}; fill it in, then run `remedy lint {}`",
            shown(session, &path),
            shown(session, &path)
        );
    }
    Ok(Outcome::Clean)
}

/// A guide file anywhere under the content root whose name is `id`.
fn guide_with_id(root: &Path, id: &str) -> Option<std::path::PathBuf> {
    let discovery = remedy_core::corpus::discover(&[root.to_path_buf()]).ok()?;
    discovery
        .files
        .into_iter()
        .find(|path| file_stem(path) == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_passes_the_schema() -> Result<(), remedy_core::LoadError> {
        let text = skeleton("my-guide", "Fix \"quoted\": things", "2026-11-21");
        let file = remedy_core::load_source(
            "my-guide.yaml".into(),
            remedy_core::SourceText::new(text),
            &remedy_core::LoadOptions::default(),
        )?;
        assert_eq!(file.violations, vec![]);
        let title = file.guide.map(|guide| guide.title);
        assert_eq!(title.as_deref(), Some("Fix \"quoted\": things"));
        Ok(())
    }

    #[test]
    fn every_placeholder_the_linter_knows_is_in_the_skeleton() {
        let text = skeleton("my-guide", "My guide", "2026-11-21");
        for placeholder in remedy_lint::rules::placeholder_text::SKELETON_TEXTS {
            assert!(text.contains(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn titles_come_from_ids() {
        assert_eq!(title_from_id("icloud-backup-stuck"), "Icloud backup stuck");
    }

    #[test]
    fn today_is_a_calendar_date() {
        let date = remedy_core::Date(today());
        assert!(date.parts().is_some(), "{}", date.0);
    }
}
