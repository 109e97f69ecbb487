//! Attributed statements: direct quotes between quotation marks and reported
//! speech, with the speaker and the chain of outlets it came through.

use crate::extract::{RoleBook, SentInfo, cand_actor};
use crate::lexicon::{Lexicon, WordSet};
use crate::sentence::{Cand, CandKind, Tok};
use newsgraph_model::{Actor, ArticleId, EntityType, Provenance, Quote};

/// Index of the sentence containing byte `pos`.
fn sent_at(sents: &[SentInfo], pos: usize) -> Option<usize> {
    sents
        .iter()
        .position(|s| pos >= s.start && pos < s.end.max(s.start + 1))
}

/// Direct quotes: byte spans of the content between matching marks.
pub(crate) fn direct_spans(text: &str, lx: &Lexicon) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes_len = text.len();
    while i < bytes_len {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if let Some(&(_, close)) = lx.quote_pairs.iter().find(|(o, _)| *o == c) {
            let body_start = i + clen;
            // Find the closing mark within 1500 bytes; nested opens of the same kind end the search.
            let limit = (body_start + 1500).min(bytes_len);
            let mut j = body_start;
            let mut found = None;
            while j < limit {
                let Some(d) = text[j..].chars().next() else {
                    break;
                };
                if d == close {
                    found = Some(j);
                    break;
                }
                if d == c && c != close {
                    break;
                }
                j += d.len_utf8();
            }
            if let Some(end) = found {
                let body = &text[body_start..end];
                // A quoted word or title ("sensitivt") is not a statement.
                if body.split_whitespace().count() >= 3 {
                    out.push((body_start, end));
                }
                i = end + close.len_utf8();
                continue;
            }
        }
        i += clen;
    }
    out
}

fn is_pron(lx: &Lexicon, t: &Tok) -> bool {
    lx.pronouns.matches(&t.lower)
}

/// The speaker next to a speech verb at token `v`: the candidate right after
/// it (inverted, "sagte Peskow"), else the nearest before it in the clause.
fn speaker_near(
    s: &SentInfo,
    lx: &Lexicon,
    v: usize,
    lo: usize,
    hi: usize,
) -> Option<Result<usize, ()>> {
    // After: skip determiners / role-less words up to 3 tokens.
    let mut j = v + 1;
    let mut steps = 0;
    while j < hi && steps < 4 {
        if let Some(ci) = s.cands.iter().position(|c| c.t0 == j) {
            return Some(Ok(ci));
        }
        let t = &s.toks[j];
        if is_pron(lx, t) {
            return Some(Err(()));
        }
        if !(lx.determiners.matches(&t.lower)
            || (!t.cap && !t.punct && steps < 2 && !lx.prepositions.matches(&t.lower)))
        {
            break;
        }
        j += 1;
        steps += 1;
    }
    // Before: nearest candidate ending within 4 tokens before the verb.
    let mut best = None;
    for (ci, c) in s.cands.iter().enumerate() {
        if c.t1 <= v && c.t0 >= lo && v - c.t1 <= 4 {
            let between = &s.toks[c.t1..v];
            if between
                .iter()
                .all(|t| !matches!(t.text.as_str(), "," | "„" | "“" | "«" | "»" | "\""))
            {
                best = Some(ci);
            }
        }
    }
    if let Some(b) = best {
        return Some(Ok(b));
    }
    if v > lo && is_pron(lx, &s.toks[v - 1]) {
        return Some(Err(()));
    }
    None
}

/// Candidates introduced by a multi-token cue ("ifølge", "according to",
/// "unter Berufung auf"), with the cue end.
fn cue_matches(s: &SentInfo, cues: &[Vec<WordSet>]) -> Vec<usize> {
    let mut out = Vec::new();
    for cue in cues {
        if cue.is_empty() {
            continue;
        }
        for i in 0..s.toks.len() {
            if i + cue.len() <= s.toks.len()
                && (0..cue.len()).all(|q| cue[q].matches(&s.toks[i + q].lower))
            {
                out.push(i + cue.len());
            }
        }
    }
    out
}

/// The candidate starting within 3 tokens after `j` (skipping determiners and adjectives).
fn cand_after(s: &SentInfo, lx: &Lexicon, j: usize) -> Option<usize> {
    for k in j..(j + 4).min(s.toks.len()) {
        if let Some(ci) = s.cands.iter().position(|c| c.t0 <= k && c.t1 > k) {
            return Some(ci);
        }
        let t = &s.toks[k];
        if !(lx.determiners.matches(&t.lower) || (!t.cap && !t.punct)) {
            break;
        }
    }
    None
}

