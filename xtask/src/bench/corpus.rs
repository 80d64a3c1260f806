//! A deterministic synthetic corpus of realistic, lint-clean guides.
//!
//! Each guide has the shape of the project's own content (`content/icloud/*.yaml`): about seven
//! causes, five methods with about forty steps nested up to three levels, notes, warnings and
//! results, pros and cons, an FAQ, scenarios, and references to other generated guides (`related`
//! and `GUIDE#ID` in `see`). Sentences are drawn from word lists, so no two guides repeat their
//! text, and scalars use every style the real content uses (plain, double-quoted, folded `>-`,
//! literal `|`).
//!
//! Lint-clean by construction: every destructive step follows a backup step in the same method,
//! destructive methods are rated `moderate` or higher, `high` methods have a backup step, every
//! cause is addressed, every method addresses a cause, a step ending in `:` always has
//! sub-steps, and steps not marked destructive never use words the `undeclared-destructive` rule
//! looks for. The harness still checks the result with the real `remedy lint`.
//!
//! Guide `i` depends only on the seed, `i` and its block of 100 neighbours (the guides it may
//! refer to), so the first 1,000 guides of the 10,000 corpus are the 1,000 corpus.

use std::collections::HashSet;
use std::fmt::Write as _;

/// Bump whenever the output changes: corpora on disk with another version are regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// The default seed.
pub const SEED: u64 = 0x7265_6d65_6479_2d62; // "remedy-b"

/// Guides refer only to guides in their own block of this many.
const BLOCK: usize = 100;

/// SplitMix64: tiny, fast, good enough for text, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant for text.
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One item of a list.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A stream of random numbers for one purpose of one guide.
fn stream(seed: u64, guide: usize, purpose: u64) -> Rng {
    let mut mix = Rng::new(seed ^ (guide as u64).wrapping_mul(0xd134_2543_de82_ef95) ^ purpose);
    Rng::new(mix.next_u64())
}

// Word lists. None of these words is one the `undeclared-destructive` rule looks for (erase,
// wipe, delete, remove … from, reset, factory, sign/log out, format, uninstall, discard,
// overwrite, turn/switch/disable … off, empty … trash), so ordinary steps never read as
// destructive. Slug-safe lists (used in ids and tags) are lowercase ASCII.

const NOUNS: &[&str] = &[
    "account",
    "adapter",
    "alarm",
    "album",
    "alert",
    "antenna",
    "app",
    "archive",
    "attachment",
    "badge",
    "banner",
    "battery",
    "bookmark",
    "browser",
    "buffer",
    "cable",
    "cache",
    "calendar",
    "camera",
    "certificate",
    "channel",
    "charger",
    "clipboard",
    "clock",
    "codec",
    "contact",
    "controller",
    "cookie",
    "dashboard",
    "database",
    "display",
    "dock",
    "document",
    "domain",
    "download",
    "driver",
    "extension",
    "feed",
    "file",
    "filter",
    "firmware",
    "folder",
    "gateway",
    "gesture",
    "headset",
    "hotspot",
    "identity",
    "inbox",
    "index",
    "keyboard",
    "keychain",
    "label",
    "language",
    "launcher",
    "library",
    "license",
    "link",
    "locale",
    "location",
    "mailbox",
    "map",
    "message",
    "microphone",
    "modem",
    "monitor",
    "mouse",
    "network",
    "note",
    "notification",
    "outbox",
    "package",
    "panel",
    "passcode",
    "password",
    "payment",
    "photo",
    "playlist",
    "plugin",
    "port",
    "printer",
    "profile",
    "proxy",
    "queue",
    "receipt",
    "recording",
    "region",
    "reminder",
    "repeater",
    "router",
    "schedule",
    "screen",
    "sensor",
    "server",
    "session",
    "shortcut",
    "signal",
    "snapshot",
    "speaker",
    "spreadsheet",
    "storage",
    "subscription",
    "switchboard",
    "tablet",
    "template",
    "thumbnail",
    "timer",
    "token",
    "tracker",
    "trackpad",
    "tunnel",
    "update",
    "upload",
    "volume",
    "voicemail",
    "wallet",
    "watch",
    "webcam",
    "widget",
    "window",
    "workspace",
];

