use super::*;
use crate::endpoint::http::{Answer, Response};
use crate::endpoint::response::{differences, verdict, DiffKind, Verdict};
use crate::spec::{BodyKind, HeaderRules, Location, PathRule, ResponseShape};

fn endpoint(name: &str) -> EndpointSpec {
    let mut compare = CompareRules::default();
    compare.default.nil_equals_empty = false;
    EndpointSpec {
        name: name.into(),
        method: "POST".into(),
        path: "/invoices".into(),
        segments: Vec::new(),
        inputs: Vec::new(),
        body: BodyKind::None,
        response: ResponseShape::default(),
        compare,
        headers: HeaderRules::default(),
        json_bytes: true,
        location: Location::default(),
    }
}

fn json(body: String) -> Answer {
    Answer::Response(Response {
        status: 201,
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body: body.into_bytes(),
    })
}

/// A response with an id and a creation time.
fn invoice(id: u32, created: u32) -> Answer {
    json(format!(r#"{{"id":{id},"created_at":"t{created}"}}"#))
}

/// Records `n` responses, `primary`, `secondary` and `rust` giving the answers for step `i`.
fn run(
    ep: &EndpointSpec,
    table: &mut NoiseTable,
    n: u32,
    answers: impl Fn(u32) -> (Answer, Answer, Answer),
) {
    for i in 0..n {
        let (p, s, r) = answers(i);
        table.record(&ep.name, &differences(ep, &p, &s), &differences(ep, &p, &r));
    }
}

#[test]
fn a_timestamp_differing_in_every_go_vs_go_response_is_noisy_and_dropped() {
    let ep = endpoint("CreateInvoice");
    let mut table = NoiseTable::new();
    run(&ep, &mut table, 40, |i| {
        (
            invoice(i, 3 * i),
            invoice(i, 3 * i + 1),
            invoice(i, 3 * i + 2),
        )
    });
    let filter = NoiseFilter::new(&table, std::slice::from_ref(&ep));
    assert_eq!(
        filter.summary(),
        ["CreateInvoice: `/body/created_at` differs between two Go runs in 100 % of responses (40 of 40): ignored"]
    );
    assert_eq!(
        verdict(&ep, &invoice(1, 100), &invoice(1, 200), &filter),
        Verdict::Agree
    );
}

#[test]
fn an_id_that_differs_only_between_go_and_rust_is_a_divergence() {
    let ep = endpoint("CreateInvoice");
    let mut table = NoiseTable::new();
    run(&ep, &mut table, 40, |i| {
        (
            invoice(i, 3 * i),
            invoice(i, 3 * i + 1),
            invoice(i + 1, 3 * i + 2),
        )
    });
    let filter = NoiseFilter::new(&table, std::slice::from_ref(&ep));
    let v = verdict(&ep, &invoice(7, 1), &invoice(8, 2), &filter);
    let Verdict::Diverge(ds) = v else {
        panic!("not a divergence: {v:?}")
    };
    let paths: Vec<(&str, DiffKind)> = ds.iter().map(|d| (d.path.as_str(), d.kind)).collect();
    assert_eq!(paths, [("/body/id", DiffKind::Value)]);
}

#[test]
fn a_path_where_go_differs_once_in_100_while_rust_differs_in_100_is_not_noisy() {
    let ep = endpoint("CreateInvoice");
    let mut table = NoiseTable::new();
    run(&ep, &mut table, 100, |i| {
        let secondary_id = if i == 50 { i + 1000 } else { i };
        (invoice(i, 0), invoice(secondary_id, 0), invoice(i + 1, 0))
    });
    let counts: Vec<(String, u64, u64, bool)> = table
        .paths()
        .into_iter()
        .map(|p| (p.path.clone(), p.noise, p.raw, p.is_noisy()))
        .collect();
    assert_eq!(counts, [("/body/id".to_string(), 1, 100, false)]);
    let filter = NoiseFilter::new(&table, std::slice::from_ref(&ep));
    assert!(filter.summary().is_empty());
    assert!(matches!(
        verdict(&ep, &invoice(7, 0), &invoice(8, 0), &filter),
        Verdict::Diverge(_)
    ));
}

#[test]
fn a_difference_the_go_instances_show_in_the_same_response_is_always_noise() {
    let ep = endpoint("CreateInvoice");
    let filter = NoiseFilter::new(&NoiseTable::new(), std::slice::from_ref(&ep));
    let (p, s, r) = (invoice(1, 0), invoice(2, 0), invoice(3, 0));
    let same = differences(&ep, &p, &s);
    assert_eq!(
        verdict(&ep, &p, &r, &filter.in_response(&same)),
        Verdict::Agree
    );
    assert!(matches!(verdict(&ep, &p, &r, &filter), Verdict::Diverge(_)));
}

#[test]
fn noise_counts_each_path_once_per_response_under_its_general_path() {
    let ep = endpoint("ListInvoices");
    let mut table = NoiseTable::new();
    let list = |a: u32, b: u32| json(format!(r#"{{"items":[{{"t":{a}}},{{"t":{b}}}]}}"#));
    table.record(
        &ep.name,
        &differences(&ep, &list(1, 2), &list(3, 4)),
        &differences(&ep, &list(1, 2), &list(1, 2)),
    );
    let p = &table.paths()[0];
    assert_eq!(
        (p.path.as_str(), p.noise, p.raw, p.responses),
        ("/body/items/*/t", 1, 0, 1)
    );
    let filter = NoiseFilter::new(&table, std::slice::from_ref(&ep));
    assert_eq!(
        verdict(&ep, &list(1, 2), &list(1, 9), &filter),
        Verdict::Agree
    );
}

#[test]
fn noise_of_one_endpoint_does_not_cancel_another() {
    let (a, b) = (endpoint("A"), endpoint("B"));
    let mut table = NoiseTable::new();
    run(&a, &mut table, 10, |i| {
        (invoice(i, 0), invoice(i + 1, 0), invoice(i + 1, 0))
    });
    let filter = NoiseFilter::new(&table, &[a.clone(), b.clone()]);
    assert_eq!(
        verdict(&a, &invoice(1, 0), &invoice(2, 0), &filter),
        Verdict::Agree
    );
    assert!(matches!(
        verdict(&b, &invoice(1, 0), &invoice(2, 0), &filter),
        Verdict::Diverge(_)
    ));
}

#[test]
fn a_header_the_spec_ignores_is_noise_and_listed_in_the_summary() {
    let mut ep = endpoint("CreateInvoice");
    ep.headers.compare.push("x-request-id".into());
    ep.compare.paths.push(PathRule {
        path: "/headers/x-request-id".into(),
        float: None,
        unordered: None,
        ignore: Some(true),
        nil_equals_empty: None,
        nan_payload: None,
    });
    let filter = NoiseFilter::new(&NoiseTable::new(), std::slice::from_ref(&ep));
    let d = crate::endpoint::response::Difference {
        path: "/headers/x-request-id".into(),
        kind: DiffKind::Header,
        go: "a".into(),
        rust: "b".into(),
    };
    assert!(filter.is_noise(&ep.name, &d));
    assert!(!filter.is_noise("Other", &d));
    assert_eq!(
        filter.summary(),
        ["CreateInvoice: `/headers/x-request-id` ignored by the spec"]
    );
}