/// Agencies/outlets the sentence names as the channel ("berichtete KCNA", "ifølge TASS").
fn vias(s: &SentInfo, lx: &Lexicon, rb: &RoleBook) -> (Vec<Actor>, Option<Actor>) {
    let mut via = Vec::new();
    let mut cited = None;
    let is_outlet = |c: &Cand| {
        c.kind == CandKind::Agency
            || c.typ == Some(EntityType::ORG)
            || lx
                .agencies
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&c.actor.text))
    };
    // Report verbs: their subject (or inverted subject) is the outlet.
    for v in 0..s.toks.len() {
        if lx.report_verbs.matches(&s.toks[v].lower)
            && let Some(Ok(ci)) = speaker_near(s, lx, v, 0, s.toks.len())
        {
            via.push(cand_actor(s, &s.cands[ci], lx, rb));
            // Coordinated outlets.
            push_coordinated(s, lx, ci, rb, &mut via);
        }
    }
    for j in cue_matches(s, &lx.according) {
        if let Some(ci) = cand_after(s, lx, j) {
            let a = cand_actor(s, &s.cands[ci], lx, rb);
            if is_outlet(&s.cands[ci]) {
                via.push(a);
                push_coordinated(s, lx, ci, rb, &mut via);
            } else if cited.is_none() {
                cited = Some(a);
            }
        }
    }
    // Postpositional "X zufolge": the candidate before the cue.
    for k in 0..s.toks.len() {
        if lx.according_post.matches(&s.toks[k].lower)
            && let Some(ci) = s.cands.iter().position(|c| c.t1 == k || c.t1 + 1 == k)
        {
            let a = cand_actor(s, &s.cands[ci], lx, rb);
            if is_outlet(&s.cands[ci]) {
                via.push(a);
            } else if cited.is_none() {
                cited = Some(a);
            }
        }
    }
    dedup(&mut via);
    (via, cited)
}

fn push_coordinated(s: &SentInfo, lx: &Lexicon, ci: usize, rb: &RoleBook, out: &mut Vec<Actor>) {
    let mut cur = ci;
    while let Some(n) = s
        .cands
        .iter()
        .position(|c| c.t0 > s.cands[cur].t1 && c.t0 <= s.cands[cur].t1 + 2)
    {
        let between = &s.toks[s.cands[cur].t1..s.cands[n].t0];
        if between
            .iter()
            .all(|t| t.text == "," || lx.coordinators.matches(&t.lower))
        {
            out.push(cand_actor(s, &s.cands[n], lx, rb));
            cur = n;
        } else {
            break;
        }
    }
}

fn dedup(v: &mut Vec<Actor>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|a| seen.insert(a.canonical.clone().unwrap_or_else(|| a.text.to_lowercase())));
}

/// Article-level credits: a short sentence that is only an "according to"
/// cue and outlets ("(Laut AFP, Reuters)").
pub(crate) fn article_credits(sents: &[SentInfo], lx: &Lexicon, rb: &RoleBook) -> Vec<Actor> {
    let mut out = Vec::new();
    for s in sents {
        let words = s.toks.iter().filter(|t| !t.punct).count();
        if words > 8 || cue_matches(s, &lx.according).is_empty() {
            continue;
        }
        let (via, _) = vias(s, lx, rb);
        out.extend(via);
    }
    dedup(&mut out);
    out
}