const VERBS: &[&str] = &[
    "open",
    "check",
    "confirm",
    "review",
    "compare",
    "restart",
    "update",
    "install",
    "connect",
    "enable",
    "refresh",
    "reopen",
    "select",
    "choose",
    "verify",
    "inspect",
    "test",
    "rename",
    "move",
    "pair",
    "rejoin",
    "reconnect",
    "download",
    "upload",
    "sync",
    "restore",
    "recharge",
    "relaunch",
    "adjust",
    "allow",
    "approve",
    "rebuild",
    "repair",
    "reindex",
    "reorder",
    "schedule",
    "export",
    "import",
    "measure",
    "calibrate",
];

const ADJECTIVES: &[&str] = &[
    "stale",
    "expired",
    "missing",
    "slow",
    "busy",
    "blocked",
    "broken",
    "corrupt",
    "outdated",
    "paused",
    "hidden",
    "locked",
    "limited",
    "mismatched",
    "unstable",
    "weak",
    "crowded",
    "unpaired",
    "unsigned",
    "suspended",
    "throttled",
    "duplicated",
    "unverified",
    "misplaced",
    "overloaded",
    "incomplete",
    "invalid",
    "unreachable",
    "offline",
    "stuck",
    "noisy",
    "partial",
];

const ADVERBS: &[&str] = &[
    "carefully",
    "quickly",
    "again",
    "slowly",
    "first",
    "afterwards",
    "briefly",
    "patiently",
    "once more",
    "in order",
    "one by one",
    "right away",
    "later",
    "calmly",
];

const PLACES: &[&str] = &[
    "Settings",
    "System Settings",
    "Control Center",
    "the Home app",
    "the Files app",
    "the Finder",
    "the menu bar",
    "the status bar",
    "the sidebar",
    "the web portal",
    "the admin console",
    "the companion app",
    "the router’s page",
    "the Help menu",
];

const SERVICES: &[&str] = &[
    "iCloud",
    "Google Drive",
    "OneDrive",
    "Dropbox",
    "Outlook",
    "Gmail",
    "Spotify",
    "Slack",
    "Zoom",
    "Teams",
    "WhatsApp",
    "Signal",
    "Photos",
    "Music",
    "Mail",
    "Calendar",
    "Keychain",
];

const DEVICES: &[&str] = &[
    "iPhone",
    "iPad",
    "Mac",
    "Apple Watch",
    "Android phone",
    "Windows PC",
    "Chromebook",
    "smart TV",
    "printer",
    "router",
    "laptop",
    "tablet",
    "headset",
    "game console",
];

const PLATFORMS: &[&str] = &[
    "ios", "ipados", "macos", "watchos", "tvos", "windows", "android", "linux", "chromeos",
];

const TOPICS: &[&str] = &[
    "sync",
    "wifi",
    "bluetooth",
    "printing",
    "email",
    "backup",
    "storage",
    "battery",
    "audio",
    "video",
    "camera",
    "keyboard",
    "display",
    "network",
    "calendar",
    "contacts",
    "photos",
    "updates",
    "accounts",
    "security",
];

const CONNECTIVES: &[&str] = &[
    "because", "so that", "while", "when", "after", "before", "until", "unless", "since",
    "whenever", "once",
];

const OPENERS: &[&str] = &[
    "In most cases",
    "On older models",
    "For example",
    "If that does not help",
    "On a shared network",
    "On a new device",
    "At this point",
    "As a rule",
    "In practice",
    "Sometimes",
    "With a weak signal",
    "On a busy day",
    "After a major update",
];

/// Capitalises the first letter.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Random prose: clauses of ordinary words, nothing destructive.
struct Prose<'r> {
    rng: &'r mut Rng,
}

