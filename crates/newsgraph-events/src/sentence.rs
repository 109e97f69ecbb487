//! Per-sentence working data: tokens with lowercase forms, actor candidates
//! (tagger mentions, role phrases, actor-noun phrases and, without a tagger,
//! capitalised spans) and trigger matches.

use crate::lexicon::{Elem, Lexicon};
use newsgraph_model::{Actor, EntityType, Mention};

/// A token with absolute byte offsets.
#[derive(Debug, Clone)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub lower: String,
    pub cap: bool,
    pub punct: bool,
}

/// Where an actor candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandKind {
    /// A tagger mention (linked entity).
    Mention,
    /// A role phrase ("der Kremlsprecher"), resolved when the article names the holder.
    Role,
    /// A common-noun actor phrase ("Croatian authorities").
    NounPhrase,
    /// A capitalised span found without a tagger.
    Capitalised,
    /// A known agency/outlet name.
    Agency,
}

/// An actor candidate: token range `[t0, t1)` of the sentence.
#[derive(Debug, Clone)]
pub struct Cand {
    pub t0: usize,
    pub t1: usize,
    pub actor: Actor,
    pub typ: Option<EntityType>,
    pub kind: CandKind,
    /// Role key when the phrase contains a role noun.
    pub role: Option<String>,
}

/// A trigger match: trigger index and matched token indexes.
#[derive(Debug, Clone)]
pub struct Hit {
    pub trig: usize,
    pub toks: Vec<usize>,
}

impl Hit {
    pub fn first(&self) -> usize {
        self.toks.first().copied().unwrap_or(0)
    }
    pub fn last(&self) -> usize {
        self.toks.last().copied().unwrap_or(0)
    }
}

/// Tokenise `text[start..end]` with absolute offsets.
pub fn tokens(text: &str, start: usize, end: usize, lang: &str) -> Vec<Tok> {
    let Some(s) = text.get(start..end) else {
        return Vec::new();
    };
    newsgraph_lang::tokenize(s, lang)
        .into_iter()
        .map(|t| {
            let first = t.text.chars().next().unwrap_or(' ');
            Tok {
                start: start + t.start,
                end: start + t.end,
                text: t.text.to_string(),
                lower: t.text.to_lowercase(),
                cap: first.is_uppercase(),
                punct: !first.is_alphanumeric(),
            }
        })
        .collect()
}

/// Token index range `[a, b)` covering byte span `[start, end)`.
pub fn tok_range(toks: &[Tok], start: usize, end: usize) -> Option<(usize, usize)> {
    let a = toks.iter().position(|t| t.end > start && t.start < end)?;
    let b = toks.iter().rposition(|t| t.end > start && t.start < end)? + 1;
    Some((a, b))
}

