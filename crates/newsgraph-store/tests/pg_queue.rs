//! The PostgreSQL work queue of worker mode: enqueue, claims with leases
//! (disjoint between workers, back to the queue when a lease runs out),
//! results, the ordered completed prefix, the fenced assigner commit and the
//! assigner election. Needs `NEWSGRAPH_TEST_PG` (see tests/postgres.rs).
#![cfg(feature = "postgres")]

use newsgraph_model::{Analysis, ArticleId};
use newsgraph_store::conformance::{prepared, signature};
use newsgraph_store::{Batch, NearDupPolicy, PgStore, Store};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn url() -> Option<String> {
    newsgraph_store::conformance::pg_test_url("the work queue tests")
}

fn fresh(url: &str) -> PgStore {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let schema = format!(
        "ngq_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    PgStore::open_temporary(url, &schema).expect("open a fresh PostgreSQL store")
}

fn store_articles(s: &PgStore, from: usize, n: usize) -> Vec<ArticleId> {
    store_run_articles(s, None, from, n)
}

/// Stores `n` articles in one batch of ingest run `run`.
fn store_run_articles(s: &PgStore, run: Option<i64>, from: usize, n: usize) -> Vec<ArticleId> {
    let arts: Vec<_> = (from..from + n)
        .map(|i| {
            prepared(
                &format!("Text number {i} about something else entirely, item {i}."),
                "de",
                signature(i as u32 + 1, 0),
            )
        })
        .collect();
    s.insert_batch(
        &Batch {
            run_id: run,
            articles: &arts,
            ..Batch::default()
        },
        &NearDupPolicy {
            threshold: 1.0,
            ..NearDupPolicy::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|o| match o {
        newsgraph_store::InsertOutcome::Inserted { id, .. } => id,
        o => panic!("unexpected {o:?}"),
    })
    .collect()
}

fn analysis(lang: &str) -> Analysis {
    Analysis {
        lang: lang.into(),
        ..Analysis::default()
    }
}

#[test]
fn claims_are_disjoint_and_expired_leases_come_back() {
    let Some(url) = url() else { return };
    let s = fresh(&url);
    let ids = store_articles(&s, 0, 10);
    // One article already analysed (e.g. by a single-process ingest): not queued.
    s.put_analyses(&[(ids[0], analysis("de"))], "m1").unwrap();
    assert_eq!(s.enqueue_unanalysed().unwrap(), 9);
    assert_eq!(s.enqueue_unanalysed().unwrap(), 0, "idempotent");
    let st = s.queue_status().unwrap();
    assert_eq!((st.pending, st.not_enqueued, st.scanned_upto), (9, 0, 10));

    let long = Duration::from_secs(60);
    let a: Vec<_> = s
        .claim_work("a", 4, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    let b: Vec<_> = s
        .claim_work("b", 4, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(a, vec![2, 3, 4, 5], "lowest ids first, in order");
    assert_eq!(b, vec![6, 7, 8, 9], "a second worker gets other articles");
    // A short lease that runs out: the articles come back to the queue.
    let c: Vec<_> = s
        .claim_work("c", 4, Duration::from_millis(200), 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(c, vec![10]);
    assert!(s.claim_work("d", 4, long, 3).unwrap().is_empty());
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        s.renew_lease("c", &c, long).unwrap(),
        1,
        "expired but unclaimed: still c's"
    );
    std::thread::sleep(Duration::from_millis(10));
    assert!(s.claim_work("d", 4, long, 3).unwrap().is_empty(), "renewed");

    // Results of a worker that lost its articles are ignored.
    assert_eq!(s.release_work("b", &b).unwrap(), 4);
    let d: Vec<_> = s
        .claim_work("d", 2, long, 3)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(d, vec![6, 7]);
    let stale: Vec<_> = b.iter().map(|&id| (id, analysis("xx"))).collect();
    assert_eq!(s.finish_work("b", "m1", &stale, &[]).unwrap(), 0);

    // Completed prefix: stops at the first article still pending.
    let done_a: Vec<_> = a.iter().map(|&id| (id, analysis("de"))).collect();
    assert_eq!(
        s.finish_work("a", "m1", &done_a[1..], &[(a[0], "boom".into())])
            .unwrap(),
        4
    );
    let p = s.completed_prefix(100).unwrap();
    assert_eq!(p.assigned_upto, 0);
    let got: Vec<_> = p
        .items
        .iter()
        .map(|c| (c.article_id, c.analysis.is_some()))
        .collect();
    assert_eq!(got, vec![(2, false), (3, true), (4, true), (5, true)]);

    // Fenced commit: the same prefix cannot be committed twice.
    let resolved: Vec<_> = p
        .items
        .iter()
        .filter_map(|c| c.analysis.clone().map(|(a, v)| (c.article_id, a, v)))
        .collect();
    assert!(s.commit_assigned(0, 5, &resolved).unwrap());
    assert!(!s.commit_assigned(0, 5, &resolved).unwrap());
    assert!(s.commit_assigned(5, 4, &[]).is_err(), "backwards");
    assert_eq!(s.get_analysis(3).unwrap().unwrap().model_version, "m1");
    assert!(s.get_analysis(2).unwrap().is_none(), "failed: no analysis");
    let st = s.queue_status().unwrap();
    assert_eq!((st.assigned_upto, st.done, st.failed), (5, 3, 1));
    assert!(s.completed_prefix(100).unwrap().items.is_empty());

    // New articles are picked up by the next enqueue.
    store_articles(&s, 100, 3);
    assert_eq!(s.queue_status().unwrap().not_enqueued, 3);
    assert_eq!(s.enqueue_unanalysed().unwrap(), 3);
}

/// Analyses every pending article (article 1 fails) and commits the
/// completed prefix up to `upto`.
fn analyse_and_commit(s: &PgStore, upto: ArticleId) {
    let got = s.claim_work("w", 100, Duration::from_secs(60), 3).unwrap();
    let (bad, ok): (Vec<_>, Vec<_>) = got.iter().map(|a| a.id).partition(|&id| id == 1);
    let ok: Vec<_> = ok.into_iter().map(|id| (id, analysis("de"))).collect();
    let bad: Vec<_> = bad.into_iter().map(|id| (id, "boom".to_string())).collect();
    s.finish_work("w", "m1", &ok, &bad).unwrap();
    let p = s.completed_prefix_upto(100, upto).unwrap();
    let Some(end) = p.items.last().map(|c| c.article_id) else {
        return;
    };
    assert!(end <= upto, "the prefix stays in its unit");
    let resolved: Vec<_> = p
        .items
        .iter()
        .filter_map(|c| c.analysis.clone().map(|(a, v)| (c.article_id, a, v)))
        .collect();
    assert!(s.commit_assigned(p.assigned_upto, end, &resolved).unwrap());
}

#[test]
fn arrival_units_follow_ingest_runs() {
    let Some(url) = url() else { return };
    let s = fresh(&url);
    // Run 1 stores two batches; while it is storing, its unit waits for it.
    let run1 = s.begin_run(&["one".to_string()]).unwrap();
    store_run_articles(&s, Some(run1), 0, 2);
    store_run_articles(&s, Some(run1), 10, 1);
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.refreshed_upto, u.end, u.stored), (0, 3, false));
    assert_eq!(u.waiting_for_run, Some(run1));
    s.finish_run(run1, &serde_json::json!({})).unwrap();
    assert!(!s.arrival_unit().unwrap().stored, "not enqueued yet");
    s.enqueue_unanalysed().unwrap();
    // Run 2 starts storing: run 1's unit is complete and stays 1–3.
    let run2 = s.begin_run(&["two".to_string()]).unwrap();
    store_run_articles(&s, Some(run2), 20, 2);
    s.enqueue_unanalysed().unwrap();
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.end, u.stored, u.waiting_for_run), (3, true, None));
    assert_eq!(s.close_unit(0, 3).unwrap(), None, "not analysed yet");

    // Analysis commits stop at the unit's end.
    analyse_and_commit(&s, u.end);
    let st = s.queue_status().unwrap();
    assert_eq!((st.assigned_upto, st.refreshed_upto), (3, 0));
    assert_eq!(
        st.unassigned, 5,
        "three analysed, two pending; none refreshed"
    );
    let closed = s.close_unit(0, 3).unwrap().expect("unit 1 closes");
    assert_eq!(closed.ids, vec![1, 2, 3], "failed article 1 goes along");
    assert_eq!((closed.analysed, closed.from, closed.to), (2, 0, 3));
    assert_eq!(s.close_unit(0, 3).unwrap(), None, "fenced: closed once");
    assert!(s.close_unit(3, 3).is_err(), "empty unit");

    // Run 2 never finishes (killed): its unit waits until a later run has
    // finished, and then goes with that run's articles.
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.refreshed_upto, u.end, u.stored), (3, 5, false));
    assert_eq!(u.waiting_for_run, Some(run2));
    analyse_and_commit(&s, u.end);
    assert_eq!(s.queue_status().unwrap().assigned_upto, 5, "early commit");
    let run3 = s.begin_run(&["three".to_string()]).unwrap();
    store_run_articles(&s, Some(run3), 30, 1);
    assert_eq!(s.arrival_unit().unwrap().waiting_for_run, Some(run2));
    s.finish_run(run3, &serde_json::json!({})).unwrap();
    s.enqueue_unanalysed().unwrap();
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.end, u.stored, u.waiting_for_run), (6, true, None));
    assert_eq!(s.close_unit(3, 6).unwrap(), None, "article 6 not analysed");
    analyse_and_commit(&s, u.end);
    let closed = s.close_unit(3, 6).unwrap().expect("units 2+3 close");
    assert_eq!((closed.ids, closed.analysed), (vec![4, 5, 6], 3));
    let st = s.queue_status().unwrap();
    assert_eq!(
        (st.assigned_upto, st.refreshed_upto, st.unassigned),
        (6, 6, 0)
    );
    assert!(st.all_finished(), "{st:?}");
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.end, u.stored), (6, false), "nothing waits");

    // Articles stored without a run form finished units of their own.
    store_articles(&s, 40, 2);
    s.enqueue_unanalysed().unwrap();
    let u = s.arrival_unit().unwrap();
    assert_eq!((u.end, u.stored), (8, true));
}

