//! Bad input and bad upstreams: each gets a 4xx or 5xx or a closed connection, and the next normal request is
//! served. Also retries after 429/503, a failing page of `/_all/`, and graceful shutdown.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use support::{Gateway, KEY, Mock, PATIENCE, Scripted, Step, curl, get, list_page, raw, request_lines, response};

/// The next normal request is served.
fn still_serves(addr: SocketAddr) {
    let reply = get(addr, "/Customers?customerCode=ACME", &[]);
    assert_eq!(reply.status, 200, "the next normal request: {}", reply.text());
}

#[test]
fn dot_segments_control_characters_bare_cr_and_huge_headers_are_refused() {
    let mock = Mock::start("decoded", &[]);
    let gateway = Gateway::start(&mock.base(), KEY, &[]);
    for target in ["/../etc/passwd", "/Customers/../SalesOrders", "/%2e%2e/Customers", "/a%00b", "/a%0d%0aX:%20y"] {
        let reply = get(gateway.addr, target, &[]);
        assert_eq!(reply.status, 400, "{target}: {}", reply.text());
        still_serves(gateway.addr);
    }
    let bare_cr = b"GET /Customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rInjected: b\r\nConnection: close\r\n\r\n";
    let reply = raw(gateway.addr, bare_cr);
    assert!(reply.as_ref().is_none_or(|r| r.status == 400), "bare CR: {reply:?}");
    still_serves(gateway.addr);
    let control = b"GET /Cust\x01omers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let reply = raw(gateway.addr, control);
    assert!(reply.as_ref().is_none_or(|r| r.status == 400), "raw control byte: {reply:?}");
    still_serves(gateway.addr);
    let huge = format!(
        "GET /Customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    let large = format!("X-Large: {}", "b".repeat(16 * 1024));
    assert_eq!(get(gateway.addr, "/Customers?customerCode=ACME", &[&large]).status, 200, "a 16 KB header is fine");
    let reply = raw(gateway.addr, huge.as_bytes());
    assert!(reply.as_ref().is_none_or(|r| r.status == 431 || r.status == 400), "100 KB header: {reply:?}");
    still_serves(gateway.addr);
    let reply = get(gateway.addr, "/Customers?bad=%zz", &[]);
    assert_eq!(reply.status, 400, "an unsignable query");
    assert!(reply.text().contains("%25"));
}

#[test]
fn a_half_request_and_an_idle_connection_are_closed_after_the_header_timeout() {
    let mock = Mock::start("decoded", &[]);
    let gateway = Gateway::start(&mock.base(), KEY, &["--header-timeout", "2"]);
    let mut slow = TcpStream::connect(gateway.addr).unwrap();
    slow.set_read_timeout(Some(PATIENCE)).unwrap();
    slow.write_all(b"GET /Customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1500) && waited < PATIENCE, "closed after {waited:?}");
    assert!(rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&rest));
    still_serves(gateway.addr);

    // A kept-alive connection that sends nothing more is closed too.
    let mut idle = TcpStream::connect(gateway.addr).unwrap();
    idle.set_read_timeout(Some(PATIENCE)).unwrap();
    idle.write_all(b"GET /_gateway/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let started = Instant::now();
    let mut all = Vec::new();
    let _ = idle.read_to_end(&mut all);
    assert!(all.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&all));
    assert!(started.elapsed() < PATIENCE, "the idle connection was closed");
    still_serves(gateway.addr);
}

#[test]
fn an_upstream_that_hangs_or_breaks_gets_an_error_and_the_gateway_goes_on() {
    let upstream = Scripted::start(|target| match target {
        "/Hang" => vec![Step::Sleep(Duration::from_secs(30))],
        "/HangMidBody" => vec![
            Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".to_vec()),
            Step::Sleep(Duration::from_secs(30)),
        ],
        "/CloseMidBody" => {
            vec![Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".to_vec()), Step::Close]
        }
        "/CloseEarly" => vec![Step::Close],
        _ => vec![Step::Send(response("200 OK", &[], "fine"))],
    });
    let gateway = Gateway::start(&upstream.base(), KEY, &["--upstream-timeout", "2"]);
    let normal = |gateway: &Gateway| assert_eq!(get(gateway.addr, "/ok", &[]).text(), "fine");
    let reply = get(gateway.addr, "/Hang", &[]);
    assert_eq!(reply.status, 504, "{}", reply.text());
    normal(&gateway);
    let reply = get(gateway.addr, "/CloseEarly", &[]);
    assert_eq!(reply.status, 502, "{}", reply.text());
    assert!(
        reply.text().starts_with("the upstream could not be reached (client error ("),
        "the cause: {}",
        reply.text()
    );
    normal(&gateway);
    for path in ["/HangMidBody", "/CloseMidBody"] {
        // The status was sent before the body broke: the client sees the response cut short (curl: error 18).
        assert_eq!(curl(&[&format!("{}{path}", gateway.base)]), None, "{path}");
        normal(&gateway);
    }
    let log = gateway.wait_for_log_lines(8);
    let lines = request_lines(&log);
    assert!(lines.iter().any(|l| l.starts_with("GET /Hang 504") && l.contains("did not answer within 2 s")), "{log}");
    assert!(lines.iter().any(|l| l.starts_with("GET /HangMidBody 200") && l.contains("cut short")), "{log}");
    assert!(lines.iter().any(|l| l.starts_with("GET /CloseMidBody 200") && l.contains("cut short")), "{log}");
}

#[test]
fn a_failing_page_fails_the_whole_list() {
    let upstream = Scripted::start(|target| {
        let page = |n, from, to| vec![Step::Send(response("200 OK", &[], &list_page(n, 3, from, to)))];
        match target.split('?').next().unwrap() {
            "/Good/1" => page(1, 1, 2),
            "/Good/2" => page(2, 3, 4),
            "/Good/3" => page(3, 5, 5),
            "/Bad/1" => page(1, 1, 2),
            "/Bad/2" => vec![Step::Send(response("500 Internal Server Error", &[], "broken"))],
            "/Cut/1" => page(1, 1, 2),
            "/Cut/2" => {
                vec![Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Items\":[".to_vec()), Step::Close]
            }
            "/First/1" => vec![Step::Send(response("503 Service Unavailable", &[], "down"))],
            "/Empty/1" => vec![Step::Send(response("500 Internal Server Error", &[], ""))],
            "/NotAList/1" => vec![Step::Send(response("200 OK", &[], "<html/>"))],
            _ => vec![Step::Send(response("404 Not Found", &[], ""))],
        }
    });
    for concurrency in ["1", "2"] {
        let gateway = Gateway::start(&upstream.base(), KEY, &["--page-concurrency", concurrency]);
        let (status, body) = curl(&[&format!("{}/_all/Good", gateway.base)]).unwrap();
        assert_eq!(status, 200);
        let document: serde_json::Value = serde_json::from_str(&body).unwrap();
        let indexes: Vec<u64> =
            document["Items"].as_array().unwrap().iter().map(|i| i["Index"].as_u64().unwrap()).collect();
        assert_eq!(indexes, [1, 2, 3, 4, 5]);
        for path in ["/_all/Bad", "/_all/Cut"] {
            assert_eq!(curl(&[&format!("{}{path}", gateway.base)]), None, "{path}: never a silent partial list");
        }
        let reply = get(gateway.addr, "/_all/First", &[]);
        assert_eq!((reply.status, reply.text().as_str()), (503, "down"), "the first page's status and body");
        assert_eq!(reply.header("x-unleashed-gateway-hint"), None, "the 403 hint is for 403 only");
        let reply = get(gateway.addr, "/_all/Empty", &[]);
        assert_eq!((reply.status, reply.text().as_str()), (500, ""), "an empty body stays empty but for a 403");
        let reply = get(gateway.addr, "/_all/NotAList", &[]);
        assert_eq!(reply.status, 502);
        assert!(reply.text().contains("not a list"), "{}", reply.text());
        let log = gateway.wait_for_log_lines(5);
        assert!(log.contains("page 2: upstream answered 500 Internal Server Error"), "{log}");
    }
}

#[test]
fn pages_are_fetched_at_most_n_at_a_time_in_order_and_empty_or_large_pages_merge() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let big_note = "n".repeat(1_500_000);
    let upstream = Scripted::start({
        let (now, most) = (now.clone(), most.clone());
        move |target| {
            let path = target.split('?').next().unwrap();
            let slow = |n: u64| {
                // Counts the pages being answered at once.
                let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(at_once, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(1000));
                now.fetch_sub(1, Ordering::SeqCst);
                vec![Step::Send(response("200 OK", &[], &list_page(n, 6, n, n)))]
            };
            let send = |body: String| vec![Step::Send(response("200 OK", &[], &body))];
            match path.rsplit_once('/').unwrap() {
                ("/Slow", n) => slow(n.parse().unwrap()),
                // Empty pages anywhere: the first, one in the middle.
                ("/Sparse", "1") => send(list_page(1, 4, 1, 0)),
                ("/Sparse", "2") => send(list_page(2, 4, 1, 2)),
                ("/Sparse", "3") => send(list_page(3, 4, 1, 0)),
                ("/Sparse", "4") => send(list_page(4, 4, 3, 3)),
                ("/Big", "1") => send(list_page(1, 2, 1, 1)),
                ("/Big", _) => send(format!(
                    "{{\"Pagination\":{{\"NumberOfPages\":2}},\"Items\":[{{\"Index\":2,\"Notes\":\"{big_note}\"}}]}}"
                )),
                _ => vec![Step::Send(response("404 Not Found", &[], ""))],
            }
        }
    });
    let indexes = |body: &str| -> Vec<u64> {
        let document: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:.200}"));
        assert_eq!(
            document["Pagination"]["NumberOfItems"].as_u64().unwrap() as usize,
            document["Items"].as_array().unwrap().len()
        );
        document["Items"].as_array().unwrap().iter().map(|i| i["Index"].as_u64().unwrap()).collect()
    };
    for concurrency in [1, 3] {
        let gateway = Gateway::start(&upstream.base(), KEY, &["--page-concurrency", &concurrency.to_string()]);
        most.store(0, Ordering::SeqCst);
        let (status, body) = curl(&[&format!("{}/_all/Slow", gateway.base)]).unwrap();
        assert_eq!((status, indexes(&body)), (200, vec![1, 2, 3, 4, 5, 6]));
        // Page 1 alone, then pages 2..6 with at most `concurrency` at once: exactly that many, given the 1 s each takes.
        assert_eq!(most.load(Ordering::SeqCst), concurrency, "pages answered at once");
        let (status, body) = curl(&[&format!("{}/_all/Sparse", gateway.base)]).unwrap();
        assert_eq!((status, indexes(&body)), (200, vec![1, 2, 3]), "{body}");
        let (status, body) = curl(&[&format!("{}/_all/Big", gateway.base)]).unwrap();
        assert_eq!((status, indexes(&body)), (200, vec![1, 2]), "a 1.5 MB page");
    }
}

