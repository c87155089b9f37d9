//! End to end: clients that cannot sign (curl, Python's urllib) call the `unleashed-gateway` binary, which signs
//! and forwards to the loopback mock of Unleashed (`testing/mock_unleashed.py`, which checks signatures with
//! Python's `hmac`), in the decoded and the wire form. Without curl or python3 these tests fail, never skip.

mod support;

use std::process::Command;

use support::{Gateway, KEY, Mock, OTHER_KEY, curl, e2e_cases, repo, request_lines, scratch};
use unleashed_signer::QueryBuilder;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The query a client sends for a case, percent-encoded (space as %20).
fn wire_query(case: &[(String, String)]) -> String {
    let mut buf = vec![0u8; 4096];
    let mut query = QueryBuilder::new(&mut buf);
    for (name, value) in case {
        query.push(name, value).unwrap();
    }
    query.as_str().to_owned()
}

/// The bytes the mock checks in `form` for a query sent as `wire`.
fn checked_message(form: &str, case: &[(String, String)], wire: &str) -> Vec<u8> {
    match form {
        "decoded" => case.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&").into_bytes(),
        _ => wire.as_bytes().to_vec(),
    }
}

#[test]
fn every_e2e_case_passes_through_curl_and_urllib_in_both_forms() {
    let cases = e2e_cases();
    for form in ["decoded", "wire"] {
        let mock = Mock::start(form, &[]);
        let gateway = Gateway::start(&mock.base(), KEY, &["--form", form]);
        for case in &cases {
            let wire = wire_query(case);
            let (status, body) = curl(&[&format!("{}/Customers?{wire}", gateway.base)]).expect("curl gets an answer");
            assert_eq!(status, 200, "curl, {form} form, {wire}: {body}");
            let reply = support::Reply { status, head: String::new(), body: body.into_bytes() };
            assert_eq!(reply.field("target"), format!("/Customers?{wire}"), "forwarded as received");
            assert_eq!(reply.field("message"), hex(&checked_message(form, case, &wire)), "{form}: {wire}");
        }
        let output = Command::new("python3")
            .arg(repo().join("gateway/tests/urllib_client.py"))
            .arg(&gateway.base)
            .arg(repo().join("testdata/e2e_cases.txt"))
            .output()
            .expect("python3 runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let lines: Vec<serde_json::Value> =
            String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), cases.len());
        for (line, case) in lines.iter().zip(&cases) {
            let sent = line["sent"].as_str().unwrap();
            assert_eq!(line["status"], 200, "urllib, {form} form, {sent}: {}", line["body"]);
            let body = line["body"].as_str().unwrap();
            let reply = support::Reply { status: 200, head: String::new(), body: body.as_bytes().to_vec() };
            assert_eq!(reply.field("message"), hex(&checked_message(form, case, sent)), "{form}: {sent}");
        }
        let log = gateway.wait_for_log_lines(cases.len() * 2);
        assert_eq!(
            request_lines(&log).iter().filter(|l| l.starts_with("GET /Customers?") && l.contains(" 200 ")).count(),
            cases.len() * 2,
            "{log}"
        );
    }
}

#[test]
fn a_wrong_key_gets_the_403_passed_through_with_a_hint() {
    let mock = Mock::start("decoded", &[]);
    let gateway = Gateway::start(&mock.base(), OTHER_KEY, &[]);
    let reply = support::get(gateway.addr, "/Customers?customerCode=ACME", &[]);
    assert_eq!(reply.status, 403);
    assert!(
        reply.head.starts_with("HTTP/1.1 403"),
        "HTTP/1.1 to the client, though the mock speaks 1.0: {}",
        reply.head
    );
    assert!(reply.header("x-unleashed-gateway-hint").unwrap().contains("unleashed-sign verify"), "{}", reply.head);
    assert!(reply.text().contains("unleashed-sign verify"), "{}", reply.text());
    let reply = support::get(gateway.addr, "/_all/Customers?pageSize=100", &[]);
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert!(reply.text().contains("unleashed-sign verify"), "{}", reply.text());
    assert!(reply.header("x-unleashed-gateway-hint").unwrap().contains("unleashed-sign verify"), "{}", reply.head);
    let log = gateway.wait_for_log_lines(2);
    let lines = request_lines(&log);
    assert!(lines[0].starts_with("GET /Customers?customerCode=ACME 403 upstream_calls=1"), "{log}");
    assert!(lines[0].contains("unleashed-sign verify"), "{log}");
    assert!(lines[1].starts_with("GET /_all/Customers?pageSize=100 403 upstream_calls=1"), "{log}");
}

