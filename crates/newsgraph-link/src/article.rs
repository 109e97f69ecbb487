//! Linking within one article: tagged spans become mentions of clusters
//! (one per entity), places resolve through the gazetteer, adjectives of
//! place become place relations. Pure: same input, same output.

use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::name::{NameForm, same_person, short_form_of};
use crate::rules::{self, LangRules};
use crate::{LinkError, key};
use newsgraph_lang::Token;
use newsgraph_model::{EntityType, Mention, PlaceRelation, Sentence};
use std::collections::HashMap;

/// A span found by a tagger (or the fallback): byte offsets and a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMention {
    pub start: usize,
    pub end: usize,
    pub typ: EntityType,
}

/// The linker: gazetteer plus per-language rules.
#[derive(Debug)]
pub struct Linker {
    gazetteer: Gazetteer,
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    typ: EntityType,
    form: NameForm,
    /// Form with a genitive ending removed, and that stem as written.
    genv: Option<(NameForm, String)>,
    /// The genitive form was what linked it.
    used_gen: bool,
    place: Option<usize>,
    cluster: usize,
}

#[derive(Debug, Default)]
struct Cluster {
    votes: [u32; 4],
    members: Vec<usize>,
    place: Option<usize>,
    /// Longest form seen (for short-form matching).
    best: Option<NameForm>,
    full_count: u32,
}

fn type_ix(t: EntityType) -> usize {
    match t {
        EntityType::PER => 0,
        EntityType::ORG => 1,
        EntityType::LOC => 2,
        EntityType::MISC => 3,
    }
}

/// Index of the sentence containing byte `pos`.
pub fn sentence_at(sentences: &[Sentence], pos: usize) -> usize {
    match sentences.binary_search_by(|s| s.start.cmp(&pos)) {
        Ok(i) => i,
        Err(0) => 0,
        Err(i) => i - 1,
    }
}

/// Trims whole words matching `drop` from the start (and end) of a span while
/// at least one word remains.
fn trim_words(
    text: &str,
    mut start: usize,
    mut end: usize,
    drop: impl Fn(&str) -> bool,
) -> (usize, usize) {
    loop {
        let s = &text[start..end];
        let Some(ws) = s.find(char::is_whitespace) else {
            break;
        };
        let first = &s[..ws];
        if drop(first) {
            let rest = &s[ws..];
            let skip = rest.len() - rest.trim_start().len();
            start += ws + skip;
        } else {
            break;
        }
    }
    loop {
        let s = &text[start..end];
        let Some(ws) = s.rfind(char::is_whitespace) else {
            break;
        };
        let last = &s[ws..].trim_start();
        if drop(last) {
            end = start + s[..ws].trim_end().len();
        } else {
            break;
        }
    }
    (start, end)
}

/// Byte ranges of the whitespace-separated words of `text[start..end]`.
pub fn word_ranges(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<usize> = None;
    for (i, ch) in text[start..end].char_indices() {
        if ch.is_whitespace() {
            if let Some(b) = cur.take() {
                out.push((start + b, start + i));
            }
        } else if cur.is_none() {
            cur = Some(i);
        }
    }
    if let Some(b) = cur {
        out.push((start + b, end));
    }
    out
}

