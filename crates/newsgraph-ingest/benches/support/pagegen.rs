//! Deterministic generator of news-like HTML pages with known main text,
//! for measuring main-text extraction (shingle F1) and speed. Article
//! paragraphs come from real news text (the seed corpus and the test
//! fixtures); the boilerplate (navigation, teasers, "most read" lists,
//! comments, share bars, newsletter boxes, cookie banners, footers) varies
//! by template so no single layout is learnt.
#![allow(dead_code)]

pub struct Page {
    pub html: String,
    /// The main text: headline excluded, paragraphs separated by "\n\n".
    pub gold: String,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Paragraph pool: lines of 80+ characters from `texts`.
pub fn paragraphs(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|t| t.lines())
        .map(str::trim)
        .filter(|l| l.chars().count() >= 80)
        .map(str::to_string)
        .collect()
}

fn short(p: &str, words: usize) -> String {
    p.split_whitespace()
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Generates `n` pages from the paragraph pool.
pub fn generate(pool: &[String], n: usize, seed: u64) -> Vec<Page> {
    let mut rng = Rng(seed | 1);
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let k = 3 + rng.below(8);
        let start = rng.below(pool.len());
        let paras: Vec<&String> = (0..k).map(|j| &pool[(start + j) % pool.len()]).collect();
        let headline = short(paras[0], 6 + rng.below(5));
        let teaser = |rng: &mut Rng| short(&pool[rng.below(pool.len())], 5 + rng.below(4));
        let nav: String = [
            "Startseite",
            "Politik",
            "Wirtschaft",
            "Sport",
            "Kultur",
            "Wissen",
            "Meinung",
            "Video",
            "Nyheter",
            "Sport",
            "World",
            "Business",
        ]
        .iter()
        .take(5 + rng.below(7))
        .map(|s| format!("<li><a href=\"/{}\">{}</a></li>", s.to_lowercase(), s))
        .collect();
        let most_read: String = (0..4 + rng.below(6))
            .map(|_| {
                format!(
                    "<li><a href=\"/a/{}\">{}</a></li>",
                    rng.below(99999),
                    esc(&teaser(&mut rng))
                )
            })
            .collect();
        let related: String = (0..2 + rng.below(3))
            .map(|_| {
                format!(
                    "<div class=\"teaser\"><a href=\"/r/{}\"><h3>{}</h3></a><span>{}</span></div>",
                    rng.below(9999),
                    esc(&teaser(&mut rng)),
                    esc(&short(&pool[rng.below(pool.len())], 8))
                )
            })
            .collect();
        let comments: String = (0..rng.below(4))
            .map(|c| {
                format!(
                    "<div class=\"comment\"><b>user{}</b> schrieb: <p>{}</p><a href=\"#\">Antworten</a></div>",
                    c,
                    esc(&short(&pool[rng.below(pool.len())], 10 + rng.below(10)))
                )
            })
            .collect();
        let mut body = String::new();
        for (j, p) in paras.iter().enumerate() {
            body.push_str(&format!("<p>{}</p>\n", esc(p)));
            if j == 1 && rng.below(2) == 0 {
                body.push_str("<div class=\"ad\">Anzeige</div>\n");
            }
            if j == 2 && rng.below(2) == 0 {
                body.push_str(&format!(
                    "<aside class=\"inline-related\">Lesen Sie auch: <a href=\"/x\">{}</a></aside>\n",
                    esc(&teaser(&mut rng))
                ));
            }
        }
        // Real pages carry large menus and inline scripts/state (50-150 KB).
        let mega: String = (0..120 + rng.below(80))
            .map(|m| format!("<li class=\"menu-item menu-item-{m}\"><a href=\"/rubrik/{m}/seite\" data-track=\"nav-{m}\">{}</a></li>", esc(&short(&pool[(m * 13) % pool.len()], 2))))
            .collect();
        let state: String = (0..150 + rng.below(150))
            .map(|m| format!("{{\"id\":{m},\"slot\":\"ad-{m}\",\"sizes\":[[300,250],[728,90]],\"targeting\":{{\"section\":\"politik\",\"kw\":\"{}\"}}}},", rng.below(1_000_000)))
            .collect();
        let share = "<div class=\"share\"><a>Facebook</a> <a>Twitter</a> <a>WhatsApp</a> <a>E-Mail</a></div>";
        let article = match i % 3 {
            0 => format!(
                "<article><h1>{}</h1><div class=\"meta\">Von Redaktion | 12.03.2024</div>{share}<div class=\"article-body\">{body}</div></article>",
                esc(&headline)
            ),
            1 => format!(
                "<div id=\"content\"><div class=\"story\"><h1 class=\"headline\">{}</h1><time datetime=\"2024-03-12\">12. März 2024</time><div class=\"txt\">{body}</div>{share}</div></div>",
                esc(&headline)
            ),
            _ => format!(
                "<main><div class=\"post\"><h2>{}</h2><div class=\"entry-content\">{body}</div><p class=\"tags\">Tags: Politik, Ausland</p></div></main>",
                esc(&headline)
            ),
        };
        let html = format!(
            "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>{t} | Testportal</title>\
             <meta property=\"og:site_name\" content=\"Testportal\"><link rel=\"stylesheet\" href=\"/s.css\">\
             <script>var dataLayer=[];function track(){{}}</script><style>.ad{{display:block}}</style></head><body>\
             <div class=\"cookie\">Wir nutzen Cookies. <button>OK</button></div>\
             <header><a class=\"logo\" href=\"/\">Testportal</a><nav><ul>{nav}</ul><ul class=\"mega\">{mega}</ul></nav></header>\
             <div class=\"layout\">{article}\
             <aside class=\"sidebar\"><h4>Meistgelesen</h4><ol>{most_read}</ol><div class=\"newsletter\">Newsletter abonnieren <input type=\"email\"><button>Anmelden</button></div></aside></div>\
             <section class=\"related\"><h2>Mehr zum Thema</h2>{related}</section>\
             <section class=\"comments\"><h2>Kommentare</h2>{comments}</section>\
             <footer><ul><li><a href=\"/impressum\">Impressum</a></li><li><a href=\"/datenschutz\">Datenschutz</a></li></ul><p>© 2024 Testportal</p></footer>\
             <script>window.__STATE__=[{state}];track();</script></body></html>",
            t = esc(&headline)
        );
        let gold = paras
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        pages.push(Page { html, gold });
    }
    pages
}

