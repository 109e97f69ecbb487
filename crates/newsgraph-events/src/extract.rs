//! Event extraction from one article: triggers, actors, modality, date,
//! place, objects; role phrases resolved within the article.

use crate::lexicon::{Lexicon, cameo};
use crate::sentence::{
    Cand, CandKind, Hit, Tok, join_tokens, match_triggers, memory_cands, mention_cands,
    name_memory, own_cands, tokens,
};
use newsgraph_model::{
    Actor, Analysis, ArticleId, EntityType, Event, EventObject, Mention, Modality, Provenance,
    Sentence, TimexType,
};
use std::collections::HashMap;

/// Everything computed for one sentence.
#[derive(Debug, Clone)]
pub struct SentInfo {
    #[allow(dead_code)]
    pub idx: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub toks: Vec<Tok>,
    pub cands: Vec<Cand>,
    /// Accepted trigger hits, in sentence order, with `governed` flags.
    pub hits: Vec<(Hit, bool)>,
}

impl SentInfo {
    /// The text of tokens `first..=last` as written.
    pub(crate) fn text_of(&self, first: usize, last: usize) -> String {
        let (a, b) = (self.toks[first].start, self.toks[last].end);
        self.text
            .get(a.saturating_sub(self.start)..b.saturating_sub(self.start))
            .unwrap_or("")
            .to_string()
    }
}

/// Role bindings within an article: role key (and key+qualifier) → holder.
#[derive(Debug, Default, Clone)]
pub struct RoleBook {
    bind: HashMap<String, Actor>,
    /// Qualifier of the first holder bound to each bare key.
    bare_qual: HashMap<String, Option<String>>,
    /// Holders by qualifier alone (any role, with the role key): "russ" →
    /// president Putin, defence-minister Schoigu.
    by_qual: HashMap<String, Vec<(String, Actor)>>,
}

impl RoleBook {
    fn add(&mut self, key: &str, qual: Option<&str>, a: &Actor) {
        if let Some(q) = qual {
            self.bind.insert(format!("{key}|{q}"), a.clone());
            let v = self.by_qual.entry(q.to_string()).or_default();
            let same =
                |x: &Actor| x.text == a.text || x.entity_id.is_some() && x.entity_id == a.entity_id;
            if !v.iter().any(|(k, x)| k == key && same(x)) {
                v.push((key.to_string(), a.clone()));
            }
        }
        if !self.bind.contains_key(key) {
            self.bind.insert(key.to_string(), a.clone());
            self.bare_qual
                .insert(key.to_string(), qual.map(str::to_string));
        }
    }
    /// The holder of a role phrase: the same role with the same qualifier;
    /// else the only person the article names with that qualifier ("den
    /// russiske lederen" → the one Russian named with a role); else the
    /// role's first holder unless that one has another qualifier ("der
    /// russische Präsident" is never the North Korean one).
    fn get(&self, key: &str, qual: Option<&str>) -> Option<&Actor> {
        let Some(q) = qual else {
            return self.bind.get(key);
        };
        if let Some(a) = self.bind.get(&format!("{key}|{q}")) {
            return Some(a);
        }
        if let Some(v) = self.by_qual.get(q) {
            // The one person with that qualifier, or the one in a kindred
            // office ("leader" ~ "president").
            if let Some(a) = one_person(v.iter().map(|(_, a)| a).collect()) {
                return Some(a);
            }
            let kin: Vec<&Actor> = v
                .iter()
                .filter(|(k, _)| crate::lexicon::role_kin(k, key))
                .map(|(_, a)| a)
                .collect();
            if let Some(a) = one_person(kin) {
                return Some(a);
            }
        }
        match self.bare_qual.get(key) {
            Some(Some(other)) if other != q => None,
            _ => self.bind.get(key),
        }
    }
}

/// The person when every actor in `list` is the same one.
fn one_person(list: Vec<&Actor>) -> Option<&Actor> {
    let first = *list.first()?;
    list.iter()
        .all(|x| x.text == first.text || x.entity_id.is_some() && x.entity_id == first.entity_id)
        .then_some(first)
}

/// First four letters of a qualifier ("russische", "russiske", "Russian" → "russ").
fn qual_stem(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .take(4)
        .collect()
}