impl Linker {
    /// Repairs spans where the tagger glued words to a name:
    /// - a leading adjective or inhabitant noun of place ("Nordkoreanischer
    ///   Führer Kim Jong Un") becomes a place relation of the article; when a
    ///   title follows it, the rest is a person ("Kim Jong Un");
    /// - a trailing genitive of a gazetteer place ("Souveränität Nordkoreas",
    ///   "Fernen Osten Russlands") becomes its own place mention; the words
    ///   before it stay a name only when they look like one (two or more
    ///   words, or a hyphenated word), else they were a common noun phrase;
    /// - a title first makes the span a person ("Präsident Putin" as ORG);
    /// - a hyphenated compound of place names is a place relation;
    /// - two persons joined by a lowercase word ("Kim an Putin") are split
    ///   (name particles such as "von", "bin" stay).
    fn split_place_words(
        &self,
        text: &str,
        lang: &str,
        c: &rules::CommonRules,
        l: &LangRules,
        m: RawMention,
        places: &mut Vec<PlaceRelation>,
    ) -> Vec<RawMention> {
        let mut ws = word_ranges(text, m.start, m.end);
        let mut typ = m.typ;
        if ws.len() >= 2 {
            let (a, b) = ws[0];
            if let Some(pw) = self.gazetteer.place_word(&text[a..b], lang)
                && pw.kind != "compound"
            {
                let p = &self.gazetteer.places()[pw.place];
                places.push(PlaceRelation {
                    start: a,
                    end: b,
                    text: text[a..b].to_string(),
                    entity_id: p.id.clone(),
                    canonical: p.canonical.clone(),
                    kind: pw.kind.to_string(),
                });
                ws.remove(0);
            }
        }
        // A title first makes the rest a person ("Präsident Putin" typed ORG).
        if ws.len() >= 2 {
            let (a, b) = ws[0];
            let first = text[a..b].to_lowercase();
            if l.titles.contains(first.trim_end_matches('.')) {
                typ = EntityType::PER;
            }
        }
        // A compound headed by a common noun after a place name
        // ("Russland-Nordkorea-Gipfels") is no name: dropped here, its place
        // parts become relations of the article (`place_relations`).
        if let [(a, b)] = ws[..]
            && let Some((head, _)) = text[a..b].split_once('-')
            && let Some(tail) = text[a..b].rsplit('-').next()
            && self.gazetteer.lookup_ix(head, lang).is_some()
            && self.gazetteer.lookup_ix(tail, lang).is_none()
            && genitive_stem(tail, l).is_none_or(|t| self.gazetteer.lookup_ix(t, lang).is_none())
        {
            return Vec::new();
        }
        // Two persons joined by a lowercase word ("Kim an Putin"); name
        // particles ("von", "bin") belong to names.
        if typ == EntityType::PER && ws.len() >= 3 {
            let inner = (1..ws.len() - 1).find(|&k| {
                let w = &text[ws[k].0..ws[k].1];
                w.chars().all(|ch| ch.is_lowercase()) && !c.particles.contains(&w.to_lowercase())
            });
            if let Some(k) = inner {
                return vec![
                    RawMention {
                        start: ws[0].0,
                        end: ws[k - 1].1,
                        typ,
                    },
                    RawMention {
                        start: ws[k + 1].0,
                        end: ws[ws.len() - 1].1,
                        typ,
                    },
                ];
            }
        }
        let (Some(&(start, _)), Some(&(_, end))) = (ws.first(), ws.last()) else {
            return Vec::new();
        };
        if ws.len() >= 2 && typ != EntityType::PER {
            let (a, b) = ws[ws.len() - 1];
            let last = &text[a..b];
            if let Some(stem) = genitive_stem(last, l)
                && self
                    .gazetteer
                    .lookup_key_ix(&key::name_key_with(c, l, stem), lang)
                    .is_some()
            {
                let (_, pend) = ws[ws.len() - 2];
                let mut out = Vec::new();
                if ws.len() >= 3 || text[start..pend].contains('-') {
                    out.push(RawMention {
                        start,
                        end: pend,
                        typ,
                    });
                }
                out.push(RawMention {
                    start: a,
                    end: b,
                    typ: EntityType::LOC,
                });
                return out;
            }
        }
        vec![RawMention { start, end, typ }]
    }

    /// Repairs a missing space before a very frequent function word glued to
    /// the end of a place name ("Nord Koreaist der offizielle Name"): when the
    /// span is no gazetteer name but becomes one without the glued word
    /// (Zipf ≥ 6 in the language's frequency table, 2–4 lowercase letters),
    /// the span ends before it and takes the gazetteer entry's type.
    fn unglue_function_word(&self, text: &str, lang: &str, m: RawMention) -> RawMention {
        let surface = &text[m.start..m.end];
        let Some(last) = surface.rsplit(char::is_whitespace).next() else {
            return m;
        };
        if last.chars().count() < 6
            || !last.chars().next().is_some_and(char::is_uppercase)
            || self.gazetteer.lookup_ix(surface, lang).is_some()
            || self.gazetteer.place_word(last, lang).is_some()
        {
            return m;
        }
        let lex = newsgraph_ner::lexicon::Lexicon::get(newsgraph_ner::model_language(lang));
        for k in 2..=4 {
            let Some((cut, _)) = last.char_indices().rev().nth(k - 1) else {
                continue;
            };
            let (stem, glued) = last.split_at(cut);
            if stem.chars().count() < 4
                || !glued.chars().all(char::is_lowercase)
                || lex.zipf(glued) < 12
            {
                continue;
            }
            let end = m.end - glued.len();
            if let Some(pi) = self.gazetteer.lookup_ix(&text[m.start..end], lang) {
                return RawMention {
                    start: m.start,
                    end,
                    typ: self.gazetteer.places()[pi].kind.entity_type(),
                };
            }
        }
        m
    }