/// Extract quotes from the article.
pub(crate) fn quotes(
    text: &str,
    sents: &[SentInfo],
    lx: &Lexicon,
    rb: &RoleBook,
    article_id: ArticleId,
    credits: &[Actor],
    spans: &[(usize, usize)],
) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    let mut last_speaker: Option<Actor> = None;
    let mut covered: Vec<(usize, usize)> = Vec::new();
    // Direct quotes (`spans`: from `direct_spans`).
    for (qs, qe) in spans {
        let (qs, qe) = (*qs, *qe);
        covered.push((qs, qe));
        let Some(si_end) = sent_at(sents, qe.min(text.len().saturating_sub(1))) else {
            continue;
        };
        let si_start = sent_at(sents, qs).unwrap_or(si_end);
        let mut speaker: Option<Actor> = None;
        let mut via = Vec::new();
        // After the closing mark, in the sentence that contains it.
        for si in [si_end, si_start] {
            let s = &sents[si];
            let (lo, hi) = if si == si_end && qe >= s.start {
                (
                    s.toks
                        .iter()
                        .position(|t| t.start > qe)
                        .unwrap_or(s.toks.len()),
                    s.toks.len(),
                )
            } else {
                (0, s.toks.iter().position(|t| t.start >= qs).unwrap_or(0))
            };
            for v in lo..hi {
                let w = s.toks[v].lower.as_str();
                let is_speech = lx.speech_verbs.matches(w);
                let is_report = lx.report_verbs.matches(w);
                if !(is_speech || is_report) {
                    continue;
                }
                match speaker_near(s, lx, v, lo, hi) {
                    Some(Ok(ci)) => {
                        let a = cand_actor(s, &s.cands[ci], lx, rb);
                        if is_report
                            && (s.cands[ci].kind == CandKind::Agency
                                || s.cands[ci].typ == Some(EntityType::ORG))
                        {
                            via.push(a.clone());
                        }
                        speaker = Some(a);
                    }
                    Some(Err(())) => speaker = last_speaker.clone(),
                    None => {}
                }
                if speaker.is_some() {
                    break;
                }
            }
            let (v2, cited) = vias(s, lx, rb);
            via.extend(v2);
            if speaker.is_none() {
                speaker = cited;
            }
            if speaker.is_some() {
                break;
            }
        }
        via.extend(credits.iter().cloned());
        if let Some(sp) = &speaker {
            via.retain(|v| v.text != sp.text);
        }
        dedup(&mut via);
        if speaker.is_some() {
            last_speaker = speaker.clone();
        }
        let sent_text = sents
            .get(si_start)
            .map(|s| s.text.clone())
            .unwrap_or_default();
        out.push(Quote {
            start: qs,
            end: qe,
            text: text.get(qs..qe).unwrap_or("").trim().to_string(),
            kind: "direct".into(),
            speaker,
            via,
            provenance: Provenance {
                article_id,
                start: qs,
                end: qe,
                sentence: sent_text,
            },
        });
    }
    // Reported speech: sentences with a speech verb or an "according to" cue,
    // outside direct quotes.
    for s in sents {
        let inside = |p: usize| covered.iter().any(|(a, b)| p >= *a && p < *b);
        let words = s.toks.iter().filter(|t| !t.punct).count();
        if words <= 8
            && !cue_matches(s, &lx.according).is_empty()
            && credits.iter().any(|c| s.text.contains(&c.text))
        {
            continue; // the article credit line itself
        }
        let mut speaker = None;
        let mut verb_at = None;
        for v in 0..s.toks.len() {
            let w = s.toks[v].lower.as_str();
            if inside(s.toks[v].start)
                || !(lx.speech_verbs.matches(w) || lx.report_verbs.matches(w))
            {
                continue;
            }
            match speaker_near(s, lx, v, 0, s.toks.len()) {
                Some(Ok(ci)) if !inside(s.toks[s.cands[ci].t0].start) => {
                    speaker = Some(cand_actor(s, &s.cands[ci], lx, rb));
                    verb_at = Some(v);
                    break;
                }
                Some(Err(())) => {
                    speaker = last_speaker.clone();
                    verb_at = Some(v);
                    break;
                }
                _ => {}
            }
        }
        let (mut via, cited) = vias(s, lx, rb);
        if speaker.is_none() && cited.is_none() && via.is_empty() {
            continue;
        }
        // A sentence that only attributes a direct quote is not a second statement.
        if covered.iter().any(|(a, b)| *a < s.end && *b > s.start) {
            continue;
        }
        let speaker = match (speaker, cited) {
            (Some(sp), Some(c)) if via.iter().any(|v| v.text == sp.text) => {
                // "AFP rapporterte, med henvisning til Peskov": Peskov speaks via AFP.
                Some(c)
            }
            (Some(sp), _) => Some(sp),
            (None, c) => c,
        };
        via.extend(credits.iter().cloned());
        if let Some(sp) = &speaker {
            via.retain(|v| v.text != sp.text);
            last_speaker = Some(sp.clone());
        }
        dedup(&mut via);
        // Content: the sentence without the attribution clause.
        let (cs, ce) = content_span(s, lx, verb_at);
        out.push(Quote {
            start: cs,
            end: ce,
            text: s_text(s, cs, ce),
            kind: "reported".into(),
            speaker,
            via,
            provenance: Provenance {
                article_id,
                start: s.start,
                end: s.end,
                sentence: s.text.clone(),
            },
        });
    }
    out.sort_by_key(|q| q.start);
    out
}

fn s_text(s: &SentInfo, a: usize, b: usize) -> String {
    let off = s.start;
    s.text
        .get(a.saturating_sub(off)..b.saturating_sub(off))
        .unwrap_or(&s.text)
        .trim()
        .to_string()
}

/// The reported content: drop the comma-delimited clause holding the speech verb.
fn content_span(s: &SentInfo, lx: &Lexicon, verb: Option<usize>) -> (usize, usize) {
    let Some(v) = verb else {
        return (s.start, s.end);
    };
    let _ = lx;
    let comma_before = (0..v).rev().find(|&i| s.toks[i].text == ",");
    let comma_after = (v + 1..s.toks.len()).find(|&i| s.toks[i].text == ",");
    let last = s.toks.len().saturating_sub(1);
    match (comma_before, comma_after) {
        // "…, sagte X." → the part before the comma.
        (Some(cb), _) if cb > 0 => (s.toks[0].start, s.toks[cb - 1].end),
        // "X sagte, dass …" → the part after the comma.
        (None, Some(ca)) if ca < last => (s.toks[ca + 1].start, s.toks[last].end),
        _ => (s.start, s.end),
    }
}