/// The qualifier of a role phrase: the word before the role noun.
fn role_qualifier(toks: &[Tok], c: &Cand, lx: &Lexicon) -> Option<String> {
    // The role noun inside the phrase, or right before a name
    // ("Nord-Koreas leder [Kim Jong-un]", "Russlands president [Putin]").
    let ri = (c.t0..c.t1)
        .find(|&i| lx.role(&toks[i].lower).is_some())
        .or_else(|| (c.t0 >= 1 && lx.role(&toks[c.t0 - 1].lower).is_some()).then(|| c.t0 - 1))?;
    if ri > c.t0 {
        let w = &toks[ri - 1];
        if !w.punct {
            return Some(qual_stem(&w.lower));
        }
    } else if ri >= 1 {
        // Before the phrase only a capitalised genitive or adjective
        // qualifies ("Nord-Koreas leder", "Russlands president"), not a
        // verb or an article ("sagte Kremlsprecher", "Der Kremlsprecher").
        let w = &toks[ri - 1];
        if !w.punct && w.cap && !lx.determiners.matches(&w.lower) {
            return Some(qual_stem(&w.lower));
        }
    }
    // Compound role ("Kremlsprecher") or genitive before ("Kremls talsmann").
    None
}

pub(crate) struct ArticleCtx<'a> {
    pub text: &'a str,
    pub lx: &'a Lexicon,
    pub analysis: &'a Analysis,
    pub article_id: ArticleId,
    pub use_caps: bool,
    /// Byte spans of the article's direct quotations.
    pub quotes: Vec<(usize, usize)>,
}

/// Build per-sentence info for every sentence of the analysis.
pub(crate) fn sentences(ctx: &ArticleCtx) -> Vec<SentInfo> {
    let mut by_sent: HashMap<usize, Vec<&Mention>> = HashMap::new();
    for m in &ctx.analysis.mentions {
        by_sent.entry(m.sentence).or_default().push(m);
    }
    let sents: Vec<Sentence> = if ctx.analysis.sentences.is_empty() {
        vec![Sentence {
            start: 0,
            end: ctx.text.len(),
            text: ctx.text.to_string(),
        }]
    } else {
        ctx.analysis.sentences.clone()
    };
    let memory = name_memory(&ctx.analysis.mentions);
    let mut out = Vec::with_capacity(sents.len());
    for (idx, s) in sents.iter().enumerate() {
        let toks = tokens(ctx.text, s.start, s.end, &ctx.lx.lang);
        let ms: Vec<&Mention> = by_sent
            .get(&idx)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.start >= s.start && m.end <= s.end)
            .collect();
        let mut hits = match_triggers(&toks, ctx.lx);
        let mut cands = mention_cands(&toks, &ms);
        let extra = memory_cands(&toks, &memory, &cands);
        cands.extend(extra);
        // Triggers inside a tagger mention are names, not events ("Human Rights Watch").
        hits.retain(|h| !cands.iter().any(|c| h.first() >= c.t0 && h.first() < c.t1));
        let hits = select_hits(hits, ctx.lx, &toks);
        let mut trig_tok = vec![false; toks.len()];
        for (h, _) in &hits {
            for &t in &h.toks {
                trig_tok[t] = true;
            }
        }
        let mut own = own_cands(&toks, ctx.lx, &cands, ctx.use_caps, &trig_tok);
        // A role phrase directly before a mention is an apposition: merge.
        let mut merged_role = Vec::new();
        for c in &mut cands {
            if let Some(r) = own.iter().position(|o| {
                o.role.is_some() && o.t1 == c.t0
                    || (o.role.is_some() && o.t0 <= c.t0 && o.t1 >= c.t1)
            }) {
                let o = &own[r];
                c.role = o.role.clone();
                c.t0 = c.t0.min(o.t0);
                merged_role.push(r);
            }
        }
        merged_role.sort_unstable();
        merged_role.dedup();
        for r in merged_role.into_iter().rev() {
            own.remove(r);
        }
        cands.extend(own);
        cands.sort_by_key(|c| (c.t0, c.t1));
        if std::env::var_os("NEWSGRAPH_EVENTS_DEBUG").is_some() {
            eprintln!("S{idx}: {}", s.text);
            for c in &cands {
                eprintln!(
                    "   cand {:?} {:?} [{}..{}] {:?}",
                    c.kind, c.actor.text, c.t0, c.t1, c.role
                );
            }
        }
        out.push(SentInfo {
            idx,
            start: s.start,
            end: s.end,
            text: s.text.clone(),
            toks,
            cands,
            hits,
        });
    }
    out
}