fn shingles(text: &str) -> std::collections::HashMap<Vec<String>, usize> {
    let toks: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut m = std::collections::HashMap::new();
    if toks.len() < 4 {
        if !toks.is_empty() {
            *m.entry(toks).or_insert(0) += 1;
        }
        return m;
    }
    for w in toks.windows(4) {
        *m.entry(w.to_vec()).or_insert(0) += 1;
    }
    m
}

/// Shingle F1 (4-word shingles, multiset), as in Zyte's article-extraction benchmark.
pub fn shingle_f1(pred: &str, gold: &str) -> (f64, f64, f64) {
    let (p, g) = (shingles(pred), shingles(gold));
    let np: usize = p.values().sum();
    let ng: usize = g.values().sum();
    if np == 0 || ng == 0 {
        return if np == ng {
            (1.0, 1.0, 1.0)
        } else {
            (0.0, 0.0, 0.0)
        };
    }
    let inter: usize = p
        .iter()
        .map(|(k, v)| (*v).min(*g.get(k).unwrap_or(&0)))
        .sum();
    let prec = inter as f64 / np as f64;
    let rec = inter as f64 / ng as f64;
    let f1 = if prec + rec == 0.0 {
        0.0
    } else {
        2.0 * prec * rec / (prec + rec)
    };
    (prec, rec, f1)
}

/// Real news texts for the paragraph pool: the seed corpus (when the
/// shared folder is beside the repo) and the test fixtures.
pub fn corpus_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"),
    ];
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "txt" || e == "md")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                texts.push(t);
            }
        }
    }
    texts
}
