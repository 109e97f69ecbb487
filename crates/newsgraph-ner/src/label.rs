//! BIO labels over the four coarse entity types.

use newsgraph_model::EntityType;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Number of labels: `O` plus `B-`/`I-` for each of the four types.
pub const NUM_LABELS: usize = 9;

/// One BIO label: outside, beginning or inside of an entity of a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Label {
    /// Outside any entity.
    O,
    /// First token of an entity.
    B(EntityType),
    /// Continuation of the entity started by the previous token.
    I(EntityType),
}

fn type_index(t: EntityType) -> usize {
    match t {
        EntityType::PER => 0,
        EntityType::ORG => 1,
        EntityType::LOC => 2,
        EntityType::MISC => 3,
    }
}

impl Label {
    /// Every label in index order (`O`, `B-PER`, `I-PER`, `B-ORG`, …).
    pub const ALL: [Label; NUM_LABELS] = [
        Label::O,
        Label::B(EntityType::PER),
        Label::I(EntityType::PER),
        Label::B(EntityType::ORG),
        Label::I(EntityType::ORG),
        Label::B(EntityType::LOC),
        Label::I(EntityType::LOC),
        Label::B(EntityType::MISC),
        Label::I(EntityType::MISC),
    ];

    /// Dense index in `0..NUM_LABELS`.
    pub fn index(self) -> usize {
        match self {
            Label::O => 0,
            Label::B(t) => 1 + 2 * type_index(t),
            Label::I(t) => 2 + 2 * type_index(t),
        }
    }

    /// The label with dense index `i` (`O` when out of range).
    pub fn from_index(i: usize) -> Label {
        Label::ALL.get(i).copied().unwrap_or(Label::O)
    }

    /// The entity type, if any.
    pub fn entity_type(self) -> Option<EntityType> {
        match self {
            Label::O => None,
            Label::B(t) | Label::I(t) => Some(t),
        }
    }

    /// Parses `O`, `B-PER`, `I-LOC`, … (also `S-`/`E-`/`L-`/`U-` of BIOES
    /// schemes, mapped to `B`/`I`). Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Label> {
        let s = s.trim();
        if s == "O" {
            return Some(Label::O);
        }
        let (prefix, ty) = s.split_once('-')?;
        let ty = match ty {
            "PER" => EntityType::PER,
            "ORG" => EntityType::ORG,
            "LOC" => EntityType::LOC,
            "MISC" => EntityType::MISC,
            _ => return None,
        };
        match prefix {
            "B" | "S" | "U" => Some(Label::B(ty)),
            "I" | "E" | "L" => Some(Label::I(ty)),
            _ => None,
        }
    }

    /// Whether `next` may follow `self` under the BIO constraint
    /// (`I-X` only after `B-X` or `I-X`).
    pub fn allows(self, next: Label) -> bool {
        match next {
            Label::I(t) => self.entity_type() == Some(t),
            _ => true,
        }
    }

    /// Whether the label may start a sentence (anything but `I-X`).
    pub fn can_start(self) -> bool {
        !matches!(self, Label::I(_))
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::O => f.write_str("O"),
            Label::B(t) => write!(f, "B-{}", t.as_str()),
            Label::I(t) => write!(f, "I-{}", t.as_str()),
        }
    }
}

/// Entity spans `(start, end_exclusive, type)` of a label sequence, read the
/// CoNLL way: an entity starts at `B-X`, or at an `I-X` that does not continue
/// an entity of type X; it extends over following `I-X`.
pub fn spans_of(labels: &[Label]) -> Vec<(usize, usize, EntityType)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, EntityType)> = None;
    for (i, l) in labels.iter().enumerate() {
        match *l {
            Label::O => {
                if let Some((s, t)) = cur.take() {
                    out.push((s, i, t));
                }
            }
            Label::B(t) => {
                if let Some((s, ct)) = cur.take() {
                    out.push((s, i, ct));
                }
                cur = Some((i, t));
            }
            Label::I(t) => match cur {
                Some((_, ct)) if ct == t => {}
                _ => {
                    if let Some((s, ct)) = cur.take() {
                        out.push((s, i, ct));
                    }
                    cur = Some((i, t));
                }
            },
        }
    }
    if let Some((s, t)) = cur {
        out.push((s, labels.len(), t));
    }
    out
}
