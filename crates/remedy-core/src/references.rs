//! Ids inside a guide, references between guides, and the compact index that resolves them.
//!
//! The index holds ids only, never guides: a corpus of ten thousand guides resolves its
//! cross-guide references without keeping the guides in memory.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use crate::id::Reference;
use crate::model::{Guide, Related};
use crate::position::child_pointer;

/// What an id inside a guide names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A cause.
    Cause,
    /// A method.
    Method,
    /// A step.
    Step,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Cause => "cause",
            IdKind::Method => "method",
            IdKind::Step => "step",
        })
    }
}

/// One id declared in a guide, with the pointer of its `id` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The id.
    pub id: String,
    /// What it names.
    pub kind: IdKind,
    /// JSON Pointer of the id's value, e.g. `/methods/1/id`.
    pub pointer: String,
}

/// What a reference must point at, by where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `addresses`: a cause.
    Cause,
    /// `scenarios[].try`: a method.
    Method,
    /// `see`, `faq[].see`: a method or a step.
    MethodOrStep,
    /// `related`: a guide.
    Guide,
}

impl Expected {
    /// Whether an id of this kind is acceptable.
    pub fn accepts(self, kind: IdKind) -> bool {
        match self {
            Expected::Cause => kind == IdKind::Cause,
            Expected::Method => kind == IdKind::Method,
            Expected::MethodOrStep => matches!(kind, IdKind::Method | IdKind::Step),
            Expected::Guide => false,
        }
    }

    /// The noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Expected::Cause => "cause",
            Expected::Method => "method",
            Expected::MethodOrStep => "method or step",
            Expected::Guide => "guide",
        }
    }
}

/// A reference as written, where it is written, and what it must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSite {
    /// The reference text: `ID`, `GUIDE#ID`, or a guide id for `related`.
    pub reference: Reference,
    /// JSON Pointer of the reference's value.
    pub pointer: String,
    /// What it must name.
    pub expected: Expected,
}

impl Guide {
    /// Every id the guide declares (causes, methods, steps), in document order.
    pub fn declarations(&self) -> Vec<Declaration> {
        let mut declarations = Vec::new();
        for (i, cause) in self.causes.iter().enumerate() {
            declarations.push(Declaration {
                id: cause.id.0.clone(),
                kind: IdKind::Cause,
                pointer: format!("/causes/{i}/id"),
            });
        }
        for (i, method) in self.methods.iter().enumerate() {
            declarations.push(Declaration {
                id: method.id.0.clone(),
                kind: IdKind::Method,
                pointer: format!("/methods/{i}/id"),
            });
            for visit in method.walk_steps() {
                if let Some(id) = &visit.step.id {
                    declarations.push(Declaration {
                        id: id.0.clone(),
                        kind: IdKind::Step,
                        pointer: child_pointer(&visit.pointer(i), "id"),
                    });
                }
            }
        }
        declarations
    }

    /// Every reference the guide makes, in document order.
    pub fn references(&self) -> Vec<ReferenceSite> {
        let mut sites = Vec::new();
        let mut site = |reference: &Reference, pointer: String, expected| {
            sites.push(ReferenceSite {
                reference: reference.clone(),
                pointer,
                expected,
            });
        };
        for (i, method) in self.methods.iter().enumerate() {
            for (j, cause) in method.addresses.iter().enumerate() {
                site(
                    cause,
                    format!("/methods/{i}/addresses/{j}"),
                    Expected::Cause,
                );
            }
            for visit in method.walk_steps() {
                if let Some(see) = &visit.step.see {
                    site(
                        see,
                        child_pointer(&visit.pointer(i), "see"),
                        Expected::MethodOrStep,
                    );
                }
            }
        }
        for (i, faq) in self.faq.iter().enumerate() {
            for (j, see) in faq.see.iter().enumerate() {
                site(see, format!("/faq/{i}/see/{j}"), Expected::MethodOrStep);
            }
        }
        for (i, scenario) in self.scenarios.iter().enumerate() {
            for (j, method) in scenario.try_methods.iter().enumerate() {
                site(method, format!("/scenarios/{i}/try/{j}"), Expected::Method);
            }
        }
        for (i, related) in self.related.iter().enumerate() {
            if let Related::Guide(id) = related {
                site(
                    &Reference(id.0.clone()),
                    format!("/related/{i}"),
                    Expected::Guide,
                );
            }
        }
        sites
    }
}