    /// Loads the gazetteer and the rule tables.
    pub fn new() -> Result<Linker, LinkError> {
        Ok(Linker {
            gazetteer: Gazetteer::load()?,
        })
    }

    /// The gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Links the tagged spans of one article. Returns its mentions (with
    /// provisional, article-local entity ids that the registry step may
    /// rewrite) and its place relations (adjectives and compounds of place).
    pub fn link_article(
        &self,
        text: &str,
        lang: &str,
        sentences: &[Sentence],
        tokens: &[Token<'_>],
        raw: &[RawMention],
    ) -> Result<(Vec<Mention>, Vec<PlaceRelation>), LinkError> {
        let c = rules::common()?;
        let l = rules::lang_rules(lang)?;
        let mut cands: Vec<Cand> = Vec::new();
        let mut places: Vec<PlaceRelation> = Vec::new();
        let mut raw: Vec<RawMention> = raw
            .iter()
            .copied()
            .filter(|m| m.start < m.end && text.get(m.start..m.end).is_some())
            .collect();
        raw.sort_by_key(|m| (m.start, m.end));
        raw.dedup_by(|b, a| b.start < a.end); // drop overlaps, keep the first
        let raw: Vec<RawMention> = raw
            .into_iter()
            .map(|m| self.unglue_function_word(text, lang, m))
            .flat_map(|m| self.split_place_words(text, lang, c, l, m, &mut places))
            .collect();
        for m in raw {
            let is_title = |w: &str| {
                let lw = w.to_lowercase();
                l.titles.contains(lw.trim_end_matches('.'))
            };
            let is_designator = |w: &str| l.designators.contains(&key::name_key_with(c, l, w));
            let (s, e) = if m.typ == EntityType::PER {
                trim_words(text, m.start, m.end, is_title)
            } else {
                trim_words(text, m.start, m.end, is_designator)
            };
            let surface = &text[s..e];
            // A generic word left alone ("Kosmodrom", "Region") names nothing.
            if m.typ != EntityType::PER
                && !surface.contains(char::is_whitespace)
                && is_designator(surface)
            {
                continue;
            }
            // A name with a place designator at its edge or just before it
            // ("Kosmodrom Wostotschny", "romfartshavnen Vostochny") is a place,
            // whatever the tagger typed.
            let mut m = m;
            if m.typ != EntityType::PER
                && ((s, e) != (m.start, m.end) || word_before(text, s).is_some_and(is_designator))
            {
                m.typ = EntityType::LOC;
            }
            // Adjectives/nouns of place tagged as names ("North Korean", "Russen").
            if m.typ != EntityType::PER
                && let Some(pw) = self.gazetteer.place_word(surface, lang)
                && pw.kind != "compound"
            {
                let p = &self.gazetteer.places()[pw.place];
                places.push(PlaceRelation {
                    start: s,
                    end: e,
                    text: surface.to_string(),
                    entity_id: p.id.clone(),
                    canonical: p.canonical.clone(),
                    kind: pw.kind.to_string(),
                });
                continue;
            }
            let form = NameForm::new(c, l, surface);
            if form.is_empty() {
                continue;
            }
            let genv =
                genitive_stem(surface, l).map(|stem| (NameForm::new(c, l, stem), stem.to_string()));
            cands.push(Cand {
                start: s,
                end: e,
                typ: m.typ,
                form,
                genv,
                used_gen: false,
                place: None,
                cluster: usize::MAX,
            });
        }

        let mut clusters: Vec<Cluster> = Vec::new();
        let mut place_cluster: HashMap<usize, usize> = HashMap::new();
        // 1. Places through the gazetteer.
        let per_surnames: Vec<String> = cands
            .iter()
            .filter(|x| x.typ == EntityType::PER && x.form.len() >= 2)
            .map(|x| x.form.surname().to_string())
            .collect();
        for x in cands.iter_mut() {
            let single_per = x.typ == EntityType::PER && x.form.len() == 1;
            if x.typ == EntityType::PER && !single_per {
                continue;
            }
            // By the name's key, else its genitive stem's: places first, then
            // organisations ("Vereinten Nationen", "Kremls").
            let by = |look: &dyn Fn(&str) -> Option<usize>| {
                look(&x.form.key).map(|p| (p, false)).or_else(|| {
                    let (g, _) = x.genv.as_ref()?;
                    look(&g.key).map(|p| (p, true))
                })
            };
            let hit = by(&|k| self.gazetteer.lookup_key_ix(k, lang))
                .or_else(|| by(&|k| self.gazetteer.lookup_org_key_ix(k, lang)));
            let Some((pi, used_gen)) = hit else { continue };
            let p = &self.gazetteer.places()[pi];
            // A one-word "person" is a country or an organisation it names,
            // never a city (surnames like "Paris"), and not when it is the
            // surname of a full name in the article.
            if single_per && (p.kind == PlaceKind::City || per_surnames.contains(&x.form.key)) {
                continue;
            }
            let ci = *place_cluster.entry(pi).or_insert_with(|| {
                clusters.push(Cluster {
                    place: Some(pi),
                    ..Default::default()
                });
                clusters.len() - 1
            });
            x.place = Some(pi);
            x.used_gen = used_gen;
            x.typ = p.kind.entity_type();
            x.cluster = ci;
        }
        // 2. Full person names, longest first.
        let mut order: Vec<usize> = (0..cands.len())
            .filter(|&i| {
                cands[i].cluster == usize::MAX
                    && cands[i].typ == EntityType::PER
                    && cands[i].form.len() >= 2
            })
            .collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(cands[i].form.len()), cands[i].start));
        for i in order {
            let f = cands[i].form.clone();
            let found = clusters.iter().position(|cl| {
                cl.place.is_none()
                    && cl.votes[0] > 0
                    && cl.best.as_ref().is_some_and(|b| same_person(b, &f))
            });
            let ci = found.unwrap_or_else(|| {
                clusters.push(Cluster {
                    best: Some(f.clone()),
                    ..Default::default()
                });
                clusters.len() - 1
            });
            cands[i].cluster = ci;
            clusters[ci].votes[0] += 1;
            clusters[ci].full_count += 1;
        }
        // 3. Short forms of those persons (any type not resolved as a place:
        //    taggers often mistype a lone surname).
        for i in 0..cands.len() {
            if cands[i].cluster != usize::MAX || cands[i].form.len() != 1 {
                continue;
            }
            let own = cands[i].form.key.clone();
            let gkey = cands[i].genv.as_ref().map(|(g, _)| g.key.clone());
            let here = cands[i].start;
            let pick = |k: &str| -> Option<usize> {
                let mut best: Option<(u32, usize, usize)> = None;
                for (ci, cl) in clusters.iter().enumerate() {
                    let Some(b) = &cl.best else { continue };
                    if cl.place.is_some() || b.len() < 2 || !short_form_of(k, b) {
                        continue;
                    }
                    // Most full mentions, then the nearest preceding one.
                    let dist = cands
                        .iter()
                        .filter(|y| y.cluster == ci && y.start <= here)
                        .map(|y| here - y.start)
                        .min()
                        .unwrap_or(usize::MAX);
                    let score = (cl.full_count, usize::MAX - dist, usize::MAX - ci);
                    if best.is_none_or(|b| score > b) {
                        best = Some(score);
                    }
                }
                best.map(|(_, _, ci)| usize::MAX - ci)
            };
            let (ci, used_gen) = match pick(&own) {
                Some(ci) => (Some(ci), false),
                None => (gkey.as_deref().and_then(pick), true),
            };
            if used_gen && ci.is_some() {
                cands[i].used_gen = true;
            }
            if let Some(ci) = ci {
                cands[i].cluster = ci;
                cands[i].typ = EntityType::PER;
                clusters[ci].votes[0] += 1;
            }
        }
        // 4. Everything else by whole key (genitive stems included), persons
        //    and non-persons apart.
        let mut by_key: HashMap<(bool, String), usize> = HashMap::new();
        let mut rest: Vec<usize> = (0..cands.len())
            .filter(|&i| cands[i].cluster == usize::MAX)
            .collect();
        // Bare forms first, so a genitive finds its stem.
        rest.sort_by_key(|&i| (cands[i].genv.is_some(), cands[i].start));
        for i in rest {
            let per = cands[i].typ == EntityType::PER;
            let k = (per, cands[i].form.key.clone());
            let ci = if let Some(&ci) = by_key.get(&k) {
                ci
            } else if let Some(&ci) = cands[i]
                .genv
                .as_ref()
                .and_then(|(g, _)| by_key.get(&(per, g.key.clone())))
            {
                cands[i].used_gen = true;
                ci
            } else {
                clusters.push(Cluster {
                    best: Some(cands[i].form.clone()),
                    ..Default::default()
                });
                by_key.insert(k, clusters.len() - 1);
                clusters.len() - 1
            };
            cands[i].cluster = ci;
            clusters[ci].votes[type_ix(cands[i].typ)] += 1;
        }
        for (i, x) in cands.iter().enumerate() {
            if x.cluster < clusters.len() {
                clusters[x.cluster].members.push(i);
            }
        }

