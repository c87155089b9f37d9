//! `verify --raw`, `--curl-trace` and `--har` on captures of real traffic: requests sent by the real `curl` and by
//! Python's `requests` to the loopback mock of Unleashed (`testing/mock_unleashed.py --record`), written as a raw
//! request file (the mock's recording), `curl -v` and `curl --trace-ascii` traces, and HAR files made from the
//! recording. The mock checks each signature with Python's `hmac`, so "OK" and "MISMATCH" are also its 200 and 403.
//!
//! Without `python3`, `requests` or `curl` these tests fail: they are never skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assert_cmd::cargo::cargo_bin;
use serde_json::{Value, json};
use unleashed_signer::SigningKey;

mod support;

/// Made up, in the shape of a real key.
const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const OTHER_ID: &str = "99999999-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const CLIENT: &str = "acme/orderautomation";
/// Credentials of other services in the same traffic: never printed.
const COOKIE: &str = "session=CookieSecret-7f3a9";
const BEARER: &str = "Bearer TokenSecret-51c2e";

/// One request the clients send, and what `verify` must say of it.
struct Case {
    name: &'static str,
    method: &'static str,
    target: &'static str,
    headers: Vec<(&'static str, String)>,
    body: &'static str,
    /// `None`: no signature (skipped); `Some("")`: OK; `Some(part)`: a problem whose cause contains `part`.
    verdict: Option<&'static str>,
}

fn sign(key: &[u8], message: &str) -> String {
    SigningKey::from_bytes(key).unwrap().sign(message.as_bytes()).to_string()
}

fn signed(signature: String, id: &str, client: bool) -> Vec<(&'static str, String)> {
    let mut headers = vec![("api-auth-id", id.to_owned()), ("api-auth-signature", signature)];
    if client {
        headers.push(("client-type", CLIENT.to_owned()));
    }
    headers.extend([("Accept", "application/json".to_owned()), ("Cookie", COOKIE.to_owned())]);
    headers
}

fn cases() -> Vec<Case> {
    let key = KEY.as_bytes();
    let key_newline = [key, b"\n"].concat();
    let order = "orderStatus=Completed,Backordered&modifiedSince=2024-01-01T00:00:00";
    vec![
        Case {
            name: "good",
            method: "GET",
            target: "/Customers?customerName=Acme%20Sons&page=2",
            headers: signed(sign(key, "customerName=Acme Sons&page=2"), ID, true),
            body: "",
            verdict: Some(""),
        },
        Case {
            name: "good post",
            method: "POST",
            target: "/SalesOrders/Sign",
            headers: signed(sign(key, ""), ID, true),
            body: "{\"orderNumber\":\"SO-1\"}",
            verdict: Some(""),
        },
        Case {
            name: "unsigned",
            method: "GET",
            target: "/favicon.ico",
            headers: vec![("Authorization", BEARER.to_owned()), ("Cookie", COOKIE.to_owned())],
            body: "",
            verdict: None,
        },
        Case {
            name: "tampered query",
            method: "GET",
            target: "/Customers?customerCode=ACMF",
            headers: signed(sign(key, "customerCode=ACME"), ID, true),
            body: "",
            verdict: Some("no known mistake reproduces it"),
        },
        Case {
            name: "key with a trailing newline",
            method: "GET",
            target: "/SalesOrders?orderStatus=Completed,Backordered&modifiedSince=2024-01-01T00:00:00",
            headers: signed(sign(&key_newline, order), ID, true),
            body: "",
            verdict: Some("the signature was made with the API key plus a trailing newline"),
        },
        Case {
            name: "another account's id",
            method: "GET",
            target: "/Products?productCode=A%2BB",
            headers: signed(sign(key, "productCode=A+B"), OTHER_ID, true),
            body: "",
            verdict: Some("api-auth-id 99999999-4e5f-6a7b-8c9d-0e1f2a3b4c5d is another account's id"),
        },
        Case {
            name: "no client-type",
            method: "GET",
            target: "/Warehouses",
            headers: signed(sign(key, ""), ID, false),
            body: "",
            verdict: Some("client-type is missing"),
        },
    ]
}

/// The mock, recording into a file.
struct Mock {
    server: support::Mock,
    record: PathBuf,
}

impl Mock {
    fn start(dir: &Path) -> Self {
        let record = dir.join("recorded.http");
        Self { server: support::Mock::start("decoded", ID, KEY, Some(&record)), record }
    }

    fn url(&self, target: &str) -> String {
        format!("{}{target}", self.server.base())
    }

