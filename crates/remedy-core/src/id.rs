//! Identifiers, references, slugs and dates: the string types whose shape the schema enforces.
//!
//! Deserialization accepts any string so that one malformed id does not hide every other finding in
//! the guide: the schema reports the bad shape at its exact position, the rules keep working.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern every id and slug matches (SPEC §2).
pub const ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// The longest id, in characters.
pub const ID_MAX_LEN: usize = 64;
/// The pattern of a reference: `ID` or `GUIDE#ID`.
pub const REFERENCE_PATTERN: &str = "^([a-z0-9]+(-[a-z0-9]+)*#)?[a-z0-9]+(-[a-z0-9]+)*$";
/// The pattern of a date, `YYYY-MM-DD`.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// Whether `text` is a valid id: lowercase letters and digits in groups joined by single hyphens,
/// at most [`ID_MAX_LEN`] characters.
pub fn is_valid_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= ID_MAX_LEN
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The text as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype!(
    /// An id: a slug of lowercase letters, digits and single hyphens.
    Id
);
string_newtype!(
    /// A reference to something that has an id: `ID` in the same guide, `GUIDE#ID` in another.
    Reference
);
string_newtype!(
    /// A short lowercase keyword such as a platform (`ios`) or a tag.
    Slug
);
string_newtype!(
    /// A calendar date written `YYYY-MM-DD`.
    Date
);

impl Reference {
    /// The guide part of a `GUIDE#ID` reference, `None` for a local one.
    pub fn guide(&self) -> Option<&str> {
        self.0.split_once('#').map(|(guide, _)| guide)
    }

    /// The id the reference points at, without its guide part.
    pub fn target(&self) -> &str {
        self.0.split_once('#').map_or(self.0.as_str(), |(_, id)| id)
    }
}

impl Date {
    /// Year, month and day, when the text is a real calendar date.
    pub fn parts(&self) -> Option<(u16, u8, u8)> {
        let text = self.0.as_str();
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: u16 = text.get(0..4)?.parse().ok()?;
        let month: u8 = text.get(5..7)?.parse().ok()?;
        let day: u8 = text.get(8..10)?.parse().ok()?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some((year, month, day))
    }
}

impl JsonSchema for Id {
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An id: lowercase letters and digits in groups joined by single hyphens (`reset-network-settings`), at most 64 characters. Unique within its guide; a guide's id equals its file name.",
            "type": "string",
            "pattern": ID_PATTERN,
            "maxLength": ID_MAX_LEN,
        })
    }
}

impl JsonSchema for Reference {
    fn schema_name() -> Cow<'static, str> {
        "Reference".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A reference: `ID` for a cause, method or step of the same guide, or `GUIDE#ID` for one in another guide.",
            "type": "string",
            "pattern": REFERENCE_PATTERN,
            "maxLength": 2 * ID_MAX_LEN + 1,
        })
    }
}

impl JsonSchema for Slug {
    fn schema_name() -> Cow<'static, str> {
        "Slug".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A short lowercase keyword such as `ios` or `photos`.",
            "type": "string",
            "pattern": ID_PATTERN,
            "maxLength": ID_MAX_LEN,
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar date, `YYYY-MM-DD`.",
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_pattern() {
        for good in ["a", "reset-network-settings", "step-2", "0"] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a b",
            "é",
            &"a".repeat(65),
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn references_split_into_guide_and_target() {
        let local = Reference::from("sign-out");
        assert_eq!((local.guide(), local.target()), (None, "sign-out"));
        let remote = Reference::from("icloud-photos#pause");
        assert_eq!(
            (remote.guide(), remote.target()),
            (Some("icloud-photos"), "pause")
        );
    }

    #[test]
    fn dates_must_exist_on_the_calendar() {
        assert_eq!(Date::from("2024-02-29").parts(), Some((2024, 2, 29)));
        assert_eq!(Date::from("2023-02-29").parts(), None);
        assert_eq!(Date::from("2023-13-01").parts(), None);
        assert_eq!(Date::from("23-1-1").parts(), None);
    }
}