/// Resolve overlaps (highest priority wins) and mark governed triggers.
fn select_hits(mut hits: Vec<Hit>, lx: &Lexicon, toks: &[Tok]) -> Vec<(Hit, bool)> {
    hits.sort_by_key(|h| {
        let t = &lx.triggers[h.trig];
        (std::cmp::Reverse(t.priority), h.first(), h.trig)
    });
    let mut used = vec![false; toks.len()];
    let mut acc: Vec<Hit> = Vec::new();
    for h in hits {
        if h.toks.iter().any(|&t| used[t]) {
            continue;
        }
        for &t in &h.toks {
            used[t] = true;
        }
        acc.push(h);
    }
    acc.sort_by_key(|h| h.first());
    let strong = acc.iter().any(|h| !lx.triggers[h.trig].weak);
    if strong {
        acc.retain(|h| !lx.triggers[h.trig].weak);
    }
    // A governing trigger absorbs later triggers up to the next hard clause break.
    let mut out: Vec<(Hit, bool)> = Vec::new();
    let mut gov_until: Option<usize> = None;
    for h in acc {
        let governed = gov_until.is_some_and(|u| h.first() < u);
        let t = &lx.triggers[h.trig];
        if t.governs && !governed {
            let mut u = h.last() + 1;
            while u < toks.len() {
                let w = toks[u].lower.as_str();
                if matches!(
                    w,
                    ";" | ":" | "(" | ")" | "," | "\"" | "„" | "“" | "«" | "»"
                ) || lx.clause_breaks.matches(w) && !matches!(w, "that" | "dass" | "at")
                {
                    break;
                }
                u += 1;
            }
            gov_until = Some(u);
        }
        out.push((h, governed));
    }
    out
}

