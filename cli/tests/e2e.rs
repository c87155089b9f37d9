//! End to end: real HTTP clients against a loopback mock of the Unleashed API that checks signatures with
//! Python's `hmac` (`testing/mock_unleashed.py`), in the decoded form and, in a second mode, the wire form.
//!
//! Clients: the `curl` command that `unleashed-sign curl` prints, run by the real `curl`; `ureq` with headers
//! from the core; and Python's `urllib` with headers from the C ABI through the Python package in
//! `bindings/python/`. Without `python3` or `curl` these tests fail: they are never skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use assert_cmd::cargo::cargo_bin;
mod support;

use support::{Mock, borrowed, e2e_cases};
use unleashed_signer::{ApiId, ClientType, QueryBuilder, RequestHeaders, SignedForm, SigningKey};

/// Made up, in the shape of a real key: 84 base64-alphabet characters and `==`.
const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
/// Another made-up key of the same shape, for "wrong key".
const OTHER_KEY: &str = "OtHeRkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY00==";
const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const CLIENT: &str = "acme/orderautomation";

/// Runs `unleashed-sign` with the made-up credentials in the environment (the key given).
fn unleashed_sign(key: &str, args: &[&str]) -> Output {
    Command::new(cargo_bin!("unleashed-sign"))
        .env("UNLEASHED_API_ID", ID)
        .env("UNLEASHED_API_KEY", key)
        .env("UNLEASHED_CLIENT_TYPE", CLIENT)
        .args(args)
        .output()
        .expect("unleashed-sign runs")
}

/// The curl command line `unleashed-sign curl` prints.
fn curl_line(key: &str, form: &str, url: &str, params: &[(&str, &str)], extra: &[&str]) -> String {
    let params: Vec<String> = params.iter().map(|(name, value)| format!("{name}={value}")).collect();
    let mut args = vec!["--signed-form", form, "curl"];
    args.extend(extra);
    args.push(url);
    args.extend(params.iter().map(String::as_str));
    let output = unleashed_sign(key, &args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let line = String::from_utf8(output.stdout).unwrap();
    assert_eq!(line.lines().count(), 1, "{line}");
    line.trim_end().to_owned()
}

/// A response: status and body.
struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    /// The value of one `name value` line of the mock's 200 body.
    fn field(&self, name: &str) -> &str {
        self.body.lines().find_map(|line| line.strip_prefix(&format!("{name} "))).unwrap_or("")
    }
}

