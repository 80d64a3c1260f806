//! The date rules at their exact boundaries, on dates counted from the real clock: `future-date`
//! allows `updated` up to one day after today in UTC (the grace for writers east of UTC) and
//! fires from the second; `stale-review` allows a guide exactly `max-age-days` old and fires from
//! the day after. The fixture folders use 1900 and 2999, which no off-by-one could move; these
//! guides sit one day either side of each edge.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::Scratch;
use remedy_lint::rules::civil_from_days;

const MAX_AGE_DAYS: i64 = 30;

/// Today in UTC as days since 1970-01-01, counted here rather than by the rules' own helper.
fn today() -> i64 {
    let seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => elapsed.as_secs(),
        Err(error) => panic!("the clock is before 1970: {error}"),
    };
    i64::try_from(seconds / 86_400).unwrap_or(i64::MAX)
}

/// A lint-clean guide `id` whose `updated` is `offset` days from `today`.
fn write_guide(root: &Scratch, id: &str, today: i64, offset: i64) -> String {
    let date = civil_from_days(today + offset);
    root.write(
        &format!("{id}.yaml"),
        &common::guide(id, "").replace("updated: 2026-11-21\n", &format!("updated: {date}\n")),
    );
    date
}

/// Lints a folder of guides around today's edges; `None` when the day changed while it ran.
fn lint_around(today: i64) -> Option<String> {
    let root = Scratch::new(&format!("dates-{today}"));
    root.write(
        "remedy.toml",
        &format!(
            "content = \".\"\n[lint.rules]\nstale-review = \"warning\"\n\
             [lint.stale-review]\nmax-age-days = {MAX_AGE_DAYS}\n"
        ),
    );
    let dates: Vec<String> = [
        ("future-grace", 1),
        ("future-over", 2),
        ("stale-edge", -MAX_AGE_DAYS),
        ("stale-over", -MAX_AGE_DAYS - 1),
        ("today", 0),
    ]
    .into_iter()
    .map(|(id, offset)| write_guide(&root, id, today, offset))
    .collect();
    let config = common::folder_config(&root.0);
    let report = common::run(&common::request(&root.0, config, &[]));
    if self::today() != today {
        return None;
    }
    let expected = format!(
        "future-over.yaml:4:10: error[future-date]: `updated` is {}, which is after today; \
         write the date of the last review\n\
         stale-over.yaml:4:10: warning[stale-review]: the guide was last reviewed on {}, more \
         than {MAX_AGE_DAYS} days ago; check every step against the current software, then update \
         the date\n",
        dates[1], dates[3]
    );
    assert_eq!(
        common::lines(&report),
        expected,
        "today is {}",
        civil_from_days(today)
    );
    Some(expected)
}

#[test]
fn date_rules_fire_from_the_first_day_past_each_boundary_and_not_before() {
    // A run that straddles midnight UTC is repeated with the new day.
    let checked = (0..3).find_map(|_| lint_around(today()));
    assert!(checked.is_some(), "the day changed during every run");
}