impl Prose<'_> {
    fn noun_phrase(&mut self) -> String {
        let r = &mut *self.rng;
        match r.below(5) {
            0 => format!("the {} {}", r.pick(ADJECTIVES), r.pick(NOUNS)),
            1 => format!("the {}’s {}", r.pick(DEVICES), r.pick(NOUNS)),
            2 => format!("your {} {}", r.pick(SERVICES), r.pick(NOUNS)),
            3 => format!("every {} on the {}", r.pick(NOUNS), r.pick(DEVICES)),
            _ => format!("the {} {}", r.pick(NOUNS), r.pick(NOUNS)),
        }
    }

    fn clause(&mut self) -> String {
        let subject = self.noun_phrase();
        let r = &mut *self.rng;
        match r.below(6) {
            0 => format!("{subject} may be {}", r.pick(ADJECTIVES)),
            1 => format!(
                "{subject} keeps the {} {}",
                r.pick(NOUNS),
                r.pick(ADJECTIVES)
            ),
            2 => format!(
                "{subject} can’t reach the {} in {}",
                r.pick(NOUNS),
                r.pick(PLACES)
            ),
            3 => format!(
                "{subject} waits for the {} to {}",
                r.pick(NOUNS),
                r.pick(VERBS)
            ),
            4 => format!(
                "{subject} shows a {} {} {}",
                r.pick(ADJECTIVES),
                r.pick(NOUNS),
                r.pick(ADVERBS)
            ),
            _ => format!(
                "{subject} stays {} on the {}",
                r.pick(ADJECTIVES),
                r.pick(DEVICES)
            ),
        }
    }

    /// One sentence, with a full stop.
    fn sentence(&mut self) -> String {
        let mut text = if self.rng.chance(30) {
            let opener = self.rng.pick(OPENERS);
            format!("{opener}, {}", self.clause())
        } else {
            capitalise(&self.clause())
        };
        if self.rng.chance(50) {
            let connective = self.rng.pick(CONNECTIVES);
            let clause = self.clause();
            let _ = write!(text, " {connective} {clause}");
        }
        text.push('.');
        text
    }

    fn sentences(&mut self, lo: usize, hi: usize) -> String {
        let n = self.rng.range(lo, hi);
        (0..n)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// An instruction, without its final punctuation.
    fn instruction(&mut self) -> String {
        let r = &mut *self.rng;
        let verb = capitalise(r.pick(VERBS));
        let object = self.noun_phrase();
        let r = &mut *self.rng;
        match r.below(5) {
            0 => format!("{verb} {object} in {}", r.pick(PLACES)),
            1 => format!(
                "Go to {} > {} > {} and {} {object}",
                r.pick(PLACES),
                capitalise(r.pick(NOUNS)),
                capitalise(r.pick(NOUNS)),
                r.pick(VERBS)
            ),
            2 => format!("{verb} {object} {}", r.pick(ADVERBS)),
            3 => format!(
                "On the {}, {} {object} and wait a moment",
                r.pick(DEVICES),
                r.pick(VERBS)
            ),
            _ => format!(
                "{verb} {object}, then {} the {} {}",
                r.pick(VERBS),
                r.pick(NOUNS),
                r.pick(ADVERBS)
            ),
        }
    }

    /// A short title: "Stale router token".
    fn title(&mut self) -> String {
        let r = &mut *self.rng;
        match r.below(3) {
            0 => capitalise(&format!(
                "{} {} {}",
                r.pick(ADJECTIVES),
                r.pick(NOUNS),
                r.pick(NOUNS)
            )),
            1 => format!("The {} is {}", r.pick(NOUNS), r.pick(ADJECTIVES)),
            _ => format!(
                "{} {} on the {}",
                capitalise(r.pick(ADJECTIVES)),
                r.pick(NOUNS),
                r.pick(DEVICES)
            ),
        }
    }
}

/// The ids a guide declares that other guides refer to: its id and its methods.
#[derive(Debug, Clone)]
struct Plan {
    id: String,
    methods: Vec<String>,
}

fn guide_id(seed: u64, index: usize) -> String {
    let mut rng = stream(seed, index, 1);
    let topic = rng.pick(TOPICS);
    format!("{topic}-{}-{}-{index:05}", rng.pick(NOUNS), rng.pick(NOUNS))
}

fn plan(seed: u64, index: usize) -> Plan {
    let mut rng = stream(seed, index, 2);
    let mut used = HashSet::new();
    let methods = (0..5)
        .map(|_| {
            unique(
                &mut used,
                format!("{}-{}", rng.pick(VERBS), rng.pick(NOUNS)),
            )
        })
        .collect();
    Plan {
        id: guide_id(seed, index),
        methods,
    }
}

