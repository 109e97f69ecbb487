//! Event → event anchoring: an event whose own clause gives no date, but
//! which the text places at or during another happening of the article
//! ("bei ihrem Treffen … ausgetauscht", "Under bilaterale samtaler
//! inviterte …", "during the talks"), takes that happening's date, and says
//! so in [`Event::anchor`].
//!
//! Three ways an event is anchored (all only for asserted events without a
//! date of their own):
//!
//! - `at`: a scene cue (`[syntax] scene`: "bei", "während", "am Ende",
//!   "under", "på slutten av", "during", "at"), at most three filler words,
//!   and a CONSULT trigger (meeting, talks, reception, visit) name the
//!   happening; the cue attaches to the nearest other trigger with no
//!   clause break or coordinator between (so "inviterte Kim Putin til å
//!   besøke" anchors the invitation, not the visit it invites to).
//! - `coordinated`: a clause joined to that one by a coordinator ("…, og
//!   den russiske lederen gikk med på det"), with no other clause break,
//!   verb of saying or time expression between.
//! - `continues`: a continuation cue (`[syntax] continuation`: "außerdem",
//!   "i tillegg", "in addition") in the event's clause, no time expression
//!   there (not even "tidligere" / "earlier"), and an earlier asserted event
//!   with a date or an anchor in the same or the two previous sentences that
//!   shares an actor: the event continues that scene.
//!
//! The anchor event's date is its own, else the date of another report of
//! the same happening in the article (same PLOVER type and mode family,
//! shared actors, no conflict: the merge rule), else none.

use crate::extract::{SentInfo, is_break};
use crate::lexicon::{Lexicon, WordSet};
use crate::merge::{actors_overlap, mergeable};
use newsgraph_model::{Event, EventAnchor, Modality, Provenance};

/// Where an event came from: sentence index and hit index in that sentence.
pub(crate) type Origin = (usize, usize);

/// Length of the cue of `pats` matching at token `i`, if any.
fn cue_at(s: &SentInfo, pats: &[Vec<WordSet>], i: usize) -> Option<usize> {
    pats.iter()
        .find(|p| {
            p.iter()
                .enumerate()
                .all(|(k, w)| s.toks.get(i + k).is_some_and(|t| w.matches(&t.lower)))
        })
        .map(Vec::len)
}

/// A scene cue in a sentence: its tokens `[first, last]` (through the
/// trigger that names the happening) and that trigger's hit index.
struct Cue {
    first: usize,
    last: usize,
    hit: usize,
}

fn hit_at(s: &SentInfo, tok: usize) -> Option<usize> {
    s.hits.iter().position(|(h, _)| h.toks.contains(&tok))
}