/// Runs a printed curl command with a POSIX shell, as a user pasting it would, adding only status output.
fn run_curl(line: &str) -> Reply {
    let script = format!("{line} --silent --show-error --write-out '\\n%{{http_code}}'");
    let output = Command::new("sh").arg("-c").arg(&script).output().expect("sh runs");
    assert!(output.status.success(), "curl failed (is curl installed?): {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').expect("status line");
    Reply { status: status.parse().expect("HTTP status"), body: body.to_owned() }
}

/// Sends a GET with `ureq`, headers and query from the core, signed with `key` in `form`.
fn ureq_get(mock: &Mock, key: &SigningKey, form: SignedForm, path: &str, params: &[(&str, &str)]) -> (Reply, String) {
    let mut buf = vec![0u8; 4096];
    let mut query = QueryBuilder::new(&mut buf);
    for (name, value) in params {
        query.push(name, value).unwrap();
    }
    let signed = query.sign(key, form);
    let target = format!("{path}?{}", signed.query);
    let id = ApiId::parse(ID).unwrap();
    let headers = RequestHeaders::new(&id, ClientType::parse(CLIENT).unwrap(), signed.signature);
    (send_ureq(mock, &target, headers), target)
}

fn send_ureq(mock: &Mock, target: &str, headers: RequestHeaders<'_>) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut request = agent.get(format!("{}{target}", mock.base()));
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    let mut response = request.call().expect("the mock answers");
    let status = response.status().as_u16();
    Reply { status, body: response.body_mut().read_to_string().unwrap() }
}

/// `name=value&...` as a person writes it: what the decoded form signs.
fn decoded(params: &[(&str, &str)]) -> String {
    params.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_query_gets_200_from_curl_and_ureq_in_both_forms() {
    for (form_name, form) in [("decoded", SignedForm::Decoded), ("wire", SignedForm::Wire)] {
        let mock = Mock::start(form_name, ID, KEY, None);
        let key = SigningKey::from_text(KEY).unwrap();
        for case in e2e_cases() {
            let params = &borrowed(&case)[..];
            let line = curl_line(KEY, form_name, &format!("{}/Customers", mock.base()), params, &[]);
            let reply = run_curl(&line);
            assert_eq!(reply.status, 200, "curl, {form_name} form, {params:?}\n{line}");
            if form == SignedForm::Decoded {
                assert_eq!(reply.field("message"), hex(decoded(params).as_bytes()), "{params:?}");
            }

            let (reply, target) = ureq_get(&mock, &key, form, "/SalesOrders/2", params);
            assert_eq!(reply.status, 200, "ureq, {form_name} form, {params:?}");
            assert_eq!(reply.field("target"), target, "ureq sends the path and query bytes as given");
            let names = reply.field("header-names");
            for name in ["api-auth-id", "api-auth-signature", "client-type"] {
                assert!(names.split(',').any(|n| n == name), "ureq sends {name} as written: {names}");
            }
            for name in ["Accept", "Content-Type"] {
                // HTTP header names are case-insensitive; ureq (the http crate) sends them lowercase.
                assert!(names.split(',').any(|n| n.eq_ignore_ascii_case(name)), "{name}: {names}");
            }
        }
    }
}

#[test]
fn curl_sends_a_body_from_a_file_as_it_is() {
    let mock = Mock::start("decoded", ID, KEY, None);
    let dir = std::env::temp_dir().join(format!("unleashed-sign-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = "{\"orderNumber\": \"SO-1\",\r\n \"comments\": \"caf\u{e9} & more\"}\n";
    let file = dir.join("order's body.json");
    std::fs::write(&file, body).unwrap();
    let data = format!("@{}", file.display());
    let line = curl_line(KEY, "decoded", &format!("{}/SalesOrders/Sign", mock.base()), &[], &["--data", &data]);
    let reply = run_curl(&line);
    assert_eq!(reply.status, 200, "{line}");
    assert_eq!(reply.field("body"), hex(body.as_bytes()), "the body arrives byte for byte");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_requests_get_403_and_verify_names_the_trailing_newline() {
    let mock = Mock::start("decoded", ID, KEY, None);
    let url = format!("{}/Customers", mock.base());
    let params = [("customerCode", "ACME"), ("modifiedSince", "2024-01-01T00:00:00")];

    let line = curl_line(KEY, "decoded", &url, &params, &[]);
    assert_eq!(run_curl(&line).status, 200, "the untampered request passes: {line}");
    let tampered = line.replace("customerCode=ACME", "customerCode=ACMF");
    assert_ne!(tampered, line);
    assert_eq!(run_curl(&tampered).status, 403, "tampered query");

    assert_eq!(run_curl(&curl_line(OTHER_KEY, "decoded", &url, &params, &[])).status, 403, "wrong key");

    // A client that read the key with its trailing newline.
    let sloppy = SigningKey::from_bytes(format!("{KEY}\n").as_bytes()).unwrap();
    let (reply, target) = ureq_get(&mock, &sloppy, SignedForm::Decoded, "/Customers", &params);
    assert_eq!(reply.status, 403, "key with a trailing newline");
    let signature = sloppy.sign(decoded(&params).as_bytes()).to_string();
    let output = unleashed_sign(KEY, &["verify", &format!("{}{target}", mock.base()), "--signature", &signature]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Cause: the signature was made with the API key plus a trailing newline"), "{text}");
}

#[test]
fn a_wire_form_server_rejects_a_decoded_signature_and_verify_says_so() {
    let mock = Mock::start("wire", ID, KEY, None);
    let params = [("customerName", "Acme Sons & Daughters")];
    let line = curl_line(KEY, "decoded", &format!("{}/Customers", mock.base()), &params, &[]);
    assert_eq!(run_curl(&line).status, 403, "decoded signature, wire server, query with spaces: {line}");

    let signature = SigningKey::from_text(KEY).unwrap().sign(decoded(&params).as_bytes()).to_string();
    let url = "/Customers?customerName=Acme%20Sons%20%26%20Daughters";
    let output = unleashed_sign(KEY, &["verify", "--signed-form", "wire", url, "--signature", &signature]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Cause: the decoded form of the query was signed, where the wire form is checked"), "{text}");
}

/// Builds the C ABI's shared library into this test's target directory and profile, once, and returns its path.
fn shared_library() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        // This test binary is <target>/<profile>/deps/e2e-*: following it honours CARGO_TARGET_DIR and --release.
        let exe = std::env::current_exe().unwrap();
        let profile = exe.parent().and_then(Path::parent).expect("<target>/<profile>/deps").to_path_buf();
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["build", "--quiet", "-p", "unleashed-signer-ffi", "--target-dir"]).arg(profile.parent().unwrap());
        if profile.file_name().is_some_and(|name| name == "release") {
            cargo.arg("--release");
        }
        let status = cargo.status().expect("cargo runs");
        assert!(status.success(), "cargo build -p unleashed-signer-ffi failed");
        let library = profile.join("libunleashed_signer_ffi.so");
        assert!(library.is_file(), "{} was not built", library.display());
        library
    })
}

/// Sends a GET with Python's urllib, signed by the C ABI through the Python package in `bindings/python/src`.
fn urllib_get(mock: &Mock, key: &str, key_format: &str, form: &str, path: &str, params: &[(&str, &str)]) -> Reply {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let output = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/urllib_client.py"))
        .args([mock.base().as_str(), path, form])
        .args(params.iter().map(|(name, value)| format!("{name}={value}")))
        .env("PYTHONUTF8", "1")
        .env("UNLEASHED_PYTHON_BINDING", repo.join("bindings/python/src"))
        .env("UNLEASHED_SIGNER_LIB", shared_library())
        .env("CLIENT_API_ID", ID)
        .env("CLIENT_API_KEY", key)
        .env("CLIENT_KEY_FORMAT", key_format)
        .env("CLIENT_TYPE", CLIENT)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "urllib client failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    let (status, body) = stdout.split_once('\n').expect("status line");
    Reply { status: status.parse().expect("HTTP status"), body: body.to_owned() }
}

#[test]
fn python_urllib_with_headers_from_the_c_abi_gets_200_in_both_forms() {
    for form in ["decoded", "wire"] {
        let mock = Mock::start(form, ID, KEY, None);
        for case in e2e_cases() {
            let params = &borrowed(&case)[..];
            let reply = urllib_get(&mock, KEY, "text", form, "/Customers", params);
            assert_eq!(reply.status, 200, "urllib, {form} form, {params:?}");
            if form == "decoded" {
                assert_eq!(reply.field("message"), hex(decoded(params).as_bytes()), "{params:?}");
            }
        }
    }
    let mock = Mock::start("decoded", ID, KEY, None);
    let params = [("customerName", "Acme Sons & Daughters")];
    assert_eq!(urllib_get(&mock, OTHER_KEY, "text", "decoded", "/Customers", &params).status, 403, "wrong key");
    let with_newline = format!("{KEY}\n");
    assert_eq!(urllib_get(&mock, &with_newline, "raw", "decoded", "/Customers", &params).status, 403, "key + newline");
}

/// curl sends every `-H` header to whatever host a redirect names, with `--location` and without
/// `--location-trusted` too (which only concerns `-u` credentials): so the printed line carries `--max-redirs 0`,
/// and a `-L` a user adds to it makes curl refuse the redirect (exit 47) rather than send the signing headers to
/// another origin (docs/http-contract.md).
#[test]
fn the_curl_line_never_follows_a_redirect_even_with_location_added() {
    let (mock, other) = Mock::start_with_other_origin("decoded", ID, KEY);
    let url = format!("{}/conformance/redirect/302/other/Cross", mock.base());
    let line = curl_line(KEY, "decoded", &url, &[("customerCode", "ACME")], &[]);
    assert!(line.contains(" --max-redirs 0 "), "{line}");
    assert_eq!(run_curl(&line).status, 302, "as printed, curl hands the redirect back");
    let received = || {
        let output = Command::new("curl").args(["-sS", &format!("{other}/_received")]).output().expect("curl runs");
        String::from_utf8(output.stdout).unwrap()
    };
    for added in ["-L", "--location", "--location --location-trusted"] {
        let script = format!("{line} {added} --silent --output /dev/null");
        let status = Command::new("sh").arg("-c").arg(&script).status().expect("sh runs");
        assert_eq!(status.code(), Some(47), "curl must refuse the redirect with {added}: {script}");
    }
    assert_eq!(received(), "", "the other origin got a request");
    // The reason, measured: the same line without --max-redirs 0 sends all three headers to the other origin.
    let unguarded = line.replace(" --max-redirs 0 ", " ");
    let status = Command::new("sh").arg("-c").arg(format!("{unguarded} -L -sS -o /dev/null")).status().unwrap();
    assert!(status.success());
    assert_eq!(
        received(),
        "GET /conformance/Cross?hop=2&customerCode=ACME api-auth-id,api-auth-signature,client-type\n"
    );
}