/// The merged document's items, checked to be `count` items of `endpoint` with indexes 1..=count in order.
fn assert_merged(body: &str, endpoint: &str, count: u64) {
    let document: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:.200}"));
    let items = document["Items"].as_array().unwrap();
    assert_eq!(items.len() as u64, count);
    for (i, item) in items.iter().enumerate() {
        let index = i as u64 + 1;
        assert_eq!(item["Index"], index, "item {index}");
        assert_eq!(item["Code"], format!("{endpoint}-{index:06}"));
    }
    assert_eq!(
        document["Pagination"],
        serde_json::json!({"NumberOfItems": count, "PageSize": count, "PageNumber": 1, "NumberOfPages": 1})
    );
}

/// The list pages the mock received, from its record: `GET /<endpoint>/N...` request lines.
fn page_calls(record: &std::path::Path, endpoint: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(&std::fs::read(record).unwrap()).into_owned();
    let prefix = format!("GET /{endpoint}/");
    text.lines().filter(|l| l.starts_with(&prefix)).map(str::to_owned).collect()
}

#[test]
fn all_pages_of_437_items_come_in_one_document_from_five_signed_calls() {
    let dir = scratch("all-pages");
    for (form, concurrency) in [("decoded", "1"), ("wire", "3")] {
        let record = dir.join(format!("record-{form}"));
        let mock = Mock::start(form, &["--record", record.to_str().unwrap(), "--list-items", "437"]);
        let gateway = Gateway::start(&mock.base(), KEY, &["--form", form, "--page-concurrency", concurrency]);
        let (status, body) = curl(&[&format!("{}/_all/Customers?pageSize=100", gateway.base)]).unwrap();
        assert_eq!(status, 200, "{body:.300}");
        assert_merged(&body, "Customers", 437);
        // Five pages, each answered 200 by the mock, which answers 200 only to a valid signature.
        let calls = page_calls(&record, "Customers");
        let expected: Vec<String> =
            (1..=5).map(|page| format!("GET /Customers/{page}?pageSize=100 HTTP/1.1")).collect();
        if concurrency == "1" {
            assert_eq!(calls, expected);
        } else {
            let mut sorted = calls.clone();
            sorted.sort();
            assert_eq!(sorted, expected, "each page once");
        }
        // Python's urllib, as another client that cannot sign, gets the same document.
        let script = format!(
            "import urllib.request,sys;sys.stdout.write(urllib.request.urlopen('{}/_all/Customers?pageSize=100', \
             timeout=120).read().decode())",
            gateway.base
        );
        let output = Command::new("python3").args(["-c", &script]).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_merged(&String::from_utf8(output.stdout).unwrap(), "Customers", 437);
        let log = gateway.wait_for_log_lines(2);
        assert!(request_lines(&log)[0].starts_with("GET /_all/Customers?pageSize=100 200 upstream_calls=5 "), "{log}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_readme_power_query_url_gives_the_merged_list() {
    // http://127.0.0.1:8787/_all/Customers, the README's example, on a free port: the default pageSize (200).
    let mock = Mock::start("decoded", &["--list-items", "437"]);
    let gateway = Gateway::start(&mock.base(), KEY, &[]);
    let (status, body) = curl(&[&format!("{}/_all/Customers", gateway.base)]).unwrap();
    assert_eq!(status, 200);
    assert_merged(&body, "Customers", 437);
}