/// Match every trigger pattern starting at every token.
pub fn match_triggers(toks: &[Tok], lx: &Lexicon) -> Vec<Hit> {
    let mut hits = Vec::new();
    for i in 0..toks.len() {
        let w = toks[i].lower.as_str();
        let mut cands: Vec<usize> = lx.by_first_exact.get(w).cloned().unwrap_or_default();
        let first = w.chars().next().unwrap_or('\0');
        let groups = [lx.prefix_by_char.get(&first), lx.prefix_by_char.get(&'\0')];
        for (p, ti) in groups.into_iter().flatten().flatten() {
            if w.starts_with(p.as_str()) {
                cands.push(*ti);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        for ti in cands {
            if let Some(m) = match_at(&lx.triggers[ti].pattern, toks, i) {
                hits.push(Hit { trig: ti, toks: m });
            }
        }
    }
    hits
}

/// Match a pattern at token `i`; returns the matched word token indexes.
fn match_at(pat: &[Elem], toks: &[Tok], i: usize) -> Option<Vec<usize>> {
    fn rec(pat: &[Elem], toks: &[Tok], i: usize, gap: usize, out: &mut Vec<usize>) -> bool {
        let Some((e, rest)) = pat.split_first() else {
            return true;
        };
        match e {
            Elem::Gap(n) => rec(rest, toks, i, *n, out),
            Elem::Word(ws) => {
                for j in i..=(i + gap).min(toks.len().saturating_sub(1)) {
                    if j >= toks.len() {
                        break;
                    }
                    // A gap never crosses sentence-internal hard breaks.
                    if j > i && matches!(toks[j - 1].text.as_str(), ";" | ":" | "(" | ")") {
                        break;
                    }
                    if ws.matches(&toks[j].lower) {
                        out.push(j);
                        if rec(rest, toks, j + 1, 0, out) {
                            return true;
                        }
                        out.pop();
                    }
                }
                false
            }
        }
    }
    let mut out = Vec::new();
    if rec(pat, toks, i, 0, &mut out) {
        Some(out)
    } else {
        None
    }
}

/// Candidates from tagger mentions inside the sentence.
pub fn mention_cands(toks: &[Tok], mentions: &[&Mention]) -> Vec<Cand> {
    mentions
        .iter()
        .filter(|m| m.typ != EntityType::MISC)
        .filter_map(|m| {
            let (t0, t1) = tok_range(toks, m.start, m.end)?;
            Some(Cand {
                t0,
                t1,
                actor: Actor {
                    text: m.text.clone(),
                    entity_id: Some(m.entity_id.clone()).filter(|s| !s.is_empty()),
                    canonical: Some(m.canonical.clone()).filter(|s| !s.is_empty()),
                },
                typ: Some(m.typ),
                kind: CandKind::Mention,
                role: None,
            })
        })
        .collect()
}

/// Single name tokens the article's mentions contain ("Putin" from
/// "Wladimir Putin"), mapped to the most frequent mention carrying them.
pub fn name_memory(mentions: &[Mention]) -> std::collections::HashMap<String, (Actor, EntityType)> {
    use std::collections::HashMap;
    let mut counts: HashMap<String, HashMap<String, (usize, Actor, EntityType)>> = HashMap::new();
    for m in mentions.iter().filter(|m| m.typ != EntityType::MISC) {
        let key = if m.entity_id.is_empty() {
            m.canonical.clone()
        } else {
            m.entity_id.clone()
        };
        // A token votes for the mention's entity, more when the entity's
        // name contains it and when the mention is short: "Putin" belongs
        // to "Wladimir Putin", not to a mis-tagged "Kim Jong Un Putin".
        let n_words = m
            .text
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
            .count()
            .max(1);
        let canon = m.canonical.to_lowercase();
        for w in m.text.split(|c: char| c.is_whitespace() || c == '-') {
            if w.chars().count() < 3 || !w.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            let wl = w.to_lowercase();
            let weight = if canon.contains(&wl) { 24 } else { 12 } / n_words;
            let e = counts
                .entry(w.to_lowercase())
                .or_default()
                .entry(key.clone())
                .or_insert_with(|| {
                    (
                        0,
                        Actor {
                            text: m.text.clone(),
                            entity_id: Some(m.entity_id.clone()).filter(|s| !s.is_empty()),
                            canonical: Some(m.canonical.clone()).filter(|s| !s.is_empty()),
                        },
                        m.typ,
                    )
                });
            e.0 += weight;
        }
    }
    counts
        .into_iter()
        .filter_map(|(w, by)| {
            by.into_values()
                .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.text.cmp(&a.1.text)))
                .map(|(_, a, t)| (w, (a, t)))
        })
        .collect()
}

/// Candidates for capitalised tokens the tagger missed in this sentence but
/// that name an entity it found elsewhere in the article.
pub fn memory_cands(
    toks: &[Tok],
    memory: &std::collections::HashMap<String, (Actor, EntityType)>,
    taken: &[Cand],
) -> Vec<Cand> {
    let mut out: Vec<Cand> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !t.cap || taken.iter().any(|c| i >= c.t0 && i < c.t1) {
            continue;
        }
        let Some((a, typ)) = memory.get(&t.lower) else {
            continue;
        };
        // Join with a previous memory candidate of the same entity ("Kim Jong").
        if let Some(last) = out.last_mut()
            && last.t1 == i
            && last.actor.entity_id == a.entity_id
            && last.actor.canonical == a.canonical
        {
            last.t1 = i + 1;
            continue;
        }
        out.push(Cand {
            t0: i,
            t1: i + 1,
            actor: Actor {
                text: t.text.clone(),
                entity_id: a.entity_id.clone(),
                canonical: a.canonical.clone().or_else(|| Some(a.text.clone())),
            },
            typ: Some(*typ),
            kind: CandKind::Mention,
            role: None,
        });
    }
    out
}