/// Build the article's role book: role phrases next to a named person.
pub(crate) fn role_book(sents: &[SentInfo], lx: &Lexicon) -> RoleBook {
    let mut rb = RoleBook::default();
    for s in sents {
        for c in &s.cands {
            let Some(key) = &c.role else { continue };
            let qual = role_qualifier(&s.toks, c, lx);
            match c.kind {
                CandKind::Mention if c.typ == Some(EntityType::PER) => {
                    rb.add(key, qual.as_deref(), &c.actor);
                }
                CandKind::Role => {
                    // Without a tagger: capitalised name tokens after the role noun.
                    let ri = (c.t0..c.t1).find(|&i| lx.role(&s.toks[i].lower).is_some());
                    if let Some(ri) = ri {
                        let names: Vec<&Tok> = s.toks[ri + 1..c.t1]
                            .iter()
                            .filter(|t| t.cap && lx.role(&t.lower).is_none())
                            .collect();
                        if !names.is_empty() && ri + 1 < c.t1 {
                            let a = Actor {
                                text: join_tokens(&s.toks[ri + 1..c.t1]),
                                entity_id: None,
                                canonical: None,
                            };
                            rb.add(key, qual.as_deref(), &a);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    rb
}

/// The actor a candidate stands for: a mention keeps its entity, a role
/// phrase gets the holder the article names.
pub(crate) fn cand_actor(s: &SentInfo, c: &Cand, lx: &Lexicon, rb: &RoleBook) -> Actor {
    if c.kind == CandKind::Role
        && let Some(key) = &c.role
    {
        let qual = role_qualifier(&s.toks, c, lx);
        // A role phrase that already contains the name stays as written.
        let ri = (c.t0..c.t1).find(|&i| lx.role(&s.toks[i].lower).is_some());
        let has_name = ri.is_some_and(|ri| s.toks[ri + 1..c.t1].iter().any(|t| t.cap));
        if has_name {
            let a = Actor {
                text: join_tokens(&s.toks[ri.unwrap_or(c.t0) + 1..c.t1]),
                entity_id: None,
                canonical: None,
            };
            return Actor {
                text: c.actor.text.clone(),
                entity_id: a.entity_id,
                canonical: Some(a.text),
            };
        }
        if let Some(h) = rb.get(key, qual.as_deref()) {
            return Actor {
                text: c.actor.text.clone(),
                entity_id: h.entity_id.clone(),
                canonical: h.canonical.clone().or_else(|| Some(h.text.clone())),
            };
        }
    }
    c.actor.clone()
}

pub(crate) fn is_break(lx: &Lexicon, t: &Tok) -> bool {
    matches!(
        t.text.as_str(),
        "," | ";" | ":" | "(" | ")" | "\"" | "„" | "“" | "”" | "«" | "»"
    ) || lx.clause_breaks.matches(&t.lower)
}

/// Clause bounds `[a, b)` around token `i` (for the anchoring rules).
pub(crate) fn clause_bounds(s: &SentInfo, lx: &Lexicon, i: usize) -> (usize, usize) {
    clause(s, lx, i)
}

/// Clause bounds `[a, b)` around token `i`.
fn clause(s: &SentInfo, lx: &Lexicon, i: usize) -> (usize, usize) {
    let mut a = i;
    while a > 0 && !is_break(lx, &s.toks[a - 1]) {
        a -= 1;
    }
    let mut b = i + 1;
    while b < s.toks.len() && !is_break(lx, &s.toks[b]) {
        b += 1;
    }
    (a, b)
}

/// Whether candidate `c` sits in a prepositional phrase (preposition before
/// it, possibly across determiners).
fn in_pp(s: &SentInfo, lx: &Lexicon, c: &Cand) -> Option<usize> {
    let mut j = c.t0;
    let mut steps = 0;
    while j > 0 && steps < 3 {
        j -= 1;
        let w = &s.toks[j].lower;
        if lx.prepositions.matches(w) {
            return Some(j);
        }
        if !lx.determiners.matches(w) {
            return None;
        }
        steps += 1;
    }
    None
}

/// Candidates coordinated with candidate index `ci` ("Congo and Costa Rica").
fn with_coordinated(s: &SentInfo, lx: &Lexicon, ci: usize) -> Vec<usize> {
    let mut out = vec![ci];
    let mut cur = ci;
    loop {
        let c = &s.cands[cur];
        let next = s
            .cands
            .iter()
            .enumerate()
            .find(|(_, n)| n.t0 >= c.t1)
            .map(|(i, _)| i);
        let Some(ni) = next else { break };
        let n = &s.cands[ni];
        let between = &s.toks[c.t1..n.t0];
        let has_coord = between
            .iter()
            .any(|t| lx.coordinators.matches(&t.lower) && t.text != ",")
            || (between.len() == 1 && between[0].text == ",");
        // "…, und …" joins clauses in German and Norwegian (no serial comma).
        let clause_join = lx.lang != "en"
            && between.iter().any(|t| t.text == ",")
            && between
                .iter()
                .any(|t| t.text != "," && lx.coordinators.matches(&t.lower));
        let ok = !between.is_empty()
            && !clause_join
            && between.len() <= 3
            && has_coord
            && between
                .iter()
                .all(|t| lx.coordinators.matches(&t.lower) || lx.determiners.matches(&t.lower));
        if !ok {
            break;
        }
        // "der Kremlsprecher, Dmitri Peskow", "des Staatschefs, Kim Jong Il":
        // a role phrase and the name after a lone comma are one person (an
        // apposition), not two coordinated actors; the name stands for it.
        let apposition = between.len() == 1
            && between[0].text == ","
            && c.kind == CandKind::Role
            && n.typ == Some(EntityType::PER);
        if apposition && out.len() == 1 {
            out[0] = ni;
            cur = ni;
            continue;
        }
        out.push(ni);
        cur = ni;
    }
    out
}

/// Modality of a trigger from cue words around it in its clause.
fn modality(s: &SentInfo, lx: &Lexicon, h: &Hit) -> Modality {
    let t = h.first();
    let (ca, cb) = clause(s, lx, t);
    let mut neg = false;
    let mut poss = false;
    let mut intent = false;
    // Back window: up to 6 tokens, stopping at scope breaks.
    let mut j = t;
    let mut n = 0;
    while j > ca && n < 6 {
        j -= 1;
        n += 1;
        let w = s.toks[j].lower.as_str();
        if lx.scope_breaks.matches(w) {
            break;
        }
        if n <= 4 && (lx.negation.matches(w) || w.ends_with("n't")) {
            neg = true;
        }
        if lx.possible.matches(w) {
            poss = true;
        }
        if lx.intended.matches(w) {
            intent = true;
        }
    }
    // Forward: verb-final auxiliaries and postposed negation ("besuchen werde",
    // "besøkte ikke").
    let last = h.last();
    for k in last + 1..(last + 3).min(cb) {
        let w = s.toks[k].lower.as_str();
        if lx.scope_breaks.matches(w) {
            break;
        }
        if lx.negation.matches(w) && !lx.determiners.matches(w) {
            neg = true;
        }
        if lx.possible.matches(w) {
            poss = true;
        }
        if lx.intended.matches(w) {
            intent = true;
        }
    }
    if neg {
        Modality::Negated
    } else if poss {
        Modality::Possible
    } else if intent {
        Modality::Intended
    } else {
        Modality::Asserted
    }
}

const COOPERATIVE: [&str; 6] = [
    "CONSULT",
    "SUPPORT",
    "COOPERATE",
    "AID",
    "CONCEDE",
    "RETREAT",
];
const MATERIAL_CONFLICT: [&str; 6] = [
    "SANCTION", "COERCE", "ASSAULT", "FIGHT", "MOBILIZE", "PROTEST",
];

/// PLOVER's reading of unrealised events: intended or possible cooperation
/// is AGREE; intended or possible material conflict is THREATEN.
pub fn plover_type(typ: &str, m: Modality) -> String {
    match m {
        Modality::Intended | Modality::Possible if COOPERATIVE.contains(&typ) => "AGREE".into(),
        Modality::Intended | Modality::Possible if MATERIAL_CONFLICT.contains(&typ) => {
            "THREATEN".into()
        }
        _ => typ.to_string(),
    }
}

/// Find source and target candidate indexes for a trigger.
fn arguments(s: &SentInfo, lx: &Lexicon, h: &Hit) -> (Vec<usize>, Vec<usize>) {
    let trig = &lx.triggers[h.trig];
    let t = h.first();
    let (ca, cb) = clause(s, lx, t);
    let trig_set: Vec<usize> = h.toks.clone();
    let usable = |c: &Cand| !trig_set.iter().any(|&x| x >= c.t0 && x < c.t1);
    // Passive: auxiliary before the trigger and an agent preposition after it.
    let passive = (t.saturating_sub(3)..t).any(|j| lx.passive_aux.matches(&s.toks[j].lower))
        && (h.last() + 1..cb.min(h.last() + 4)).any(|j| lx.agent.matches(&s.toks[j].lower));
    let mut source: Vec<usize> = Vec::new();
    let mut target: Vec<usize> = Vec::new();
    let clause_cands: Vec<usize> = (0..s.cands.len())
        .filter(|&i| s.cands[i].t0 >= ca && s.cands[i].t1 <= cb && usable(&s.cands[i]))
        .collect();
    // Subject: first candidate before the trigger in the clause, not in a PP.
    let subj = clause_cands
        .iter()
        .copied()
        .find(|&i| s.cands[i].t1 <= t && in_pp(s, lx, &s.cands[i]).is_none());
    let agent = if passive {
        clause_cands.iter().copied().find(|&i| {
            s.cands[i].t0 > h.last()
                && in_pp(s, lx, &s.cands[i]).is_some_and(|p| lx.agent.matches(&s.toks[p].lower))
        })
    } else {
        None
    };
    if let Some(a) = agent {
        source = with_coordinated(s, lx, a);
        // The grammatical subject is the target; a PP inside it is fine
        // ("a camp for Congolese refugees was attacked by …").
        let sj = subj.or_else(|| clause_cands.iter().copied().find(|&i| s.cands[i].t1 <= t));
        if let Some(sj) = sj {
            target = with_coordinated(s, lx, sj);
        }
        return (source, target);
    }
    let v2 = matches!(lx.lang.as_str(), "de" | "nb" | "nn");
    if let Some(sj) = subj {
        source = with_coordinated(s, lx, sj);
    } else if v2 || trig.noun {
        // Inverted subject ("traf sich Choe mit Putin").
        // After the finite verb: for a split verb ("lud Kim Putin … ein")
        // that is its first token, not the particle at the end.
        let fin = if h.toks.windows(2).any(|w| w[1] > w[0] + 1) {
            h.first()
        } else {
            h.last()
        };
        if let Some(i) = clause_cands.iter().copied().find(|&i| {
            s.cands[i].t0 > fin && s.cands[i].t0 <= fin + 3 && in_pp(s, lx, &s.cands[i]).is_none()
        }) {
            source = with_coordinated(s, lx, i);
        }
    }
    if source.is_empty() && ca > 0 && !trig.noun {
        // Subject of the governing clause ("Russia said that …" / "…, X said").
        if let Some(i) = (0..s.cands.len()).find(|&i| {
            s.cands[i].t1 <= ca && in_pp(s, lx, &s.cands[i]).is_none() && usable(&s.cands[i])
        }) {
            source = with_coordinated(s, lx, i);
        }
    }
    let taken = |i: usize, src: &[usize]| src.contains(&i);
    // Target by the trigger's prepositions, after the trigger first.
    let preps = if trig.target_preps.is_empty() {
        &lx.target_default
    } else {
        &trig.target_preps
    };
    let zone_end = {
        let mut u = h.last() + 1;
        while u < s.toks.len() {
            let tk = &s.toks[u];
            if matches!(tk.text.as_str(), ";" | ":" | "(" | ")") {
                break;
            }
            if tk.text == "," || (lx.clause_breaks.matches(&tk.lower)) {
                break;
            }
            u += 1;
        }
        u
    };
    let after: Vec<usize> = (0..s.cands.len())
        .filter(|&i| {
            s.cands[i].t0 > h.first()
                && s.cands[i].t1 <= zone_end
                && usable(&s.cands[i])
                && !taken(i, &source)
        })
        .collect();
    let by_prep = |list: &[usize]| {
        list.iter()
            .copied()
            .find(|&i| in_pp(s, lx, &s.cands[i]).is_some_and(|p| preps.matches(&s.toks[p].lower)))
    };
    let explicit = !trig.target_preps.is_empty();
    let mut tgt = if explicit { by_prep(&after) } else { None };
    let mut via_prep = tgt.is_some();
    if tgt.is_none() && explicit && v2 {
        let before: Vec<usize> = clause_cands
            .iter()
            .copied()
            .filter(|&i| s.cands[i].t1 <= t && !taken(i, &source))
            .collect();
        tgt = by_prep(&before);
        via_prep = tgt.is_some();
    }
    // Symmetric events with a coordinated subject ("Putin und Kim trafen sich")
    // and receiving events ("erhielt … von X") take their other side only
    // from a preposition.
    if !via_prep && ((trig.symmetric && source.len() >= 2) || trig.inverse) {
        if trig.inverse {
            return (Vec::new(), source);
        }
        return (source, Vec::new());
    }
    if tgt.is_none() {
        // First candidate after the trigger that is not an agent or a place after a locative.
        tgt = after.iter().copied().find(|&i| {
            !in_pp(s, lx, &s.cands[i]).is_some_and(|p| lx.agent.matches(&s.toks[p].lower))
        });
    }
    if tgt.is_none() && v2 {
        // Verb-final clause: a candidate between the subject and the trigger.
        let from = source.iter().map(|&i| s.cands[i].t1).max().unwrap_or(ca);
        // Not past another trigger: in "ankom Russland … og hadde samtaler"
        // Russland is the object of "ankom".
        let other_trigger = |i: usize| {
            s.hits.iter().any(|(x, _)| {
                x.first() != h.first() && x.first() >= from && x.last() < s.cands[i].t0
            })
        };
        tgt = clause_cands.iter().copied().find(|&i| {
            s.cands[i].t0 >= from && s.cands[i].t1 <= t && !taken(i, &source) && !other_trigger(i)
        });
    }
    if let Some(ti) = tgt {
        target = with_coordinated(s, lx, ti);
        target.retain(|i| !source.contains(i));
    }
    if trig.inverse {
        std::mem::swap(&mut source, &mut target);
    } else if let Some(ag) = trigger_agent(s, lx, h) {
        // "auf Einladung von Präsident Putin": the doer follows the
        // trigger; the clause subject, if any, is the one it concerns.
        let ag = with_coordinated(s, lx, ag);
        let was = if source.iter().any(|i| !ag.contains(i)) {
            source
        } else {
            target
        };
        target = was.into_iter().filter(|i| !ag.contains(i)).collect();
        source = ag;
    }
    (source, target)
}

/// The doer introduced right after the trigger by a `trigger_agent`
/// preposition ("Einladung von Putin", "invitasjon fra den russiske
/// presidenten", "a visit from the minister"): a person, organisation or
/// role phrase, never a place ("reiste von Pjöngjang" is where from).
fn trigger_agent(s: &SentInfo, lx: &Lexicon, h: &Hit) -> Option<usize> {
    let p = h.last() + 1;
    if !s
        .toks
        .get(p)
        .is_some_and(|t| lx.trigger_agent.matches(&t.lower))
    {
        return None;
    }
    let ci = s.cands.iter().position(|c| c.t0 > p)?;
    let c = &s.cands[ci];
    let close = c.t0 <= p + 4 && s.toks[p + 1..c.t0].iter().all(|t| !t.punct);
    (close && c.typ != Some(EntityType::LOC) && in_pp(s, lx, c) == Some(p)).then_some(ci)
}

/// Place: a location candidate after a locative preposition, not already an argument.
fn place(s: &SentInfo, lx: &Lexicon, used: &[usize]) -> Option<usize> {
    (0..s.cands.len()).find(|&i| {
        let c = &s.cands[i];
        !used.contains(&i)
            && (c.typ == Some(EntityType::LOC)
                || (c.typ.is_none() && c.kind == CandKind::Capitalised))
            && in_pp(s, lx, c).is_some_and(|p| lx.locative.matches(&s.toks[p].lower))
    })
}

/// Objects with quantities after the trigger ("ein Handschuh", "et par hansker").
fn objects(s: &SentInfo, lx: &Lexicon, h: &Hit) -> Vec<EventObject> {
    let mut out = Vec::new();
    // The object follows the trigger within a few tokens, possibly inside
    // quotation marks; it ends at a hard break.
    let mut cb = h.first() + 1;
    while cb < s.toks.len()
        && cb <= h.last() + 12
        && !matches!(s.toks[cb].text.as_str(), "," | ";" | ":" | "(" | ")")
    {
        cb += 1;
    }
    let mut i = h.first() + 1;
    while i < cb.min(s.toks.len()) {
        let w = s.toks[i].lower.as_str();
        if let Some(concept) = lx.concept(w) {
            // Look back up to 4 tokens for a number / collective.
            let mut q: Option<f64> = None;
            let mut start = i;
            for j in (i.saturating_sub(5)..i).rev() {
                let b = s.toks[j].lower.as_str();
                if let Some(c) = lx.collectives.get(b) {
                    q = Some(*c);
                    start = j;
                    // "ein Paar" / "a pair of": the number before multiplies.
                    if j > 0
                        && let Some(n) = lx.numbers.get(s.toks[j - 1].lower.as_str())
                    {
                        q = Some(c * n);
                        start = j - 1;
                    }
                    break;
                }
                if let Some(n) = lx.numbers.get(b) {
                    q = Some(*n);
                    start = j;
                    break;
                }
                if let Ok(n) = b.replace(['.', ','], "").parse::<f64>() {
                    q = Some(n);
                    start = j;
                    break;
                }
                if s.cands.iter().any(|c| j >= c.t0 && j < c.t1)
                    || lx.prepositions.matches(b) && !matches!(b, "of" | "von" | "av")
                {
                    break;
                }
            }
            out.push(EventObject {
                text: join_tokens(&s.toks[start..=i]),
                concept: Some(concept.to_string()),
                quantity: q,
                start: s.toks[start].start,
                end: s.toks[i].end,
            });
        }
        i += 1;
    }
    out
}

/// Events of one sentence (no attribution yet).
/// Each with the index of its hit in `s.hits`.
pub(crate) fn sentence_events(
    ctx: &ArticleCtx,
    s: &SentInfo,
    rb: &RoleBook,
) -> Vec<(usize, Event)> {
    let lx = ctx.lx;
    let mut out = Vec::new();
    for (hi, (h, governed)) in s.hits.iter().enumerate() {
        if *governed {
            continue;
        }
        let trig = &lx.triggers[h.trig];
        let m = modality(s, lx, h);
        let (src, tgt) = arguments(s, lx, h);
        let mut used: Vec<usize> = src.clone();
        used.extend(&tgt);
        let pl = place(s, lx, &used);
        let date = event_date(ctx, s, h);
        let typ = plover_type(&trig.typ, m);
        let mode = trig.mode.clone();
        let cam = cameo().root(&typ, mode.as_deref());
        let first = &s.toks[h.first()];
        let last = &s.toks[h.last()];
        out.push((
            hi,
            Event {
                typ,
                cameo: cam,
                mode,
                source: src
                    .iter()
                    .map(|&i| cand_actor(s, &s.cands[i], lx, rb))
                    .collect(),
                target: tgt
                    .iter()
                    .map(|&i| cand_actor(s, &s.cands[i], lx, rb))
                    .collect(),
                date,
                place: pl.map(|i| cand_actor(s, &s.cands[i], lx, rb)),
                modality: m,
                trigger: h
                    .toks
                    .iter()
                    .map(|&i| s.toks[i].text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                attributed_to: Vec::new(),
                provenance: Provenance {
                    article_id: ctx.article_id,
                    start: first.start,
                    end: last.end,
                    sentence: s.text.clone(),
                },
                objects: objects(s, lx, h),
                anchor: None,
            },
        ));
    }
    out
}

/// A date-bearing predicate of a sentence: an event trigger, or a verb of
/// saying or reporting (whose date is the statement's, not the event's).
struct Pred {
    first: usize,
    last: usize,
    speech: bool,
}

/// Token gap between `[a0, a1]` and `[b0, b1]` (0 when they overlap).
fn gap(a0: usize, a1: usize, b0: usize, b1: usize) -> (usize, usize) {
    if a1 < b0 {
        (a1 + 1, b0)
    } else if b1 < a0 {
        (b1 + 1, a0)
    } else {
        (a0, a0)
    }
}

/// The event's date: the DATE/TIME expression that governs the trigger's
/// own clause.
///
/// - A temporal clause right after a date ("seit 2000, als … Gespräche
///   führte", "since 2000, when …") is dated by the last date of the
///   clause it follows, even when that date is the bound of a period.
/// - Otherwise every date of the sentence attaches to the nearest predicate
///   (event trigger or verb of saying), preferring one in the same
///   quotation and the same clause/conjunct: "sagte Peskow am 14.
///   September" dates the statement, "ankom … 12. september og hadde
///   samtaler … 13. september" gives each conjunct its own day.
/// - An event takes a date attached to its own trigger; failing that, one
///   attached to another event trigger of the same clause with no
///   coordinator, clause break or quotation mark between ("am 13.
///   September bei ihrem Treffen schenkte …"). A date attached to a verb
///   of saying, across a quotation mark, or a period bound ("seit 2019")
///   never dates the event.
fn event_date(ctx: &ArticleCtx, s: &SentInfo, h: &Hit) -> Option<String> {
    let lx = ctx.lx;
    let a = ctx.analysis;
    let usable = |t: &&newsgraph_model::Timex| {
        t.start >= s.start
            && t.end <= s.end
            && matches!(t.typ, TimexType::Date | TimexType::Time)
            && t.value.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    let tok_span = |start: usize, end: usize| crate::sentence::tok_range(&s.toks, start, end);
    let timexes: Vec<(&newsgraph_model::Timex, usize, usize)> = a
        .timexes
        .iter()
        .filter(usable)
        .filter_map(|t| tok_span(t.start, t.end).map(|(x, y)| (t, x, y.saturating_sub(1))))
        .collect();
    if timexes.is_empty() {
        return None;
    }
    // Temporal clause referring back to the date before it.
    let mut k = h.first();
    while k >= 2 {
        k -= 1;
        let w = &s.toks[k];
        if lx.when_clause.matches(&w.lower) {
            if s.toks[k - 1].text == "," {
                // The last date of the clause the temporal clause follows.
                let mut c0 = k - 1;
                while c0 > 0 && !is_break(lx, &s.toks[c0 - 1]) {
                    c0 -= 1;
                }
                if let Some((t, _, _)) = timexes
                    .iter()
                    .filter(|(_, x, y)| *x >= c0 && *y < k - 1)
                    .max_by_key(|(_, x, _)| *x)
                {
                    return Some(t.value.clone());
                }
            }
            break;
        }
        if w.punct {
            break;
        }
    }
    let bound = |x: usize| {
        lx.date_bounds.matches(&s.toks[x].lower)
            || x > 0 && lx.date_bounds.matches(&s.toks[x - 1].lower)
    };
    let in_quote = |tok: usize| {
        let p = s.toks[tok].start;
        ctx.quotes.iter().position(|&(qa, qb)| p >= qa && p < qb)
    };
    let crossings = |lo: usize, hi: usize| {
        s.toks[lo.min(hi)..hi]
            .iter()
            .filter(|t| is_break(lx, t) || lx.coordinators.matches(&t.lower))
            .count()
    };
    let mut preds: Vec<Pred> = s
        .hits
        .iter()
        .filter(|(_, governed)| !governed)
        .map(|(x, _)| Pred {
            first: x.first(),
            last: x.last(),
            speech: false,
        })
        .collect();
    let in_hit = |i: usize| s.hits.iter().any(|(x, _)| x.toks.contains(&i));
    for (i, t) in s.toks.iter().enumerate() {
        if (lx.speech_verbs.matches(&t.lower) || lx.report_verbs.matches(&t.lower)) && !in_hit(i) {
            preds.push(Pred {
                first: i,
                last: i,
                speech: true,
            });
        }
    }
    let own = preds.iter().position(|p| p.first == h.first());
    let cost = |p: &Pred, x: usize, y: usize| {
        let (lo, hi) = gap(p.first, p.last, x, y);
        (
            usize::from(in_quote(p.first) != in_quote(x)),
            crossings(lo, hi),
            hi - lo,
            usize::from(p.speech),
        )
    };
    timexes
        .iter()
        .filter(|(_, x, _)| !bound(*x))
        .filter(|(_, x, _)| in_quote(*x) == in_quote(h.first()))
        .filter_map(|&(t, x, y)| {
            let owner = (0..preds.len()).min_by_key(|&i| cost(&preds[i], x, y))?;
            let (lo, hi) = gap(h.first(), h.last(), x, y);
            if Some(owner) == own {
                Some(((0, hi - lo), t))
            } else if !preds[owner].speech && crossings(lo, hi) == 0 {
                Some(((1, hi - lo), t))
            } else {
                None
            }
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, t)| t.value.clone())
}