/// The ids of one guide: what the index keeps of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideIds {
    /// The guide's id.
    pub guide: String,
    /// The file it came from.
    pub file: PathBuf,
    /// Every id in the guide and what it names (the first declaration wins).
    pub ids: HashMap<Box<str>, IdKind>,
}

impl GuideIds {
    /// The ids of a loaded guide.
    pub fn of(guide: &Guide, file: PathBuf) -> Self {
        let mut ids = HashMap::new();
        for declaration in guide.declarations() {
            ids.entry(declaration.id.into_boxed_str())
                .or_insert(declaration.kind);
        }
        Self {
            guide: guide.id.0.clone(),
            file,
            ids,
        }
    }
}

/// How a reference resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It names something of an acceptable kind.
    Found,
    /// The guide part names no guide under the content root.
    UnknownGuide {
        /// The guide id that was not found.
        guide: String,
    },
    /// The guide exists but has no such id.
    UnknownId {
        /// The guide searched.
        guide: String,
        /// The id not found.
        id: String,
    },
    /// The id exists but names the wrong kind of thing (`addresses` naming a method).
    WrongKind {
        /// The id.
        id: String,
        /// What it names.
        found: IdKind,
    },
}

/// Every guide id and every id inside each guide, across the content root.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    guides: HashMap<String, GuideIds>,
}

impl IdIndex {
    /// Adds a guide's ids. When its guide id is taken, keeps the first and returns the file that
    /// holds it.
    pub fn insert(&mut self, ids: GuideIds) -> Result<(), PathBuf> {
        match self.guides.get(&ids.guide) {
            Some(existing) if existing.file != ids.file => Err(existing.file.clone()),
            Some(_) => Ok(()),
            None => {
                self.guides.insert(ids.guide.clone(), ids);
                Ok(())
            }
        }
    }

    /// The ids of a guide, by guide id.
    pub fn guide(&self, id: &str) -> Option<&GuideIds> {
        self.guides.get(id)
    }

    /// How many guides the index knows.
    pub fn len(&self) -> usize {
        self.guides.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.guides.is_empty()
    }

    /// Resolves a reference written in guide `from`. `local` holds the ids of `from` itself, so
    /// that a guide resolves its own references even when its id is not (yet) in the index.
    pub fn resolve(&self, local: &HashMap<Box<str>, IdKind>, site: &ReferenceSite) -> Resolution {
        let reference = &site.reference;
        if site.expected == Expected::Guide {
            let guide = reference.as_str();
            return if self.guides.contains_key(guide) {
                Resolution::Found
            } else {
                Resolution::UnknownGuide {
                    guide: guide.to_owned(),
                }
            };
        }
        let id = reference.target();
        let (ids, guide) = match reference.guide() {
            None => (local, None),
            Some(guide) => match self.guides.get(guide) {
                Some(entry) => (&entry.ids, Some(guide)),
                None => {
                    return Resolution::UnknownGuide {
                        guide: guide.to_owned(),
                    };
                }
            },
        };
        match ids.get(id) {
            Some(kind) if site.expected.accepts(*kind) => Resolution::Found,
            Some(kind) => Resolution::WrongKind {
                id: reference.as_str().to_owned(),
                found: *kind,
            },
            None => Resolution::UnknownId {
                guide: guide.unwrap_or_default().to_owned(),
                id: id.to_owned(),
            },
        }
    }
}