fn is_function_word(lx: &Lexicon, w: &str) -> bool {
    lx.determiners.matches(w)
        || lx.prepositions.matches(w)
        || lx.pronouns.matches(w)
        || lx.coordinators.matches(w)
        || lx.clause_breaks.matches(w)
        || lx.negation.matches(w)
        || lx.possible.matches(w)
        || lx.intended.matches(w)
        || lx.passive_aux.matches(w)
        || lx.speech_verbs.matches(w)
        || lx.report_verbs.matches(w)
}

/// Tokens that look like parts of a name when no tagger is available.
fn nameish(toks: &[Tok], i: usize, lx: &Lexicon, capitalised_nouns: bool) -> bool {
    let t = &toks[i];
    if !t.cap || t.punct || lx.not_actor.matches(&t.lower) {
        return false;
    }
    // All-caps acronyms and names are fine; in languages that capitalise every
    // noun, a capitalised word after a determiner or adjective is a common noun.
    if capitalised_nouns {
        if t.text
            .chars()
            .all(|c| c.is_uppercase() || !c.is_alphabetic())
        {
            return true;
        }
        if lx.role(&t.lower).is_some() || lx.actor_nouns.matches(&t.lower) {
            return false;
        }
        if i == 0 {
            return false;
        }
        let p = &toks[i - 1];
        if lx.determiners.matches(&p.lower) {
            return false;
        }
        if !p.cap
            && !p.punct
            && ["e", "en", "er", "es", "em"]
                .iter()
                .any(|s| p.lower.ends_with(s))
            && !lx.prepositions.matches(&p.lower)
        {
            return false;
        }
        const SUFFIXES: [&str; 9] = [
            "ung", "heit", "keit", "schaft", "tion", "ität", "ismus", "chen", "ment",
        ];
        if SUFFIXES.iter().any(|s| t.lower.ends_with(s)) {
            return false;
        }
    }
    true
}

