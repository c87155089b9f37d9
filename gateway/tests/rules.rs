//! The rules that keep the gateway from being a signing oracle or an open proxy, each checked against the
//! binary: writes gated, no client header injection, no other host contacted (absolute form, CONNECT, Host,
//! redirects), the token, the refused start, and no secret in the logs.

mod support;

use support::{
    Canary, Gateway, ID, KEY, Mock, Scripted, Step, curl, gateway_command, get, raw, request_lines, response, scratch,
};

#[test]
fn writes_are_refused_unless_allowed_and_then_forwarded_intact() {
    let dir = scratch("writes");
    let record = dir.join("record");
    let mock = Mock::start("decoded", &["--record", record.to_str().unwrap()]);
    let read_only = Gateway::start(&mock.base(), KEY, &[]);
    let body = "{\"OrderNumber\":\"SO-1\",\"Note\":\"caf\u{e9} & more\"}";
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let (status, text) =
            curl(&["-X", method, "--data-binary", body, &format!("{}/SalesOrders", read_only.base)]).unwrap();
        assert_eq!(status, 405, "{method}: {text}");
        if method != "PATCH" {
            assert!(text.contains("--allow-writes"), "{method}: {text}");
        }
    }
    assert!(!record.exists(), "nothing reached the upstream");

    let writable = Gateway::start(&mock.base(), KEY, &["--allow-writes"]);
    for method in ["POST", "PUT", "DELETE"] {
        let url = format!("{}/SalesOrders/SO-1?note=a%20b", writable.base);
        let (status, text) =
            curl(&["-X", method, "-H", "Content-Type: application/json", "--data-binary", body, &url]).unwrap();
        assert_eq!(status, 200, "{method}: {text}");
        let reply = support::Reply { status, head: String::new(), body: text.into_bytes() };
        let hex: String = body.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(reply.field("body"), hex, "{method}: the body arrives intact");
        assert_eq!(reply.field("target"), "/SalesOrders/SO-1?note=a%20b");
        assert_eq!(reply.field("message"), "6e6f74653d612062", "signed on the query (decoded): note=a b");
    }
    let (status, _) = curl(&["-X", "PATCH", "--data-binary", body, &format!("{}/SalesOrders", writable.base)]).unwrap();
    assert_eq!(status, 405, "PATCH is never forwarded");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn client_signing_headers_and_every_other_client_header_are_dropped() {
    let dir = scratch("headers");
    let record = dir.join("record");
    let mock = Mock::start("decoded", &["--record", record.to_str().unwrap()]);
    let gateway = Gateway::start(&mock.base(), KEY, &[]);
    let injected = [
        "api-auth-id: ffffffff-ffff-ffff-ffff-ffffffffffff",
        "api-auth-signature: INJECTEDINJECTEDINJECTEDINJECTEDINJECTEDINJ=",
        "API-Auth-Signature: SECONDINJECTEDSECONDINJECTEDSECONDINJECTED1=",
        "client-type: injected/client",
        "Authorization: Basic aW5qZWN0ZWQ6eA==",
        "Cookie: injected=1",
        "X-Forwarded-For: 203.0.113.9",
        "Accept-Encoding: gzip",
    ];
    let reply = get(gateway.addr, "/Customers?customerCode=ACME", &injected);
    assert_eq!(reply.status, 200, "signed by the gateway, whatever the client sent: {}", reply.text());
    assert_eq!(
        reply.field("header-names"),
        "api-auth-id,api-auth-signature,client-type,accept,content-type,user-agent,host",
        "exactly the gateway's headers"
    );
    // A body on a read is not forwarded either.
    let request =
        "GET /Customers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12\r\nConnection: close\r\n\r\nINJECTEDBODY";
    let reply = raw(gateway.addr, request.as_bytes()).unwrap();
    assert_eq!((reply.status, reply.field("body")), (200, String::new()), "{}", reply.text());
    let seen = String::from_utf8_lossy(&std::fs::read(&record).unwrap()).into_owned();
    for needle in ["ffffffff-ffff", "INJECTED", "injected", "203.0.113.9", "gzip"] {
        assert!(!seen.contains(needle), "{needle} reached the upstream:\n{seen}");
    }
    assert!(seen.contains(&format!("api-auth-id: {ID}")), "{seen}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_request_makes_the_gateway_contact_another_host() {
    let canary = Canary::start();
    let elsewhere = format!("http://{}/x", canary.addr);
    let upstream = Scripted::start(move |target| match target {
        "/Moved" => vec![Step::Send(response("302 Found", &[&format!("Location: {elsewhere}")], ""))],
        "/Temp" => vec![Step::Send(response("307 Temporary Redirect", &[&format!("Location: {elsewhere}")], ""))],
        _ => vec![Step::Send(response("200 OK", &[], "upstream"))],
    });
    let gateway = Gateway::start(&upstream.base(), KEY, &["--allow-writes"]);
    let canary_host = canary.addr.to_string();

    let absolute =
        format!("GET http://{canary_host}/Customers HTTP/1.1\r\nHost: {canary_host}\r\nConnection: close\r\n\r\n");
    let reply = raw(gateway.addr, absolute.as_bytes()).unwrap();
    assert_eq!(reply.status, 400, "absolute form: {}", reply.text());
    assert!(reply.text().contains("not a proxy"));
    let connect = format!("CONNECT {canary_host} HTTP/1.1\r\nHost: {canary_host}\r\nConnection: close\r\n\r\n");
    let reply = raw(gateway.addr, connect.as_bytes());
    assert!(reply.as_ref().is_none_or(|r| r.status == 405 || r.status == 400), "CONNECT: {reply:?}");

    // A Host naming another loopback port is served, but from the configured upstream only.
    let reply = raw(
        gateway.addr,
        format!("GET /Customers HTTP/1.1\r\nHost: {canary_host}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(reply.unwrap().text(), "upstream");
    let reply = get(gateway.addr, "/Customers", &[]);
    assert_eq!(reply.text(), "upstream");
    let reply =
        raw(gateway.addr, b"GET /Customers HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").unwrap();
    assert_eq!(reply.status, 400, "a Host that is not loopback (DNS rebinding)");

    for (path, status) in [("/Moved", 302), ("/Temp", 307)] {
        let reply = get(gateway.addr, path, &[]);
        assert_eq!(reply.status, status, "a redirect is passed back");
        assert_eq!(reply.header("location").unwrap(), format!("http://{canary_host}/x"));
    }
    let heads = upstream.heads();
    assert_eq!(heads.len(), 4, "{heads:?}");
    let upstream_host = format!("host: {}", upstream.addr);
    assert!(heads.iter().all(|h| h.to_ascii_lowercase().contains(&upstream_host)), "{heads:?}");
    assert_eq!(canary.connections(), 0, "nothing connected to the other host");
}

#[test]
fn with_a_token_every_request_needs_it_and_it_is_never_forwarded() {
    let dir = scratch("token");
    let token = "s3cr3t-t0ken-0123456789abcdefXYZ";
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let record = dir.join("record");
    let mock = Mock::start("decoded", &["--record", record.to_str().unwrap()]);
    let gateway = Gateway::start(&mock.base(), KEY, &["--token-file", token_file.to_str().unwrap()]);
    for path in ["/Customers", "/_gateway/health", "/_all/Customers"] {
        assert_eq!(get(gateway.addr, path, &[]).status, 401, "{path} without a token");
        let wrong = get(gateway.addr, path, &["Authorization: Bearer s3cr3t-t0ken-0123456789abcdefXYz"]);
        assert_eq!(wrong.status, 401, "{path} with another token");
    }
    assert!(!record.exists(), "nothing reached the upstream without the token");
    let bearer = format!("Authorization: Bearer {token}");
    assert_eq!(get(gateway.addr, "/_gateway/health", &[&bearer]).status, 200);
    let reply = get(gateway.addr, "/Customers?customerCode=ACME", &[&bearer, "Host: gateway.example"]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(!reply.field("header-names").to_ascii_lowercase().contains("authorization"));
    let seen = String::from_utf8_lossy(&std::fs::read(&record).unwrap()).into_owned();
    assert!(!seen.contains(token) && !seen.to_ascii_lowercase().contains("authorization"), "{seen}");
    assert!(!gateway.wait_for_log_lines(8).contains(token));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unsafe_starts_are_refused_with_exit_code_2() {
    let dir = scratch("refused-start");
    let token_file = dir.join("short");
    std::fs::write(&token_file, "short\n").unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["--listen", "0.0.0.0:0"], "--token-file"),
        (&["--listen", "[::]:0"], "--token-file"),
        (&["--upstream", "http://api.unleashedsoftware.com"], "unencrypted"),
        (&["--upstream", "https://api.unleashedsoftware.com/v1"], "path"),
        (&["--listen", "0.0.0.0:0", "--token-file", token_file.to_str().unwrap()], "at least 16"),
    ];
    for (args, says) in cases {
        let output = gateway_command(KEY, args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?} never listened");
        assert!(stderr.starts_with("unleashed-gateway: error: ") && stderr.contains(says), "{args:?}: {stderr}");
    }
    let output = gateway_command(KEY, &[]).env_remove("UNLEASHED_API_ID").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("UNLEASHED_API_ID is not set"));
    let output = gateway_command("key with a trailing newline\n", &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("UNLEASHED_API_KEY: ") && !stderr.contains("key with a trailing"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_key_file_is_read_as_the_cli_reads_it() {
    let dir = scratch("key-file");
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mock = Mock::start("decoded", &[]);
    let mut command = gateway_command("", &["--listen", "127.0.0.1:0", "--upstream", &mock.base()]);
    command.arg("--key-file").arg(&key_file).env_remove("UNLEASHED_API_KEY");
    let gateway = Gateway::start_with(command);
    assert_eq!(get(gateway.addr, "/Customers?customerCode=ACME", &[]).status, 200);
    #[cfg(unix)]
    assert!(gateway.stderr().contains("warning: permissions 0644 for the key file"), "{}", gateway.stderr());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_full_run_leaves_no_secret_in_the_logs_and_one_line_per_request() {
    let dir = scratch("secrets");
    let token = "T0ken-for-the-log-test-0123456789";
    let token_file = dir.join("token");
    std::fs::write(&token_file, token).unwrap();
    let record = dir.join("record");
    let mock = Mock::start("decoded", &["--record", record.to_str().unwrap(), "--list-items", "250"]);
    let args = ["--token-file", token_file.to_str().unwrap(), "--allow-writes", "--log-format", "json"];
    let gateway = Gateway::start(&mock.base(), KEY, &args);
    let bearer = format!("Authorization: Bearer {token}");
    let mut sent = 0;
    for target in [
        "/Customers?customerCode=ACME",
        "/Customers?customerName=Acme%20%26%20Sons",
        "/_all/Customers?pageSize=100",
        "/_gateway/health",
        "/Nope?%zz",
    ] {
        get(gateway.addr, target, &[&bearer]);
        sent += 1;
    }
    let url = format!("{}/SalesOrders", gateway.base);
    assert_eq!(curl(&["-H", &bearer, "--data-binary", "{}", &url]).unwrap().0, 200);
    assert_eq!(get(gateway.addr, "/Customers", &["Authorization: Bearer wrong-token-0123456789"]).status, 401);
    assert_eq!(get(gateway.addr, "/../x", &[&bearer]).status, 400);
    sent += 3;
    // And a 403 from a gateway with the wrong key, in the same log.
    let wrong = Gateway::start(&mock.base(), support::OTHER_KEY, &["--log-format", "json"]);
    assert_eq!(get(wrong.addr, "/Customers?x=1", &[]).status, 403);

    let log = gateway.wait_for_log_lines(sent);
    let lines = request_lines(&log);
    assert_eq!(lines.len(), sent, "one line per request:\n{log}");
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        for field in ["method", "path", "status", "upstream_calls", "upstream_ms", "bytes"] {
            assert!(value.get(field).is_some(), "{field} in {line}");
        }
    }
    let all = format!("{log}{}", wrong.wait_for_log_lines(1));
    // Every signature the upstream received, from its record of the raw requests.
    let recorded = String::from_utf8_lossy(&std::fs::read(&record).unwrap()).into_owned();
    let signatures: Vec<&str> =
        recorded.lines().filter_map(|l| l.strip_prefix("api-auth-signature: ")).map(str::trim).collect();
    assert!(signatures.len() >= 7, "{recorded}");
    for signature in &signatures {
        assert!(!all.contains(signature), "a signature in the log: {signature}\n{all}");
    }
    for secret in [KEY, support::OTHER_KEY, token, &KEY[..20], &token[..12]] {
        assert!(!all.contains(secret), "a secret in the log:\n{all}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