        // Canonical name, type and provisional id per cluster.
        let mut mentions = Vec::with_capacity(cands.len());
        let mut ids: Vec<(String, String, EntityType)> = Vec::with_capacity(clusters.len());
        for cl in &clusters {
            if let Some(pi) = cl.place {
                let p = &self.gazetteer.places()[pi];
                ids.push((p.id.clone(), p.canonical.clone(), p.kind.entity_type()));
                continue;
            }
            let typ = [
                EntityType::PER,
                EntityType::ORG,
                EntityType::LOC,
                EntityType::MISC,
            ][(0..4).max_by_key(|&t| (cl.votes[t], 4 - t)).unwrap_or(0)];
            let canonical = canonical_of(text, &cands, &cl.members);
            let slug = key::slug(c, &canonical);
            let slug = if slug.is_empty() {
                format!(
                    "{:x}",
                    fnv(cl.best.as_ref().map(|b| b.key.as_str()).unwrap_or(""))
                )
            } else {
                slug
            };
            ids.push((
                format!("{}:{}", typ.as_str().to_lowercase(), slug),
                canonical,
                typ,
            ));
        }
        for x in &cands {
            let Some((id, canonical, typ)) = ids.get(x.cluster) else {
                continue;
            };
            mentions.push(Mention {
                start: x.start,
                end: x.end,
                text: text[x.start..x.end].to_string(),
                typ: *typ,
                entity_id: id.clone(),
                canonical: canonical.clone(),
                sentence: sentence_at(sentences, x.start),
            });
        }
        mentions.sort_by_key(|m| (m.start, m.end));