/// Actor candidates the extractor finds itself: role phrases, actor-noun
/// phrases, agencies and (when `use_caps`) capitalised spans. Spans
/// overlapping `taken` (mention candidates) are skipped.
pub fn own_cands(
    toks: &[Tok],
    lx: &Lexicon,
    taken: &[Cand],
    use_caps: bool,
    trigger_toks: &[bool],
) -> Vec<Cand> {
    let capitalised_nouns = lx.lang == "de";
    let n = toks.len();
    let in_taken = |i: usize| taken.iter().any(|c| i >= c.t0 && i < c.t1);
    // Token classes: N name-ish, H actor head noun (or role noun), J joiner, A adjective-like.
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum K {
        N,
        H,
        J,
        A,
        O,
    }
    let mut k = vec![K::O; n];
    for i in 0..n {
        let t = &toks[i];
        if t.punct && t.text != "-" {
            continue;
        }
        if in_taken(i) {
            continue;
        }
        let head = lx.actor_nouns.matches(&t.lower) || lx.role(&t.lower).is_some();
        if head && !trigger_toks[i] {
            k[i] = K::H;
        } else if use_caps
            && nameish(toks, i, lx, capitalised_nouns)
            && !(i == 0 && trigger_toks[i])
        {
            k[i] = K::N;
        } else if lx.name_joiners.matches(&t.lower) {
            k[i] = K::J;
        } else if !t.cap
            && !trigger_toks[i]
            && !is_function_word(lx, &t.lower)
            && !t.lower.ends_with("ly")
            && !t.lower.chars().any(|c| c.is_ascii_digit())
        {
            k[i] = K::A;
        } else if t.cap && !trigger_toks[i] && !lx.not_actor.matches(&t.lower) && i + 1 < n {
            // Capitalised adjective before a head ("Croatian authorities").
            k[i] = K::A;
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if !matches!(k[i], K::N | K::H | K::A) {
            i += 1;
            continue;
        }
        // Grow a run of N/H/A/J tokens.
        let mut j = i;
        while j < n && matches!(k[j], K::N | K::H | K::A | K::J) {
            j += 1;
        }
        // Within the run, find spans: the last N/H token ends it; leading As
        // are kept only when the span has a head noun (H) or a name.
        let run = i..j;
        let heads: Vec<usize> = run
            .clone()
            .filter(|&x| matches!(k[x], K::N | K::H))
            .collect();
        if heads.is_empty() {
            i = j;
            continue;
        }
        let last = *heads.last().unwrap_or(&i);
        let has_h = heads.iter().any(|&x| k[x] == K::H);
        // Start: first N/H, extended left over up to 3 As when there is an H.
        let mut s = heads[0];
        if has_h || k[heads[0]] == K::N {
            let mut back = 0;
            while s > i && k[s - 1] == K::A && back < 3 {
                s -= 1;
                back += 1;
            }
        }
        // Only N or H inside may be separated by at most 2 As / joiners.
        let mut e = s;
        let mut x = s;
        while x <= last {
            if matches!(k[x], K::N | K::H) {
                e = x + 1;
            } else if matches!(k[x], K::A | K::J) {
                // A gap of As/Js must lead to another N/H within 3 tokens.
                let nx = (x..=last).find(|&y| matches!(k[y], K::N | K::H));
                match nx {
                    Some(y) if y - x <= 3 => {}
                    _ => break,
                }
            }
            x += 1;
        }
        // Trim leading joiners / adjectives without a head.
        let mut s2 = s;
        while s2 < e && k[s2] == K::J {
            s2 += 1;
        }
        if s2 < e {
            let text_span = toks[s2].start..toks[e - 1].end;
            let role = (s2..e).find_map(|y| lx.role(&toks[y].lower).map(str::to_string));
            let kind = if role.is_some() {
                CandKind::Role
            } else if (s2..e).any(|y| k[y] == K::H) {
                CandKind::NounPhrase
            } else {
                CandKind::Capitalised
            };
            let text: String = join_tokens(&toks[s2..e]);
            let _ = text_span;
            out.push(Cand {
                t0: s2,
                t1: e,
                actor: Actor {
                    text,
                    entity_id: None,
                    canonical: None,
                },
                typ: None,
                kind,
                role,
            });
        }
        i = e.max(i + 1);
    }
    // Agencies and outlets from the agency list, matched as token sequences.
    for ag in &lx.agencies {
        let parts: Vec<String> = ag.split_whitespace().map(str::to_lowercase).collect();
        if parts.is_empty() {
            continue;
        }
        for s in 0..n {
            if s + parts.len() <= n && (0..parts.len()).all(|q| toks[s + q].lower == parts[q]) {
                let e = s + parts.len();
                if in_taken(s) {
                    continue;
                }
                out.retain(|c: &Cand| !(c.t0 < e && s < c.t1 && c.t1 - c.t0 <= e - s));
                if out.iter().any(|c| c.t0 < e && s < c.t1) {
                    continue;
                }
                out.push(Cand {
                    t0: s,
                    t1: e,
                    actor: Actor {
                        text: join_tokens(&toks[s..e]),
                        entity_id: None,
                        canonical: None,
                    },
                    typ: Some(EntityType::ORG),
                    kind: CandKind::Agency,
                    role: None,
                });
            }
        }
    }
    out
}

/// Rebuild text from tokens, with a space except before punctuation and
/// after an opening bracket.
pub fn join_tokens(toks: &[Tok]) -> String {
    let mut s = String::new();
    let mut prev_end: Option<usize> = None;
    for t in toks {
        if let Some(pe) = prev_end
            && t.start > pe
        {
            s.push(' ');
        }
        s.push_str(&t.text);
        prev_end = Some(t.end);
    }
    s
}