    /// The recording, cut into one raw request per case.
    fn recorded(&self) -> Vec<Vec<u8>> {
        split_requests(&std::fs::read(&self.record).expect("the mock recorded"))
    }
}

/// Cuts the recording at each request's end: the empty line after the headers, then Content-Length bytes.
fn split_requests(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut requests = Vec::new();
    while !bytes.is_empty() {
        let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head") + 4;
        let head = String::from_utf8_lossy(&bytes[..head_end]).to_lowercase();
        let length: usize =
            head.lines().find_map(|l| l.strip_prefix("content-length: ")).map_or(0, |n| n.trim().parse().unwrap());
        requests.push(bytes[..head_end + length].to_vec());
        bytes = &bytes[head_end + length..];
    }
    requests
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unleashed-sign-capture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Each case sent twice with the real `curl`, once with `-v` and once with `--trace-ascii` (which silences `-v`):
/// (the HTTP statuses, the `-v` trace, the `--trace-ascii` trace).
fn send_with_curl(mock: &Mock, dir: &Path, cases: &[Case]) -> Vec<([u16; 2], Vec<u8>, Vec<u8>)> {
    let trace_ascii = dir.join("trace-ascii.txt");
    let send = |case: &Case, trace: &[&std::ffi::OsStr]| {
        let mut curl = Command::new("curl");
        curl.args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--globoff", "-X", case.method]).args(trace);
        for (name, value) in &case.headers {
            curl.arg("-H").arg(format!("{name}: {value}"));
        }
        if !case.body.is_empty() {
            curl.args(["--data-binary", case.body]);
        }
        let output = curl.arg(mock.url(case.target)).output().expect("curl runs: install curl");
        assert!(output.status.success(), "curl: {}", String::from_utf8_lossy(&output.stderr));
        (String::from_utf8(output.stdout).unwrap().parse().expect("an HTTP status"), output.stderr)
    };
    cases
        .iter()
        .map(|case| {
            let (verbose_status, verbose) = send(case, &["-v".as_ref()]);
            let (ascii_status, _) = send(case, &["--trace-ascii".as_ref(), trace_ascii.as_os_str()]);
            ([verbose_status, ascii_status], verbose, std::fs::read(&trace_ascii).unwrap())
        })
        .collect()
}

/// Each case sent with Python's `requests`: the HTTP statuses.
fn send_with_requests(mock: &Mock, cases: &[Case]) -> Vec<u16> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/requests_client.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().unwrap();
    for case in cases {
        let request =
            json!({"method": case.method, "url": mock.url(case.target), "headers": case.headers, "body": case.body});
        writeln!(stdin, "{request}").unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "requests client (pip install requests): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().lines().map(|l| l.parse().unwrap()).collect()
}

/// A HAR 1.2 file of raw requests, the way a browser or Postman writes one: `url` absolute and as sent,
/// `queryString` decoded, `postData`, `cookies`, sizes and timings.
fn har(base: &str, requests: &[Vec<u8>]) -> Vec<u8> {
    let entries: Vec<Value> = requests
        .iter()
        .map(|raw| {
            let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
            let head = std::str::from_utf8(&raw[..head_end]).unwrap();
            let body = std::str::from_utf8(&raw[head_end + 4..]).unwrap();
            let mut lines = head.split("\r\n");
            let mut request_line = lines.next().unwrap().split(' ');
            let (method, target) = (request_line.next().unwrap(), request_line.next().unwrap());
            let headers: Vec<Value> = lines
                .map(|line| {
                    let (name, value) = line.split_once(": ").unwrap();
                    json!({"name": name, "value": value})
                })
                .collect();
            let query = target.split_once('?').map_or("", |(_, q)| q);
            let query_string: Vec<Value> = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (name, value) = p.split_once('=').unwrap_or((p, ""));
                    json!({"name": name, "value": value.replace("%20", " ").replace("%2B", "+")})
                })
                .collect();
            let mut request = json!({
                "method": method, "url": format!("{base}{target}"), "httpVersion": "HTTP/1.1",
                "cookies": [{"name": "session", "value": "CookieSecret-7f3a9"}], "headers": headers,
                "queryString": query_string, "headersSize": head_end + 4, "bodySize": body.len(),
            });
            if !body.is_empty() {
                request["postData"] = json!({"mimeType": "application/x-www-form-urlencoded", "text": body});
            }
            json!({
                "startedDateTime": "2026-11-26T09:00:00.000Z", "time": 1.5, "request": request,
                "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": [], "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "",
                    "headersSize": -1, "bodySize": 0},
                "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0.5}
            })
        })
        .collect();
    let log = json!({"log": {"version": "1.2", "creator": {"name": "capture.rs", "version": "1"}, "entries": entries}});
    serde_json::to_vec_pretty(&log).unwrap()
}