        // Adjectives, nouns and compounds of place in running text.
        places.extend(self.place_relations(text, lang, tokens, &mentions));
        places.sort_by_key(|p| (p.start, p.end));
        places.dedup_by(|b, a| a.start == b.start && a.end == b.end);
        Ok((mentions, places))
    }

    /// Adjectives of place ("nordkoreanische", "russiskprodusert"), nouns of
    /// inhabitants and compounds ("Russlandbesuch", "Russland-Nordkorea-Gipfel")
    /// in tokens outside named mentions.
    pub fn place_relations(
        &self,
        text: &str,
        lang: &str,
        tokens: &[Token<'_>],
        mentions: &[Mention],
    ) -> Vec<PlaceRelation> {
        let mut out = Vec::new();
        if !self.gazetteer.has_forms(lang) {
            return out;
        }
        let inside = |s: usize, e: usize| mentions.iter().any(|m| m.start < e && s < m.end);
        let mut push = |s: usize, e: usize, pi: usize, kind: &str| {
            let p = &self.gazetteer.places()[pi];
            out.push(PlaceRelation {
                start: s,
                end: e,
                text: text[s..e].to_string(),
                entity_id: p.id.clone(),
                canonical: p.canonical.clone(),
                kind: kind.to_string(),
            });
        };
        let mut k = 0;
        while k < tokens.len() {
            let t = tokens[k];
            k += 1;
            if inside(t.start, t.end) || !t.text.chars().next().is_some_and(char::is_alphabetic) {
                continue;
            }
            // Two-word adjectives ("North Korean", "south korean").
            if let Some(n) = tokens.get(k)
                && text[t.end..n.start].chars().all(|c| c == ' ')
                && !inside(n.start, n.end)
            {
                let pair = format!("{} {}", t.text, n.text);
                if let Some(pw) = self.gazetteer.place_word(&pair, lang) {
                    push(t.start, n.end, pw.place, pw.kind);
                    k += 1;
                    continue;
                }
            }
            if t.text.chars().count() < 4 {
                continue;
            }
            if let Some(pw) = self.gazetteer.place_word(t.text, lang) {
                push(t.start, t.end, pw.place, pw.kind);
                continue;
            }
            // Hyphenated compounds: each part on its own.
            if t.text.contains('-') {
                let mut off = t.start;
                let mut seen = Vec::new();
                for part in t.text.split('-') {
                    let (s, e) = (off, off + part.len());
                    off = e + 1;
                    if part.chars().count() < 2 {
                        continue;
                    }
                    let hit = self
                        .gazetteer
                        .lookup_ix(part, lang)
                        .filter(|&pi| {
                            self.gazetteer.places()[pi].kind == PlaceKind::Country
                                || part.chars().count() >= 4
                        })
                        .map(|pi| (pi, "compound"))
                        .or_else(|| {
                            self.gazetteer
                                .place_word(part, lang)
                                .map(|pw| (pw.place, pw.kind))
                        });
                    if let Some((pi, kind)) = hit
                        && !seen.contains(&pi)
                    {
                        seen.push(pi);
                        push(s, e, pi, kind);
                    }
                }
            }
        }
        out
    }
}