/// `base`, or `base-2`, `base-3`, … when taken.
fn unique(used: &mut HashSet<String>, base: String) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The guide files of a corpus: a folder per block of guides, and the file's relative path.
pub fn file_path(seed: u64, index: usize) -> String {
    let block = index / BLOCK;
    let topic = TOPICS[block % TOPICS.len()];
    format!("{topic}-{block:03}/{}.yaml", guide_id(seed, index))
}

// ---- YAML writing ------------------------------------------------------------------------------

/// Whether a plain scalar keeps this text as a string.
fn plain_ok(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.ends_with(' ')
        && !text.contains(['\n', '\t', '"'])
        && !matches!(
            text,
            "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL"
        )
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML text writer with the layout of the project's content.
struct Yaml {
    out: String,
}

impl Yaml {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `key: value` for text: plain or quoted when short, folded `>-` when long.
    /// `prefix` is `"- "` for the first key of a sequence item.
    fn text(&mut self, indent: usize, prefix: &str, key: &str, text: &str) {
        let head = format!("{prefix}{key}:");
        if text.len() + indent + head.len() < 92 {
            let value = if plain_ok(text) {
                text.to_owned()
            } else {
                quoted(text)
            };
            self.line(indent, &format!("{head} {value}"));
            return;
        }
        self.line(indent, &format!("{head} >-"));
        let inner = indent + prefix.len() + 2;
        self.wrapped(inner, text);
    }

    /// Words wrapped at about 90 columns: a folded scalar turns the breaks back into spaces.
    fn wrapped(&mut self, indent: usize, text: &str) {
        let mut current = String::new();
        for word in text.split(' ') {
            if !current.is_empty() && indent + current.len() + 1 + word.len() > 90 {
                self.line(indent, &current);
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        if !current.is_empty() {
            self.line(indent, &current);
        }
    }

    fn scalar(&mut self, indent: usize, prefix: &str, key: &str, value: &str) {
        self.line(indent, &format!("{prefix}{key}: {value}"));
    }

    fn list(&mut self, indent: usize, key: &str, items: &[String]) {
        self.line(indent, &format!("{key}:"));
        for item in items {
            let value = if plain_ok(item) {
                item.clone()
            } else {
                quoted(item)
            };
            self.line(indent + 2, &format!("- {value}"));
        }
    }

    fn text_list(&mut self, indent: usize, key: &str, items: &[String]) {
        self.line(indent, &format!("{key}:"));
        for item in items {
            if item.len() + indent + 4 < 92 {
                let value = if plain_ok(item) {
                    item.clone()
                } else {
                    quoted(item)
                };
                self.line(indent + 2, &format!("- {value}"));
            } else {
                self.line(indent + 2, "- >-");
                self.wrapped(indent + 4, item);
            }
        }
    }
}

// ---- The guide -----------------------------------------------------------------------------------

/// A step before it is written.
#[derive(Debug, Default)]
struct StepSpec {
    text: String,
    id: Option<String>,
    note: Option<String>,
    warning: Option<String>,
    result: Option<String>,
    destructive: Option<bool>,
    backup: bool,
    see: Option<String>,
    children: Vec<StepSpec>,
}

const DESTRUCTIVE: &[&str] = &[
    "Erase the {n} data on the {d}",
    "Delete the old {n} backups from {p}",
    "Sign out of {s} in {p}",
    "Reset all {n} settings on the {d}",
    "Remove the {n} profile from the {d}",
    "Uninstall the {s} app and install it again",
    "Overwrite the {n} copy with the one from the {d}",
    "Wipe the {n} cache on the {d}",
];

const MENTIONS: &[&str] = &[
    "Before you delete anything, copy the {n} files to another {d}",
    "Make sure nothing you need would be lost if you erase the {n} data",
];

const BACKUPS: &[&str] = &[
    "Back up the {d} to a computer or to {s} before you continue",
    "Export the {n} data to a safe place and check that the copy opens",
    "Make a fresh backup of the {d} and wait until it finishes",
];

fn fill(rng: &mut Rng, template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let key = &rest[at + 1..at + 2];
        out.push_str(match key {
            "n" => rng.pick(NOUNS),
            "d" => rng.pick(DEVICES),
            "s" => rng.pick(SERVICES),
            _ => rng.pick(PLACES),
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

struct GuideWriter<'a> {
    rng: Rng,
    used: HashSet<String>,
    plan: &'a Plan,
    /// Other guides this one may refer to.
    others: Vec<Plan>,
}

impl GuideWriter<'_> {
    fn prose(&mut self) -> Prose<'_> {
        Prose { rng: &mut self.rng }
    }

    fn ordinary_step(&mut self, depth: usize) -> StepSpec {
        let mut step = StepSpec {
            text: format!("{}.", self.prose().instruction()),
            ..StepSpec::default()
        };
        if self.rng.chance(35) {
            step.note = Some(self.prose().sentences(1, 2));
        }
        if self.rng.chance(12) {
            step.warning = Some(self.prose().sentences(1, 1));
        }
        if self.rng.chance(20) {
            step.result = Some(self.prose().sentences(1, 1));
        }
        if depth == 1 && self.rng.chance(15) {
            // A long instruction, written folded in the file.
            let more = self.prose().sentences(1, 2);
            step.text = format!("{} {more}", step.text);
        }
        step
    }

    /// Top-level steps for one method; `destructive`: includes a backup step and destructive
    /// steps after it. About eight steps in all, nested up to three levels.
    fn steps(&mut self, method_index: usize, destructive: bool) -> Vec<StepSpec> {
        let top = self.rng.range(4, 5);
        let backup_at = if destructive {
            self.rng.below(2)
        } else {
            usize::MAX
        };
        let mut steps = Vec::new();
        let mut after_backup = false;
        for k in 0..top {
            let mut step = if k == backup_at {
                let template = self.rng.pick(BACKUPS);
                let mut step = StepSpec {
                    text: format!("{}.", fill(&mut self.rng, template)),
                    backup: true,
                    ..StepSpec::default()
                };
                if self.rng.chance(40) {
                    let template = self.rng.pick(MENTIONS);
                    step.text = format!("{}.", fill(&mut self.rng, template));
                    step.destructive = Some(false);
                }
                step.note = Some(self.prose().sentences(1, 1));
                after_backup = true;
                step
            } else {
                self.ordinary_step(1)
            };
            // About half the steps have sub-steps, some of those sub-sub-steps.
            if k != backup_at && self.rng.chance(55) {
                let n = self.rng.range(2, 3);
                let mut children: Vec<StepSpec> = (0..n).map(|_| self.ordinary_step(2)).collect();
                if self.rng.chance(35) {
                    let child = self.rng.below(children.len());
                    let m = self.rng.range(2, 3);
                    let grandchildren = (0..m).map(|_| self.ordinary_step(3)).collect();
                    let text = format!("{}:", self.prose().instruction());
                    children[child].text = text;
                    children[child].children = grandchildren;
                }
                if after_backup && self.rng.chance(60) {
                    let at = self.rng.below(children.len());
                    self.make_destructive(&mut children[at]);
                }
                step.text = format!("{}:", self.prose().instruction());
                step.children = children;
            } else if after_backup && k != backup_at && self.rng.chance(50) {
                self.make_destructive(&mut step);
            }
            steps.push(step);
        }
        if destructive && !steps.iter().any(has_destructive) {
            // The last step is always after the backup step.
            let last = steps.len() - 1;
            let target = match steps[last].children.last_mut() {
                Some(child) if child.children.is_empty() => child,
                _ => &mut steps[last],
            };
            if target.children.is_empty() {
                self.make_destructive(target);
            } else {
                target.destructive = Some(true);
                target.warning = Some(self.prose().sentences(1, 1));
            }
        }
        // Ids on a few steps, and references to methods, steps and other guides.
        let method_ids = self.plan.methods.clone();
        for step in &mut steps {
            if self.rng.chance(25) {
                let base = format!(
                    "{}-{}-{}",
                    self.rng.pick(VERBS),
                    self.rng.pick(NOUNS),
                    self.rng.pick(NOUNS)
                );
                step.id = Some(unique(&mut self.used, base));
            }
            if self.rng.chance(20) {
                let target = match self.rng.below(3) {
                    0 if !self.others.is_empty() => {
                        let other = &self.others[self.rng.below(self.others.len())];
                        let method = &other.methods[self.rng.below(other.methods.len())];
                        format!("{}#{method}", other.id)
                    }
                    _ => {
                        let mut m = self.rng.below(method_ids.len());
                        if m == method_index {
                            m = (m + 1) % method_ids.len();
                        }
                        method_ids[m].clone()
                    }
                };
                step.see = Some(target);
            }
        }
        steps
    }

    fn make_destructive(&mut self, step: &mut StepSpec) {
        if !step.children.is_empty() {
            return;
        }
        let template = self.rng.pick(DESTRUCTIVE);
        step.text = format!("{}.", fill(&mut self.rng, template));
        step.destructive = Some(true);
        step.warning = Some(self.prose().sentences(1, 1));
    }

    fn write_steps(&self, y: &mut Yaml, indent: usize, steps: &[StepSpec]) {
        for step in steps {
            y.text(indent, "- ", "text", &step.text);
            let inner = indent + 2;
            if let Some(id) = &step.id {
                y.scalar(inner, "", "id", id);
            }
            if let Some(destructive) = step.destructive {
                y.scalar(
                    inner,
                    "",
                    "destructive",
                    if destructive { "true" } else { "false" },
                );
            }
            if step.backup {
                y.scalar(inner, "", "backup", "true");
            }
            if let Some(warning) = &step.warning {
                y.text(inner, "", "warning", warning);
            }
            if let Some(note) = &step.note {
                y.text(inner, "", "note", note);
            }
            if let Some(result) = &step.result {
                y.text(inner, "", "result", result);
            }
            if let Some(see) = &step.see {
                y.scalar(inner, "", "see", see);
            }
            if !step.children.is_empty() {
                y.line(inner, "steps:");
                self.write_steps(y, inner + 2, &step.children);
            }
        }
    }
}

fn has_destructive(step: &StepSpec) -> bool {
    step.destructive == Some(true) || step.children.iter().any(has_destructive)
}

/// The text of guide `index` of a corpus of `total` guides.
pub fn guide(seed: u64, index: usize, total: usize) -> String {
    let own = plan(seed, index);
    let block_start = index / BLOCK * BLOCK;
    let block_end = (block_start + BLOCK).min(total);
    let mut rng = stream(seed, index, 3);
    let mut others = Vec::new();
    if block_end - block_start > 1 {
        for _ in 0..3 {
            let mut j = rng.range(block_start, block_end - 1);
            if j == index {
                j = if j + 1 < block_end {
                    j + 1
                } else {
                    block_start
                };
            }
            if !others.iter().any(|o: &Plan| o.id == guide_id(seed, j)) {
                others.push(plan(seed, j));
            }
        }
    }
    let mut used: HashSet<String> = own.methods.iter().cloned().collect();
    used.insert(own.id.clone());
    let mut w = GuideWriter {
        rng,
        used,
        plan: &own,
        others,
    };
    let mut y = Yaml {
        out: String::with_capacity(32 * 1024),
    };

    // Header.
    y.scalar(0, "", "id", &own.id);
    // Numbered: `duplicate-title` holds two guides of one title to be a mistake.
    let title = format!(
        "Fix {} {} problems on the {} (case {})",
        w.rng.pick(NOUNS),
        w.rng.pick(NOUNS),
        w.rng.pick(DEVICES),
        index + 1
    );
    y.text(0, "", "title", &title);
    let summary = w.prose().sentences(2, 3);
    y.text(0, "", "summary", &summary);
    // Never after November 2026, when the corpus was designed: `future-date` refuses dates
    // after today.
    let (year, month, day) = (
        w.rng.range(2023, 2026),
        w.rng.range(1, 12),
        w.rng.range(1, 28),
    );
    let month = if year == 2026 { month.min(11) } else { month };
    let date = format!("{year}-{month:02}-{day:02}");
    y.scalar(0, "", "updated", &date);
    let mut platforms: Vec<String> = Vec::new();
    for _ in 0..w.rng.range(1, 3) {
        let platform = w.rng.pick(PLATFORMS).to_owned();
        if !platforms.contains(&platform) {
            platforms.push(platform);
        }
    }
    y.list(0, "platforms", &platforms);
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..w.rng.range(3, 5) {
        let tag = w.rng.pick(NOUNS).to_owned();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    y.list(0, "tags", &tags);
    y.line(0, "overview: |");
    let paragraphs = w.rng.range(2, 3);
    for p in 0..paragraphs {
        if p > 0 {
            y.out.push('\n');
        }
        let paragraph = w.prose().sentences(3, 5);
        y.line(2, &paragraph);
    }
    y.out.push('\n');

    // Causes.
    let cause_count = w.rng.range(6, 8);
    let mut causes = Vec::new();
    y.line(0, "causes:");
    for _ in 0..cause_count {
        let base = format!("{}-{}", w.rng.pick(ADJECTIVES), w.rng.pick(NOUNS));
        let id = unique(&mut w.used, base);
        y.scalar(2, "- ", "id", &id);
        let title = w.prose().title();
        y.text(4, "", "title", &title);
        let description = w.prose().sentences(2, 3);
        y.text(4, "", "description", &description);
        y.out.push('\n');
        causes.push(id);
    }

    // Methods: which address which cause (every cause at least once, every method at least one),
    // and which carry destructive steps.
    let methods = own.methods.len();
    let mut addresses: Vec<Vec<usize>> = vec![Vec::new(); methods];
    for (c, _) in causes.iter().enumerate() {
        addresses[c % methods].push(c);
    }
    for list in &mut addresses {
        if w.rng.chance(40) {
            let c = w.rng.below(causes.len());
            if !list.contains(&c) {
                list.push(c);
            }
        }
    }
    y.line(0, "methods:");
    let mut method_titles: Vec<String> = Vec::new();
    for (m, addressed) in addresses.iter().enumerate() {
        let destructive = m >= 2 && w.rng.chance(55);
        let risk = if destructive {
            ["moderate", "moderate", "high", "very-high"][w.rng.below(4)]
        } else {
            ["very-low", "low", "low"][w.rng.below(3)]
        };
        y.scalar(2, "- ", "id", &own.methods[m]);
        let mut title = format!(
            "{} {}",
            capitalise(w.rng.pick(VERBS)),
            w.prose().noun_phrase()
        );
        // Two methods of one title are a `duplicate-title` finding.
        if method_titles.contains(&title.to_lowercase()) {
            title = format!("{title}, way {}", m + 1);
        }
        method_titles.push(title.to_lowercase());
        y.text(4, "", "title", &title);
        let summary = w.prose().sentences(2, 3);
        y.text(4, "", "summary", &summary);
        let refs: Vec<String> = addressed.iter().map(|&c| causes[c].clone()).collect();
        y.list(4, "addresses", &refs);
        let best = format!(
            "{} {} on the {}",
            capitalise(w.rng.pick(ADJECTIVES)),
            w.rng.pick(NOUNS),
            w.rng.pick(DEVICES)
        );
        y.text(4, "", "best_for", &best);
        y.scalar(4, "", "ease", &w.rng.range(1, 5).to_string());
        y.scalar(4, "", "effectiveness", &w.rng.range(1, 5).to_string());
        let min = w.rng.range(1, 30);
        y.line(4, "time:");
        y.scalar(6, "", "min", &min.to_string());
        if w.rng.chance(85) {
            y.scalar(6, "", "max", &(min + w.rng.range(0, 60)).to_string());
        }
        y.scalar(4, "", "risk", risk);
        let steps = w.steps(m, destructive);
        y.line(4, "steps:");
        w.write_steps(&mut y, 6, &steps);
        let pros: Vec<String> = (0..w.rng.range(2, 4))
            .map(|_| w.prose().sentence())
            .collect();
        let cons: Vec<String> = (0..w.rng.range(2, 3))
            .map(|_| w.prose().sentence())
            .collect();
        y.text_list(4, "pros", &pros);
        y.text_list(4, "cons", &cons);
        y.out.push('\n');
    }

    // FAQ.
    y.line(0, "faq:");
    for _ in 0..w.rng.range(4, 7) {
        let question = format!(
            "Why does {} stay {} after I {} it?",
            w.prose().noun_phrase(),
            w.rng.pick(ADJECTIVES),
            w.rng.pick(VERBS)
        );
        y.text(2, "- ", "question", &question);
        let answer = w.prose().sentences(2, 3);
        y.text(4, "", "answer", &answer);
        if w.rng.chance(70) {
            let mut see = vec![own.methods[w.rng.below(methods)].clone()];
            if !w.others.is_empty() && w.rng.chance(30) {
                let other = &w.others[w.rng.below(w.others.len())];
                see.push(format!("{}#{}", other.id, other.methods[0]));
            }
            y.list(4, "see", &see);
        }
        y.out.push('\n');
    }

    // Scenarios.
    y.line(0, "scenarios:");
    for _ in 0..w.rng.range(3, 5) {
        let when = format!(
            "The {} is {} on the {}",
            w.rng.pick(NOUNS),
            w.rng.pick(ADJECTIVES),
            w.rng.pick(DEVICES)
        );
        y.text(2, "- ", "when", &when);
        let first = w.rng.below(methods);
        let mut tries = vec![own.methods[first].clone()];
        if w.rng.chance(50) {
            tries.push(own.methods[(first + 1) % methods].clone());
        }
        y.list(4, "try", &tries);
    }
    y.out.push('\n');

    // Related.
    y.line(0, "related:");
    let others: Vec<String> = w.others.iter().map(|o| o.id.clone()).collect();
    for other in &others {
        y.line(2, &format!("- {other}"));
    }
    let title = format!("{} help: {}", w.rng.pick(SERVICES), w.prose().title());
    y.text(2, "- ", "title", &title);
    y.scalar(
        4,
        "",
        "url",
        &format!("https://support.example.com/{}", own.id),
    );
    y.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use remedy_core::{LoadOptions, SourceText, load_source};

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        for index in [0, 1, 57, 199] {
            assert_eq!(guide(SEED, index, 200), guide(SEED, index, 200));
            assert_eq!(file_path(SEED, index), file_path(SEED, index));
        }
        assert_ne!(guide(SEED, 3, 200), guide(SEED ^ 1, 3, 200));
        // A guide depends only on its block: the small corpus is a prefix of the large one.
        assert_eq!(guide(SEED, 42, 1_000), guide(SEED, 42, 10_000));
    }

    #[test]
    fn guides_load_without_schema_violations() {
        let mut sizes = Vec::new();
        let mut guide_titles = Vec::new();
        for index in 0..60 {
            let text = guide(SEED, index, 200);
            sizes.push(text.len());
            let path = std::path::PathBuf::from(file_path(SEED, index));
            let loaded = load_source(path, SourceText::new(text), &LoadOptions::default());
            let file = match loaded {
                Ok(file) => file,
                Err(error) => panic!("guide {index} does not load: {error}"),
            };
            assert!(
                file.violations.is_empty(),
                "guide {index}: {:?}",
                file.violations
            );
            let Some(guide) = file.guide else {
                panic!("guide {index} has no typed guide");
            };
            assert_eq!(
                Some(guide.id.as_str()),
                file.path.file_stem().and_then(|s| s.to_str())
            );
            assert!((6..=8).contains(&guide.causes.len()));
            assert_eq!(guide.methods.len(), 5);
            // What the v2 rules ask of a clean corpus: titles of their own, no future dates.
            let mut titles: Vec<String> = guide
                .methods
                .iter()
                .map(|m| m.title.to_lowercase())
                .collect();
            titles.sort();
            titles.dedup();
            assert_eq!(titles.len(), 5, "guide {index}");
            assert!(guide.updated.0.as_str() <= "2026-11-30", "guide {index}");
            guide_titles.push(guide.title.clone());
        }
        guide_titles.sort();
        guide_titles.dedup();
        assert_eq!(guide_titles.len(), 60);
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((15_000..=35_000).contains(&mean), "mean guide size {mean}");
    }
}