fn verify(flag: &str, file: &Path, extra: &[&str]) -> Output {
    Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_KEY", KEY)
        .env("UNLEASHED_API_ID", ID)
        .env_remove("UNLEASHED_CLIENT_TYPE")
        .args(["verify", flag])
        .arg(file)
        .args(extra)
        .output()
        .expect("unleashed-sign runs")
}

/// Checks the text and JSON reports of one capture of `cases` (in order) against each case's verdict.
#[track_caller]
fn assert_report(what: &str, flag: &str, file: &Path, cases: &[&Case]) {
    let text_output = verify(flag, file, &[]);
    let text = String::from_utf8(text_output.stdout.clone()).unwrap();
    let stderr = String::from_utf8(text_output.stderr.clone()).unwrap();
    for secret in [KEY, &KEY[..20], "CookieSecret", "TokenSecret"] {
        assert!(!text.contains(secret) && !stderr.contains(secret), "{what}: a secret was printed:\n{text}{stderr}");
    }
    let signed: Vec<&&Case> = cases.iter().filter(|c| c.verdict.is_some()).collect();
    let ok = signed.iter().filter(|c| c.verdict == Some("")).count();
    let all_ok = !signed.is_empty() && ok == signed.len();
    assert_eq!(text_output.status.code(), Some(if all_ok { 0 } else { 1 }), "{what}:\n{text}{stderr}");
    for case in &signed {
        let status = if case.verdict == Some("") { "OK" } else { "MISMATCH" };
        let line = format!("{} {} (", case.method, case.target);
        let found = text.lines().find(|l| l.starts_with(&line)).unwrap_or_else(|| panic!("{what}: no {line}\n{text}"));
        assert!(found.ends_with(&format!("): {status}")), "{what}, {}: {found}", case.name);
    }
    let skipped = cases.len() - signed.len();
    let summary = text.lines().last().unwrap();
    if signed.is_empty() {
        assert!(summary.starts_with("No request in the capture carries api-auth-signature"), "{what}: {summary}");
    } else {
        assert!(summary.starts_with(&format!("Checked {} signed request", signed.len())), "{what}: {summary}");
        assert!(summary.contains(&format!("{ok} OK, {} MISMATCH; {skipped} request", signed.len() - ok)), "{summary}");
    }

    let json_output = verify(flag, file, &["--format", "json"]);
    assert_eq!(json_output.status.code(), text_output.status.code());
    let report: Value = serde_json::from_slice(&json_output.stdout).expect("one JSON object");
    assert_eq!(
        report["summary"],
        json!({"signed": signed.len(), "ok": ok, "mismatch": signed.len() - ok, "skipped": skipped})
    );
    let requests = report["requests"].as_array().unwrap();
    assert_eq!(requests.len(), signed.len());
    for (case, checked) in signed.iter().zip(requests) {
        let verdict = case.verdict.unwrap();
        assert_eq!(checked["target"], case.target, "{what}");
        assert_eq!(checked["ok"], verdict.is_empty(), "{what}, {}: {checked}", case.name);
        let causes: Vec<&str> =
            checked["problems"].as_array().unwrap().iter().map(|p| p["cause"].as_str().unwrap()).collect();
        if verdict.is_empty() {
            assert!(causes.is_empty(), "{what}, {}: {causes:?}", case.name);
        } else {
            assert_eq!(causes.len(), 1, "{what}, {}: one cause, {causes:?}", case.name);
            assert!(causes[0].contains(verdict), "{what}, {}: {causes:?}", case.name);
            assert!(text.contains(&format!(": {}.", causes[0])), "{what}: the text names it too:\n{text}");
            if checked["problems"][0]["header"] == "api-auth-signature" {
                assert_eq!(checked["should_sign"], percent_decode(case.target.split_once('?').map_or("", |(_, q)| q)));
            }
        }
    }
}