/// The word just before byte `pos` when only spaces separate it from `pos`
/// and it is made of letters (and hyphens).
fn word_before(text: &str, pos: usize) -> Option<&str> {
    let before = text.get(..pos)?;
    let trimmed = before.trim_end_matches(' ');
    if trimmed.len() == before.len() {
        return None;
    }
    let w = trimmed.rsplit(char::is_whitespace).next()?;
    (!w.is_empty() && w.chars().all(|ch| ch.is_alphabetic() || ch == '-')).then_some(w)
}

/// The stem of `surface` without a genitive ending of the language, if it
/// has one and the stem is long enough to be a name.
pub(crate) fn genitive_stem<'a>(surface: &'a str, l: &LangRules) -> Option<&'a str> {
    let lower = surface.to_lowercase();
    for g in &l.genitive {
        if lower.ends_with(g.as_str()) && lower.len() == surface.len() {
            let stem = &surface[..surface.len() - g.len()];
            if stem.chars().count() >= 3 && stem.chars().last().is_some_and(char::is_alphanumeric) {
                return Some(stem);
            }
        }
    }
    None
}

/// The canonical name of a cluster: among its longest forms, the most
/// frequent (genitives counted as their stem), ties to the earliest.
fn canonical_of(text: &str, cands: &[Cand], members: &[usize]) -> String {
    let max_parts = members
        .iter()
        .map(|&i| cands[i].form.len())
        .max()
        .unwrap_or(0);
    let mut counts: Vec<(String, u32, usize)> = Vec::new();
    for &i in members {
        let x = &cands[i];
        let name = if x.used_gen {
            x.genv.as_ref().map(|(_, s)| s.clone())
        } else {
            None
        }
        .unwrap_or_else(|| text[x.start..x.end].to_string());
        let parts = if x.used_gen {
            x.genv.as_ref().map(|(g, _)| g.len()).unwrap_or(0)
        } else {
            x.form.len()
        };
        if parts < max_parts {
            continue;
        }
        match counts.iter_mut().find(|(n, _, _)| *n == name) {
            Some(e) => e.1 += 1,
            None => counts.push((name, 1, x.start)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(n, _, _)| n)
        .unwrap_or_default()
}

/// FNV-1a, for ids of names without letters an id can carry.
pub(crate) fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