#[test]
fn a_lease_that_runs_out_too_often_fails_the_article() {
    let Some(url) = url() else { return };
    let s = fresh(&url);
    store_articles(&s, 0, 1);
    s.enqueue_unanalysed().unwrap();
    let short = Duration::from_millis(50);
    for attempt in 1..=2 {
        assert_eq!(
            s.claim_work("w", 1, short, 2).unwrap().len(),
            1,
            "{attempt}"
        );
        std::thread::sleep(Duration::from_millis(120));
    }
    assert!(s.claim_work("w", 1, short, 2).unwrap().is_empty());
    let st = s.queue_status().unwrap();
    assert_eq!((st.failed, st.pending, st.leased, st.retried), (1, 0, 0, 1));
    let p = s.completed_prefix(10).unwrap();
    assert_eq!(p.items.len(), 1);
    assert!(p.items[0].analysis.is_none());
}

#[test]
fn one_assigner_per_store() {
    let Some(url) = url() else { return };
    let s1 = fresh(&url);
    let s2 = fresh(&url);
    let mut l1 = s1.try_assigner_lock().unwrap().expect("first assigner");
    assert!(l1.is_held());
    assert!(
        s1.try_assigner_lock().unwrap().is_none(),
        "second is refused"
    );
    // Another store (schema) has its own assigner.
    let l2 = s2.try_assigner_lock().unwrap();
    assert!(l2.is_some());
    drop(l1);
    // The lock goes with its connection; the server notices the close.
    let mut again = None;
    for _ in 0..50 {
        again = s1.try_assigner_lock().unwrap();
        if again.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(again.is_some(), "free again once the holder is gone");
}