#[test]
fn the_pages_still_in_flight_are_abandoned_when_a_page_fails() {
    let upstream = Scripted::start(|target| match target.split('?').next().unwrap() {
        "/Stop/1" => vec![Step::Send(response("200 OK", &[], &list_page(1, 3, 1, 1)))],
        "/Stop/2" => vec![Step::Send(response("500 Internal Server Error", &[], "broken"))],
        "/Stop/3" => {
            vec![Step::Sleep(Duration::from_secs(2)), Step::Send(response("200 OK", &[], &list_page(3, 3, 3, 3)))]
        }
        _ => vec![Step::Send(response("404 Not Found", &[], ""))],
    });
    let gateway = Gateway::start(&upstream.base(), KEY, &["--page-concurrency", "2"]);
    assert_eq!(curl(&[&format!("{}/_all/Stop", gateway.base)]), None);
    // Page 3's fetch was aborted, so its connection is dropped rather than kept in the pool (for 50 s) after the
    // answer: the upstream sees it end once it has answered.
    let deadline = Instant::now() + PATIENCE;
    while upstream.closed.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "page 3's connection was kept: its fetch went on after page 2 failed");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(upstream.heads().len(), 3);
}

#[test]
fn write_bodies_are_limited_and_a_broken_one_is_refused() {
    let mock = Mock::start("decoded", &[]);
    let gateway = Gateway::start(&mock.base(), KEY, &["--allow-writes", "--max-body", "16"]);
    let url = format!("{}/SalesOrders", gateway.base);
    let (status, body) = curl(&["--data-binary", "0123456789abcdef", &url]).unwrap();
    assert_eq!(status, 200, "16 bytes: {body}");
    let (status, body) = curl(&["--data-binary", "0123456789abcdefg", &url]).unwrap();
    assert_eq!(status, 413, "17 bytes: {body}");
    assert!(body.contains("--max-body (16 bytes)"), "{body}");
    // A body that ends before its Content-Length: the client shuts its side, and waits for the answer.
    let mut stream = TcpStream::connect(gateway.addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(b"POST /SalesOrders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n01234").unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let reply = support::parse_reply(&answer);
    assert_eq!(reply.as_ref().map(|r| r.status), Some(400), "a cut body: {reply:?}");
    still_serves(gateway.addr);
}

#[test]
fn log_lines_count_bytes_and_say_when_the_client_went_away() {
    let upstream = Scripted::start(|target| match target.split('?').next().unwrap() {
        "/Empty" => vec![Step::Send(response("200 OK", &[], ""))],
        "/Stream/1" => vec![Step::Send(response("200 OK", &[], &list_page(1, 2, 1, 1)))],
        "/Stream/2" => {
            vec![Step::Sleep(Duration::from_secs(2)), Step::Send(response("200 OK", &[], &list_page(2, 2, 2, 2)))]
        }
        _ => vec![Step::Send(response("200 OK", &[], "fine"))],
    });
    let gateway = Gateway::start(&upstream.base(), KEY, &[]);
    let health = get(gateway.addr, "/_gateway/health", &[]);
    assert_eq!(health.header("content-length").as_deref(), Some("3"), "a sized body, not chunked: {}", health.head);
    assert_eq!(get(gateway.addr, "/Empty", &[]).status, 200);
    assert_eq!(get(gateway.addr, "/ok", &[]).text(), "fine");
    // A client that reads the status line of a list and leaves.
    let mut leaving = TcpStream::connect(gateway.addr).unwrap();
    leaving.set_read_timeout(Some(PATIENCE)).unwrap();
    leaving.write_all(b"GET /_all/Stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    leaving.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    drop(leaving);
    let log = gateway.wait_for_log_lines(4);
    let lines = request_lines(&log);
    let line = |start: &str| *lines.iter().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("{start}: {log}"));
    assert!(line("GET /_gateway/health 200 ").ends_with(" bytes=3"), "{log}");
    assert!(line("GET /Empty 200 ").ends_with(" bytes=0"), "no note on a finished empty body: {log}");
    assert!(line("GET /ok 200 ").ends_with(" bytes=4"), "{log}");
    let left = line("GET /_all/Stream 200 ");
    assert!(left.ends_with("note=\"the client went away before the response ended\""), "{log}");
}

#[test]
fn reads_are_retried_after_429_and_503_with_retry_after_and_writes_are_not() {
    let upstream = Scripted::start({
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        move |target| {
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            match target {
                "/Busy" | "/Down" if n.is_multiple_of(2) => {
                    let status = if target == "/Busy" { "429 Too Many Requests" } else { "503 Service Unavailable" };
                    vec![Step::Send(response(status, &["Retry-After: 1"], "wait"))]
                }
                "/BusyWrite" => vec![Step::Send(response("429 Too Many Requests", &["Retry-After: 1"], "wait"))],
                "/Long" => vec![Step::Send(response("429 Too Many Requests", &["Retry-After: 3600"], "later"))],
                "/Always" => vec![Step::Send(response("429 Too Many Requests", &["Retry-After: 0"], "never"))],
                _ => vec![Step::Send(response("200 OK", &[], "done"))],
            }
        }
    });
    let gateway = Gateway::start(&upstream.base(), KEY, &["--allow-writes", "--retries", "2"]);
    for path in ["/Busy", "/Down"] {
        let before = upstream.heads().len();
        let reply = get(gateway.addr, path, &[]);
        assert_eq!((reply.status, reply.text().as_str()), (200, "done"), "{path}");
        assert_eq!(upstream.heads().len() - before, 2, "{path}: one retry");
    }
    let before = upstream.heads().len();
    assert_eq!(get(gateway.addr, "/Always", &[]).status, 429);
    assert_eq!(upstream.heads().len() - before, 3, "two retries, then the 429 goes back");
    let before = upstream.heads().len();
    assert_eq!(get(gateway.addr, "/Long", &[]).status, 429, "Retry-After beyond --retry-max-wait");
    assert_eq!(upstream.heads().len() - before, 1);
    let before = upstream.heads().len();
    let (status, body) = curl(&["-X", "POST", "--data-binary", "{}", &format!("{}/BusyWrite", gateway.base)]).unwrap();
    assert_eq!((status, body.as_str()), (429, "wait"));
    assert_eq!(upstream.heads().len() - before, 1, "a write is sent once");
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let upstream = Scripted::start(|target| match target {
        "/Slow" => vec![Step::Sleep(Duration::from_secs(2)), Step::Send(response("200 OK", &[], "finished"))],
        _ => vec![Step::Send(response("200 OK", &[], "fine"))],
    });
    let mut gateway = Gateway::start(&upstream.base(), KEY, &[]);
    let addr = gateway.addr;
    let in_flight = std::thread::spawn(move || get(addr, "/Slow", &[]));
    let deadline = Instant::now() + PATIENCE;
    while upstream.heads().is_empty() {
        assert!(Instant::now() < deadline, "the request never reached the upstream");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = gateway.terminate();
    assert!(status.success(), "{status:?}");
    let reply = in_flight.join().unwrap();
    assert_eq!((reply.status, reply.text().as_str()), (200, "finished"));
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
    assert!(gateway.stderr().contains("unleashed-gateway: stopped"));
}