fn scene_cues(s: &SentInfo, lx: &Lexicon) -> Vec<Cue> {
    let mut out = Vec::new();
    if lx.scene.is_empty() {
        return out;
    }
    let mut i = 0;
    while i < s.toks.len() {
        let Some(n) = cue_at(s, &lx.scene, i) else {
            i += 1;
            continue;
        };
        let mut j = i + n;
        let mut fillers = 0;
        let mut found = None;
        while j < s.toks.len() && fillers <= 3 {
            if let Some(hi) = hit_at(s, j) {
                let (h, governed) = &s.hits[hi];
                if !governed && h.first() == j && lx.triggers[h.trig].typ == "CONSULT" {
                    found = Some(hi);
                }
                break;
            }
            let t = &s.toks[j];
            if t.punct
                || t.text.chars().any(|c| c.is_ascii_digit())
                || lx.prepositions.matches(&t.lower) && !lx.determiners.matches(&t.lower)
                || s.cands.iter().any(|c| j >= c.t0 && j < c.t1)
            {
                break;
            }
            fillers += 1;
            j += 1;
        }
        match found {
            Some(hit) => {
                let last = s.hits[hit].0.last();
                out.push(Cue {
                    first: i,
                    last,
                    hit,
                });
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

fn in_quote(quotes: &[(usize, usize)], pos: usize) -> Option<usize> {
    quotes.iter().position(|&(a, b)| pos >= a && pos < b)
}

/// Whether tokens `lo..hi` hold a time expression.
fn has_timex(s: &SentInfo, timex: &[(usize, usize)], lo: usize, hi: usize) -> bool {
    if lo >= hi {
        return false;
    }
    let (a, b) = (s.toks[lo].start, s.toks[hi - 1].end);
    timex.iter().any(|&(x, y)| x < b && y > a)
}

fn is_speech(lx: &Lexicon, w: &str) -> bool {
    lx.speech_verbs.matches(w) || lx.report_verbs.matches(w)
}

/// A pending anchor: kind, cue span (tokens) in sentence `sent`, and the
/// anchor event's index in the article's event list.
struct Pending {
    kind: &'static str,
    sent: usize,
    cue: (usize, usize),
    referent: usize,
}

/// Anchor the undated events of one article (see the module docs).
/// `origin[i]` is the sentence and hit of `events[i]`.
pub(crate) fn anchor_events(
    lx: &Lexicon,
    sents: &[SentInfo],
    timexes: &[(usize, usize)],
    quotes: &[(usize, usize)],
    origin: &[Origin],
    events: &mut [Event],
) {
    let index = |si: usize, hi: usize| origin.iter().position(|&o| o == (si, hi));
    let open = |e: &Event| e.date.is_none() && e.modality == Modality::Asserted;
    let mut pending: Vec<(usize, Pending)> = Vec::new();
    for (si, s) in sents.iter().enumerate() {
        for cue in scene_cues(s, lx) {
            let Some(referent) = index(si, cue.hit) else {
                continue;
            };
            let q = in_quote(quotes, s.toks[cue.first].start);
            // Tokens strictly between the cue and a trigger, cue excluded.
            let free = |lo: usize, hi: usize| {
                (lo..hi).all(|k| {
                    let t = &s.toks[k];
                    !is_break(lx, t) && !lx.coordinators.matches(&t.lower)
                })
            };
            // The nearest other trigger, no break between; ties → the one after.
            let attached = s
                .hits
                .iter()
                .enumerate()
                .filter(|(hi, (h, governed))| {
                    *hi != cue.hit && !governed && in_quote(quotes, s.toks[h.first()].start) == q
                })
                .filter_map(|(hi, (h, _))| {
                    // Inside a split verb ("lud Kim bei dem Treffen Putin ein").
                    if h.first() < cue.first && h.last() > cue.last {
                        return Some((0, 0, hi));
                    }
                    if h.last() >= cue.first && h.first() <= cue.last {
                        return None;
                    }
                    let (lo, hj) = if h.first() > cue.last {
                        // A fronted cue may end in a comma ("During the talks, Kim …").
                        let lo = cue.last + 1;
                        let comma = lo < h.first() && s.toks[lo].text == ",";
                        (lo + usize::from(comma), h.first())
                    } else {
                        (h.last() + 1, cue.first)
                    };
                    free(lo, hj).then_some((hj - lo, usize::from(h.first() < cue.first), hi))
                })
                .min();
            let Some((_, _, hi)) = attached else {
                continue;
            };
            let Some(ei) = index(si, hi) else { continue };
            if open(&events[ei]) {
                pending.push((
                    ei,
                    Pending {
                        kind: "at",
                        sent: si,
                        cue: (cue.first, cue.last),
                        referent,
                    },
                ));
            }
            // Clauses coordinated with the anchored one.
            let mut prev = s.hits[hi].0.last();
            for (hj, (h2, governed)) in s.hits.iter().enumerate() {
                if hj == hi || hj == cue.hit || *governed || h2.first() <= prev {
                    continue;
                }
                let between = &s.toks[prev + 1..h2.first()];
                let coordinated = between
                    .iter()
                    .any(|t| t.text != "," && lx.coordinators.matches(&t.lower));
                let clean = between.iter().all(|t| {
                    (!is_break(lx, t) || t.text == ",")
                        && !is_speech(lx, &t.lower)
                        && !matches!(t.text.as_str(), "\"" | "„" | "“" | "”" | "«" | "»")
                });
                if !coordinated
                    || !clean
                    || has_timex(s, timexes, prev + 1, h2.first())
                    || in_quote(quotes, s.toks[h2.first()].start) != q
                {
                    break;
                }
                let Some(ej) = index(si, hj) else { break };
                if open(&events[ej]) {
                    pending.push((
                        ej,
                        Pending {
                            kind: "coordinated",
                            sent: si,
                            cue: (cue.first, cue.last),
                            referent,
                        },
                    ));
                }
                prev = h2.last();
            }
        }
    }
    let mut done = vec![false; events.len()];
    for (ei, p) in pending {
        if done[ei] || p.referent == ei {
            continue;
        }
        let s = &sents[p.sent];
        let (date, dated_by) = referent_date(events, p.referent, ei);
        let r = &events[p.referent];
        let anchor = EventAnchor {
            kind: p.kind.to_string(),
            cue: s.text_of(p.cue.0, p.cue.1),
            start: s.toks[p.cue.0].start,
            end: s.toks[p.cue.1].end,
            trigger: r.trigger.clone(),
            event_start: r.provenance.start,
            event_end: r.provenance.end,
            dated_by,
        };
        events[ei].date = date;
        events[ei].anchor = Some(anchor);
        done[ei] = true;
    }
    continuations(lx, sents, timexes, origin, events);
}

/// The date of the anchor event `r` (anchoring event `e`): its own, else
/// the date of another report of the same happening in the article.
fn referent_date(events: &[Event], r: usize, e: usize) -> (Option<String>, Option<Provenance>) {
    let ref_ev = &events[r];
    if let Some(d) = &ref_ev.date {
        return (Some(d.clone()), Some(ref_ev.provenance.clone()));
    }
    // "bei ihrem Treffen": a happening named without its participants is
    // the anchored event's participants' one.
    let mut probe = ref_ev.clone();
    if probe.source.is_empty() && probe.target.is_empty() {
        probe.source = events[e].source.clone();
        probe.target = events[e].target.clone();
    }
    let shared = |d: &Event| {
        d.source
            .iter()
            .chain(&d.target)
            .filter(|x| {
                probe
                    .source
                    .iter()
                    .chain(&probe.target)
                    .any(|y| crate::merge::same_actor(x, y))
            })
            .count()
    };
    let cands: Vec<&Event> = events
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            *i != r
                && *i != e
                && d.date.is_some()
                && d.anchor.is_none()
                && d.modality == Modality::Asserted
                && mergeable(&probe, d)
        })
        .map(|(_, d)| d)
        .collect();
    let best = cands.iter().map(|d| shared(d)).max().unwrap_or(0);
    let top: Vec<&&Event> = cands.iter().filter(|d| shared(d) == best).collect();
    // Reports that disagree on the day leave the happening undated.
    let agree = top.iter().all(|a| {
        top.iter().all(|b| {
            let (x, y) = (
                a.date.as_deref().unwrap_or(""),
                b.date.as_deref().unwrap_or(""),
            );
            x.starts_with(y) || y.starts_with(x)
        })
    });
    match top
        .iter()
        .max_by_key(|d| d.date.as_ref().map_or(0, String::len))
    {
        Some(d) if agree => (d.date.clone(), Some(d.provenance.clone())),
        _ => (None, None),
    }
}

/// `continues` anchors, in article order (an event continued by the next
/// one passes its scene on: "… erhielt außerdem …", "… schenkte außerdem …").
fn continuations(
    lx: &Lexicon,
    sents: &[SentInfo],
    timexes: &[(usize, usize)],
    origin: &[Origin],
    events: &mut [Event],
) {
    if lx.continuation.is_empty() {
        return;
    }
    for ei in 0..events.len() {
        let e = &events[ei];
        if e.date.is_some() || e.anchor.is_some() || e.modality != Modality::Asserted {
            continue;
        }
        let (si, hi) = origin[ei];
        let s = &sents[si];
        let h = &s.hits[hi].0;
        let (ca, cb) = crate::extract::clause_bounds(s, lx, h.first());
        if has_timex(s, timexes, ca, cb) {
            continue;
        }
        // In the clause, or fronted before it with a comma ("In addition, …").
        let fronted = if ca >= 2 && s.toks[ca - 1].text == "," {
            crate::extract::clause_bounds(s, lx, ca - 2).0
        } else {
            ca
        };
        let Some((c0, n)) = (fronted..cb).find_map(|i| {
            cue_at(s, &lx.continuation, i)
                .filter(|&n| i >= ca || i + n == ca - 1)
                .map(|n| (i, n))
        }) else {
            continue;
        };
        // The nearest earlier event of that scene.
        let prev = (0..ei).rev().find(|&pi| {
            let p = &events[pi];
            let (ps, _) = origin[pi];
            ps + 2 >= si
                && p.modality == Modality::Asserted
                && (p.date.is_some() || p.anchor.is_some())
                && actors_overlap(p, e)
        });
        let Some(pi) = prev else { continue };
        let p = &events[pi];
        let (trigger, event_start, event_end, dated_by) = match &p.anchor {
            Some(a) => (
                a.trigger.clone(),
                a.event_start,
                a.event_end,
                a.dated_by.clone(),
            ),
            None => (
                p.trigger.clone(),
                p.provenance.start,
                p.provenance.end,
                Some(p.provenance.clone()),
            ),
        };
        let anchor = EventAnchor {
            kind: "continues".to_string(),
            cue: s.text_of(c0, c0 + n - 1),
            start: s.toks[c0].start,
            end: s.toks[c0 + n - 1].end,
            trigger,
            event_start,
            event_end,
            dated_by,
        };
        let date = p.date.clone();
        events[ei].date = date;
        events[ei].anchor = Some(anchor);
    }
}