/// `%XX` decoded (the decoded form's message), `+` kept.
fn percent_decode(query: &str) -> String {
    let bytes = query.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&query[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The statuses the mock must have answered: 200 for a right request, 403 for a wrong signature or id.
fn assert_statuses(client: &str, statuses: &[u16], cases: &[Case]) {
    for (case, status) in cases.iter().zip(statuses) {
        let expected = match case.verdict {
            Some("") | Some("client-type is missing") => 200,
            _ => 403,
        };
        assert_eq!(*status, expected, "{client}, {}: the mock (Python's hmac) answered", case.name);
    }
}

fn write(dir: &Path, name: &str, parts: &[&[u8]]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, parts.concat()).unwrap();
    path
}

#[test]
fn curl_traffic_as_raw_requests_traces_and_har() {
    let dir = temp_dir("curl");
    let mock = Mock::start(&dir);
    let cases = cases();
    let sent = send_with_curl(&mock, &dir, &cases);
    assert_statuses("curl -v", &sent.iter().map(|s| s.0[0]).collect::<Vec<_>>(), &cases);
    assert_statuses("curl --trace-ascii", &sent.iter().map(|s| s.0[1]).collect::<Vec<_>>(), &cases);
    // Two recorded requests per case, the same but for curl's trace options; the first of each is used.
    let recorded: Vec<Vec<u8>> = mock.recorded().into_iter().step_by(2).collect();
    assert_eq!(recorded.len(), cases.len(), "one recorded request per case");

    let all: Vec<&Case> = cases.iter().collect();
    let good: Vec<usize> = (0..cases.len()).filter(|&i| cases[i].verdict == Some("")).collect();
    let unsigned: Vec<usize> = (0..cases.len()).filter(|&i| cases[i].verdict.is_none()).collect();
    for (name, picked) in [("all", (0..cases.len()).collect::<Vec<_>>()), ("good", good), ("unsigned", unsigned)] {
        let these: Vec<&Case> = picked.iter().map(|&i| all[i]).collect();
        let raw: Vec<&[u8]> = picked.iter().map(|&i| recorded[i].as_slice()).collect();
        let verbose: Vec<&[u8]> = picked.iter().map(|&i| sent[i].1.as_slice()).collect();
        let ascii: Vec<&[u8]> = picked.iter().map(|&i| sent[i].2.as_slice()).collect();
        let har_file = har(&mock.url(""), &picked.iter().map(|&i| recorded[i].clone()).collect::<Vec<_>>());
        let files = [
            ("--raw", write(&dir, &format!("{name}.http"), &raw)),
            ("--curl-trace", write(&dir, &format!("{name}-verbose.txt"), &verbose)),
            ("--curl-trace", write(&dir, &format!("{name}-trace-ascii.txt"), &ascii)),
            ("--har", write(&dir, &format!("{name}.har"), &[&har_file])),
        ];
        for (flag, file) in files {
            assert_report(&format!("curl, {name}, {}", file.display()), flag, &file, &these);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn python_requests_traffic_as_raw_requests_and_har() {
    let dir = temp_dir("requests");
    let mock = Mock::start(&dir);
    let cases = cases();
    let statuses = send_with_requests(&mock, &cases);
    assert_statuses("requests", &statuses, &cases);
    let recorded = mock.recorded();
    assert_eq!(recorded.len(), cases.len(), "one recorded request per case");
    assert!(String::from_utf8_lossy(&recorded[0]).contains("User-Agent: python-requests/"), "sent by requests");

    let all: Vec<&Case> = cases.iter().collect();
    let raw = write(&dir, "all.http", &recorded.iter().map(Vec::as_slice).collect::<Vec<_>>());
    assert_report("requests, raw", "--raw", &raw, &all);
    let har_file = write(&dir, "all.har", &[&har(&mock.url(""), &recorded)]);
    assert_report("requests, HAR", "--har", &har_file, &all);

    // Stdin, with the capture piped in.
    let output = Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_KEY", KEY)
        .env("UNLEASHED_API_ID", ID)
        .args(["verify", "--raw", "-"])
        .stdin(std::fs::File::open(&raw).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8(output.stdout).unwrap().contains("Checked 6 signed requests: 2 OK, 4 MISMATCH"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn hand_written_browser_hars() {
    // Chrome's export: pages, _initiator, cookies, postData, HTTP/2 pseudo-headers, a CORS preflight.
    let browser = [
        Case {
            name: "fetch",
            method: "GET",
            target: "/Customers?customerCode=ACME",
            headers: Vec::new(),
            body: "",
            verdict: Some(""),
        },
        Case {
            name: "wire form",
            method: "POST",
            target: "/SalesOrders?customerName=Acme%20Sons",
            headers: Vec::new(),
            body: "",
            verdict: Some("the wire form of the query was signed, where the decoded form is checked"),
        },
    ];
    let unsigned = |name| Case { name, method: "GET", target: "", headers: Vec::new(), body: "", verdict: None };
    let cases = [&unsigned("page"), &browser[0], &unsigned("preflight"), &browser[1]];
    assert_report("browser.har", "--har", &fixture("browser.har"), &cases);
    let output = verify("--har", &fixture("browser.har"), &[]);
    let text = String::from_utf8(output.stdout).unwrap();
    for secret in ["BrowserTokenSecret", "BrowserCookieSecret"] {
        assert!(!text.contains(secret), "{text}");
    }

    // Insomnia's export, every request right (an api-auth-id in capitals is the same id).
    let insomnia = [
        Case {
            name: "customers",
            method: "GET",
            target: "/Customers?pageSize=200&modifiedSince=2024-06-01T00:00:00",
            headers: Vec::new(),
            body: "",
            verdict: Some(""),
        },
        Case {
            name: "warehouses",
            method: "GET",
            target: "/Warehouses",
            headers: Vec::new(),
            body: "",
            verdict: Some(""),
        },
    ];
    assert_report("insomnia.har", "--har", &fixture("insomnia.har"), &insomnia.iter().collect::<Vec<_>>());
}

/// Exit code 2 and one line on stderr naming the file and where reading stopped.
#[track_caller]
fn assert_unreadable(flag: &str, file: &Path, parts: &[&str]) {
    let output = verify(flag, file, &[]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let file = file.display().to_string();
    for part in [file.as_str()].iter().chain(parts) {
        assert!(stderr.contains(part), "expected {part:?} in {stderr}");
    }
    assert!(!stderr.contains("Secret"), "{stderr}");
}

#[test]
fn truncated_and_malformed_captures_exit_2() {
    let dir = temp_dir("malformed");
    let har = std::fs::read(fixture("browser.har")).unwrap();
    let cut = write(&dir, "cut.har", &[&har[..har.len() / 2]]);
    let line = har[..har.len() / 2].iter().filter(|&&b| b == b'\n').count() + 1;
    assert_unreadable("--har", &cut, &[&format!("line {line} column "), "the HAR is cut short"]);

    let raw = b"GET /Customers?customerCode=ACME HTTP/1.1\r\nHost: h\r\nCookie: a=Secret\r\n\r\n";
    let not_json = write(&dir, "request.http", &[raw]);
    assert_unreadable("--har", &not_json, &["line 1 column 1: not valid JSON"]);
    let not_har =
        write(&dir, "other.json", &[br#"{"log": {"entries": [{"request": {"method": "GET", "headers": []}}]}}"#]);
    assert_unreadable("--har", &not_har, &["missing field `url`"]);
    let wrong_type = write(&dir, "wrong.json", &[br#"{"log": {"entries": {"Secret": 1}}}"#]);
    assert_unreadable("--har", &wrong_type, &["a sequence was expected"]);

    assert_unreadable("--raw", &fixture("browser.har"), &["line 1: expected a request line"]);
    let post = b"POST /SalesOrders HTTP/1.1\r\nContent-Length: 40\r\nCookie: a=Secret\r\n\r\n{\"cut\":";
    let cut_body = write(&dir, "cut.http", &[raw, post]);
    assert_unreadable("--raw", &cut_body, &["line 9:", "Content-Length says 40 bytes and 7 are left"]);
    let cut_head = write(&dir, "head.http", &[&raw[..raw.len() - 15]]);
    assert_unreadable("--raw", &cut_head, &["line 3: not a `name: value` header line"]);

    assert_unreadable("--curl-trace", &fixture("browser.har"), &["no `> GET /path HTTP/1.1` line"]);
    let trace = "=> Send header, 80 bytes (0x50)\n0000: GET /Customers?customerCode=ACME HTTP/1.1\n002b: Host: h\n";
    let cut_trace = write(&dir, "trace.txt", &[trace.as_bytes()]);
    assert_unreadable("--curl-trace", &cut_trace, &["line 1: this header block holds 50 of the 80 bytes"]);

    assert_unreadable("--har", &dir.join("missing.har"), &["cannot read the capture"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stdin_api_id_and_format_options() {
    let output = Command::new(cargo_bin!("unleashed-sign"))
        .env_remove("UNLEASHED_API_KEY")
        .args(["verify", "--key-file", "-", "--har", "-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("cannot both be read from stdin"));

    let output = Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_KEY", KEY)
        .env_remove("UNLEASHED_API_ID")
        .args(["verify", "--har", "-", "--format", "json"])
        .stdin(std::fs::File::open(fixture("insomnia.har")).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("note: UNLEASHED_API_ID is not set: api-auth-id is checked only for its shape"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["ok"], 2);

    let output = Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_KEY", KEY)
        .args(["verify", "--api-id", OTHER_ID, "--har"])
        .arg(fixture("insomnia.har"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "--api-id wins over the environment");
    assert!(String::from_utf8(output.stdout).unwrap().contains("another account's id"));
    let output = Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_KEY", KEY)
        .args(["verify", "--format", "json", "Customers", "-s", "x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "--format is for captures");
}
