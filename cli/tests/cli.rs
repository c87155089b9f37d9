//! The `unleashed-sign` binary as a user runs it: every command, every exit code, and the bad inputs.
//!
//! Expected signatures are known answers from Python's `hmac` (`base64.b64encode(hmac.new(KEY, msg,
//! hashlib.sha256).digest())`), not from the core, so a fault shared by core and CLI cannot hide.

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;

/// Made up, in the shape of a real key: 84 base64-alphabet characters and `==`.
const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const CLIENT: &str = "acme/orderautomation";
/// `customerCode=ACME`.
const SIG_ACME: &str = "Lmr+WDwecTdchBME7udl6DiaogGW+Gj6HgP8U5JS9qQ=";
/// `customerCode=ACME` with the key plus `\n`.
const SIG_ACME_KEY_NEWLINE: &str = "muD1BFAkZPVdDvUaQlBT7NkmCyawuUCw1CCiC3zpHPY=";
/// `customerName=Acme Sons` (decoded form of `customerName=Acme%20Sons`).
const SIG_SONS_DECODED: &str = "yuw1KZtjxpap+Ib3GaOY5n8u8KygyDw4yDeDMQZOIR4=";
/// `customerName=Acme%20Sons` (wire form).
const SIG_SONS_WIRE: &str = "Lp2YobG25hn9uTlVUnub9uJ6q52M72BM3KnNlsWse8c=";
/// `orderStatus=Completed,Backordered&customerName=Acme & Sons`.
const SIG_BUILT_DECODED: &str = "ABHm8UaDiEDd9+OyC9NheaMFDhXT/rPh6SOGYeIs/DM=";
/// `orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons`.
const SIG_BUILT_WIRE: &str = "NUwrCnQKkqpGJheKrdu8MuHpbxwlux30Vip+DTf0ix4=";
/// The empty message.
const SIG_EMPTY: &str = "8VQG7hBEkssLw++HPF2RXLMY4qTVFjIybgnRTztLMc0=";

/// Which credentials to put in the environment.
#[derive(Clone, Copy)]
struct Env<'a> {
    id: Option<&'a str>,
    key: Option<&'a str>,
    client: Option<&'a str>,
}

const FULL: Env<'static> = Env { id: Some(ID), key: Some(KEY), client: Some(CLIENT) };

fn run_with(env: Env<'_>, stdin: Option<&[u8]>, args: &[&str]) -> Output {
    let mut cmd = cargo_bin_cmd!("unleashed-sign");
    for (name, value) in
        [("UNLEASHED_API_ID", env.id), ("UNLEASHED_API_KEY", env.key), ("UNLEASHED_CLIENT_TYPE", env.client)]
    {
        match value {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
    }
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin.to_vec());
    }
    cmd.args(args).output().expect("the binary runs")
}

fn run(args: &[&str]) -> Output {
    run_with(FULL, None, args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

/// Exit code 2 with one line on stderr that contains `part` and never the key.
#[track_caller]
fn assert_usage_error(output: &Output, part: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stdout: {}\nstderr: {err}", stdout(output));
    assert!(output.stdout.is_empty(), "nothing on stdout: {}", stdout(output));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("unleashed-sign: error: "), "{err}");
    assert!(err.contains(part), "expected {part:?} in {err}");
    assert!(!err.contains(KEY) && !err.contains(&KEY[..20]), "the key leaked: {err}");
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unleashed-sign-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    // As a key file should be: readable by its owner only.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path
}

#[test]
fn headers_prints_the_five_headers() {
    let output = run(&["headers", "Customers?customerCode=ACME"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "api-auth-id: {ID}\napi-auth-signature: {SIG_ACME}\nclient-type: {CLIENT}\n\
             Accept: application/json\nContent-Type: application/json\n"
        )
    );
    assert!(output.stderr.is_empty());
}

#[test]
fn headers_as_json_with_xml_and_overrides() {
    let id = "ABCDEF01-2345-6789-ABCD-EF0123456789";
    let output = run_with(
        Env { id: None, key: Some(KEY), client: None },
        None,
        &[
            "headers",
            "--format",
            "json",
            "--media-type",
            "xml",
            "--api-id",
            id,
            "--client-type",
            "a\"b/c\\d",
            "https://api.unleashedsoftware.com/Customers?customerCode=ACME#frag",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "{{\"api-auth-id\":\"{}\",\"api-auth-signature\":\"{SIG_ACME}\",\"client-type\":\"a\\\"b/c\\\\d\",\
             \"Accept\":\"application/xml\",\"Content-Type\":\"application/xml\"}}\n",
            id.to_lowercase()
        )
    );
}

#[test]
fn signed_form_chooses_the_bytes_signed() {
    let url = "/Customers?customerName=Acme%20Sons";
    let signature = |args: &[&str]| {
        let output = run(args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output).lines().nth(1).unwrap().to_owned()
    };
    assert_eq!(signature(&["headers", url]), format!("api-auth-signature: {SIG_SONS_DECODED}"));
    assert_eq!(
        signature(&["headers", "--signed-form", "decoded", url]),
        format!("api-auth-signature: {SIG_SONS_DECODED}")
    );
    assert_eq!(signature(&["--signed-form", "wire", "headers", url]), format!("api-auth-signature: {SIG_SONS_WIRE}"));
    assert_eq!(signature(&["headers", "Customers"]), format!("api-auth-signature: {SIG_EMPTY}"));
}

/// The words a POSIX shell makes of a printed command line.
fn shell_words(line: &str) -> Vec<String> {
    let script = format!("set -- {line}; for w in \"$@\"; do printf '%s\\0' \"$w\"; done");
    let out = std::process::Command::new("sh").arg("-c").arg(script).output().expect("sh runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_terminator('\0').map(str::to_owned).collect()
}

#[test]
fn curl_prints_one_quoted_command_with_the_built_query() {
    let output = run(&["curl", "SalesOrders", "orderStatus=Completed,Backordered", "customerName=Acme & Sons"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    assert_eq!(line.lines().count(), 1, "{line}");
    let words = shell_words(line.trim_end());
    let url = "https://api.unleashedsoftware.com/SalesOrders?orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons";
    let expected = [
        "curl",
        "-H",
        &format!("api-auth-id: {ID}"),
        "-H",
        &format!("api-auth-signature: {SIG_BUILT_DECODED}"),
        "-H",
        &format!("client-type: {CLIENT}"),
        "-H",
        "Accept: application/json",
        "-H",
        "Content-Type: application/json",
        "--max-redirs",
        "0",
        "--globoff",
        url,
    ];
    assert_eq!(words, expected);

    let wire = run(&[
        "curl",
        "--signed-form",
        "wire",
        "SalesOrders",
        "orderStatus=Completed,Backordered",
        "customerName=Acme & Sons",
    ]);
    assert!(stdout(&wire).contains(SIG_BUILT_WIRE), "{}", stdout(&wire));
}

#[test]
fn curl_passes_method_and_data_through() {
    let output = run(&["curl", "--data", "@order's.json", "http://127.0.0.1:9/SalesOrders/Sign"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let words = shell_words(stdout(&output).trim_end());
    assert_eq!(&words[..3], ["curl", "-X", "POST"]);
    assert_eq!(words[6], format!("api-auth-signature: {SIG_EMPTY}"));
    assert_eq!(
        &words[words.len() - 4..],
        ["--data-binary", "@order's.json", "--globoff", "http://127.0.0.1:9/SalesOrders/Sign"]
    );

    let put = run(&["curl", "-X", "put", "--base-url", "http://localhost:8080/api/", "/Customers/1"]);
    let words = shell_words(stdout(&put).trim_end());
    assert_eq!(&words[..3], ["curl", "-X", "PUT"]);
    assert_eq!(words.last().unwrap(), "http://localhost:8080/api/Customers/1");

    let get = run(&["curl", "Customers?customerCode=ACME"]);
    let words = shell_words(stdout(&get).trim_end());
    assert_eq!(words[1], "-H", "GET adds no -X");
    assert_eq!(words[4], format!("api-auth-signature: {SIG_ACME}"));

    assert_usage_error(&run(&["curl", "-X", "GET /x", "Customers"]), "not an HTTP method");
    assert_usage_error(&run(&["curl", "--base-url", "/relative", "Customers"]), "--base-url");
}

#[test]
fn build_prints_the_path_and_query_and_its_signature() {
    let output = run_with(
        Env { id: None, key: Some(KEY), client: None },
        None,
        &["build", "SalesOrders", "orderStatus=Completed,Backordered", "customerName=Acme & Sons"],
    );
    assert!(output.status.success(), "build needs only the key: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "SalesOrders?orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons\n\
             api-auth-signature: {SIG_BUILT_DECODED}\n"
        )
    );
    let json = run(&["build", "--format", "json", "--signed-form", "wire", "Customers", "customerName=Acme Sons"]);
    assert_eq!(
        stdout(&json),
        format!(
            "{{\"path_and_query\":\"Customers?customerName=Acme%20Sons\",\"query\":\"customerName=Acme%20Sons\",\
             \"signed_form\":\"wire\",\"api-auth-signature\":\"{SIG_SONS_WIRE}\"}}\n"
        )
    );
    assert_usage_error(&run(&["build", "Customers", "customerCode"]), "has no '='");
    assert_usage_error(&run(&["build", "Customers", "=ACME"]), "empty name");
}

#[test]
fn verify_says_match_with_exit_code_0() {
    let output = run_with(
        Env { id: None, key: Some(KEY), client: None },
        None,
        &["verify", "https://api.unleashedsoftware.com/Customers?customerCode=ACME", "--signature", SIG_ACME],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("OK: the signature matches the decoded form"), "{}", stdout(&output));
}

#[test]
fn verify_names_the_cause_with_exit_code_1() {
    let output = run(&["verify", "Customers?customerCode=ACME", "--signature", SIG_ACME_KEY_NEWLINE]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("MISMATCH"), "{text}");
    assert!(text.contains(&format!("expected:    {SIG_ACME}")), "{text}");
    assert!(text.contains("Cause: the signature was made with the API key plus a trailing newline"), "{text}");

    let wire = run(&["verify", "Customers?customerName=Acme%20Sons", "-s", SIG_SONS_WIRE]);
    assert_eq!(wire.status.code(), Some(1));
    assert!(stdout(&wire).contains("Cause: the wire form of the query was signed"), "{}", stdout(&wire));
    let ok = run(&["verify", "--signed-form", "wire", "Customers?customerName=Acme%20Sons", "-s", SIG_SONS_WIRE]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));

    let unknown = run(&["verify", "Customers?customerCode=ACME", "-s", SIG_EMPTY.replace('8', "9").as_str()]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stdout(&unknown).contains("No known mistake reproduces it"), "{}", stdout(&unknown));
    assert!(!stdout(&unknown).contains(KEY));

    assert_usage_error(&run(&["verify", "Customers?customerCode=ACME", "-s", "not-a-signature"]), "44 characters");
    assert_usage_error(&run(&["verify", "Customers?customerCode=ACME"]), "--signature");
}

#[test]
fn missing_credentials_are_named() {
    let no_key = Env { key: None, ..FULL };
    assert_usage_error(&run_with(no_key, None, &["headers", "Customers"]), "UNLEASHED_API_KEY is not set");
    assert_usage_error(&run_with(no_key, None, &["build", "Customers"]), "UNLEASHED_API_KEY is not set");
    assert_usage_error(
        &run_with(no_key, None, &["verify", "Customers", "-s", SIG_EMPTY]),
        "UNLEASHED_API_KEY is not set",
    );
    let no_id = Env { id: None, ..FULL };
    assert_usage_error(&run_with(no_id, None, &["headers", "Customers"]), "UNLEASHED_API_ID is not set");
    let no_client = Env { client: None, ..FULL };
    assert_usage_error(&run_with(no_client, None, &["curl", "Customers"]), "UNLEASHED_CLIENT_TYPE is not set");
}

#[test]
fn bad_credentials_are_explained_without_the_key() {
    let bad_id = Env { id: Some("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5"), ..FULL };
    assert_usage_error(
        &run_with(bad_id, None, &["headers", "Customers"]),
        "UNLEASHED_API_ID: the API id is 35 characters",
    );
    let bad_client = Env { client: Some("acme order app"), ..FULL };
    assert_usage_error(
        &run_with(bad_client, None, &["headers", "Customers"]),
        "UNLEASHED_CLIENT_TYPE: the client type",
    );
    let key_newline = format!("{KEY}\n");
    let env = Env { key: Some(&key_newline), ..FULL };
    for args in [
        &["headers", "Customers"][..],
        &["curl", "Customers"],
        &["build", "Customers"],
        &["verify", "C", "-s", SIG_EMPTY],
    ] {
        assert_usage_error(&run_with(env, None, args), "UNLEASHED_API_KEY: the API key has a trailing newline");
    }
    let empty = Env { key: Some(""), ..FULL };
    assert_usage_error(&run_with(empty, None, &["headers", "Customers"]), "the API key is empty");
}

#[test]
fn a_key_on_the_command_line_is_refused_and_not_echoed() {
    let as_one = format!("--key={KEY}");
    let no_env_key = Env { key: None, ..FULL };
    for args in [
        &["--key", KEY, "headers", "Customers"][..],
        &["headers", &as_one, "Customers"],
        &["build", "--api-key", KEY, "Customers"],
    ] {
        assert_usage_error(&run_with(no_env_key, None, args), "never taken on the command line");
    }
}

#[test]
fn a_key_typed_into_an_argument_is_refused_and_not_echoed() {
    let in_param = format!("key={KEY}");
    let in_url = format!("Customers?k={KEY}");
    for args in [
        &["headers", "Customers", KEY][..],
        &["build", "Customers", KEY],
        &["build", "Customers", &in_param],
        &["headers", &in_url],
    ] {
        assert_usage_error(&run(args), "an argument holds the API key from UNLEASHED_API_KEY");
    }
}

#[test]
fn malformed_urls_are_input_errors() {
    assert_usage_error(&run(&["headers", "Customers?customerName=Acme Sons"]), "a space");
    assert_usage_error(&run(&["headers", "Customers?customerName=Caf\u{e9}"]), "non-ASCII");
    assert_usage_error(&run(&["headers", "ftp://api.unleashedsoftware.com/Customers"]), "not http or https");
    assert_usage_error(&run(&["curl", "https:///Customers"]), "no usable host");
    assert_usage_error(&run(&["headers", ""]), "the URL is empty");
    assert_usage_error(&run(&["headers", "Customers?discount=50%"]), "not followed by two hex digits");
    assert_usage_error(&run(&["verify", "Customers?discount=50%", "-s", SIG_EMPTY]), "not followed by two hex digits");
    // The wire form signs a stray '%' as it is.
    assert!(run(&["headers", "--signed-form", "wire", "Customers?discount=50%"]).status.success());
}

#[test]
fn key_files_and_stdin() {
    let good = temp_file("key", format!("{KEY}\n").as_bytes());
    let output = run_with(
        Env { key: None, ..FULL },
        None,
        &["--key-file", good.to_str().unwrap(), "headers", "Customers?customerCode=ACME"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(SIG_ACME));
    assert!(stderr(&output).contains("note: removed one final newline"), "{}", stderr(&output));

    assert!(!stderr(&output).contains("warning"), "a 0600 key file is fine: {}", stderr(&output));

    // Readable by others: a warning the way ssh gives one, with the chmod that fixes it, and the command still runs.
    let open = temp_file("open key", KEY.as_bytes());
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let output = run(&["--key-file", open.to_str().unwrap(), "headers", "Customers?customerCode=ACME"]);
    assert!(stdout(&output).contains(SIG_ACME));
    assert_eq!(
        stderr(&output),
        format!(
            "unleashed-sign: warning: permissions 0644 for the key file '{}' are too open: group or others can get \
             at the API key. Run: chmod 600 '{}'\n",
            open.display(),
            open.display()
        )
    );

    // --key-file wins over the environment.
    let env_wrong = Env { key: Some("some-other-key"), ..FULL };
    let output =
        run_with(env_wrong, None, &["headers", "--key-file", good.to_str().unwrap(), "Customers?customerCode=ACME"]);
    assert!(stdout(&output).contains(SIG_ACME));

    let stdin_key = format!("{KEY}\n");
    let output = run_with(
        Env { key: None, ..FULL },
        Some(stdin_key.as_bytes()),
        &["headers", "--key-file", "-", "Customers?customerCode=ACME"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(SIG_ACME));
    let err = stderr(&output);
    assert_eq!(err, "unleashed-sign: note: removed one final newline from the API key read from stdin\n");

    let output = run_with(
        FULL,
        Some(KEY.as_bytes()),
        &["verify", "--key-file", "-", "Customers?customerCode=ACME", "-s", SIG_ACME],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "no note without a newline");

    // Only one final newline is removed: the second is an error, as is any other whitespace.
    let two = format!("{KEY}\n\n");
    let output = run_with(FULL, Some(two.as_bytes()), &["headers", "--key-file", "-", "Customers"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).ends_with("stdin: the API key has a trailing newline: copy the key again without it (Unleashed keys never contain whitespace)\n"), "{}", stderr(&output));
    assert!(!stderr(&output).contains(KEY));
    let space = format!("{KEY} \n");
    let output = run_with(FULL, Some(space.as_bytes()), &["headers", "--key-file", "-", "Customers"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the API key has a trailing space"), "{}", stderr(&output));

    let missing = std::env::temp_dir().join("unleashed-sign-no-such-key-file");
    assert_usage_error(
        &run(&["headers", "--key-file", missing.to_str().unwrap(), "Customers"]),
        "cannot read the key file",
    );
    let dir = std::env::temp_dir();
    assert_usage_error(
        &run(&["headers", "--key-file", dir.to_str().unwrap(), "Customers"]),
        "cannot read the key file",
    );
    let binary = temp_file("binary-key", b"ab\xffcd");
    assert_usage_error(
        &run(&["build", "--key-file", binary.to_str().unwrap(), "Customers"]),
        "not valid UTF-8 from byte 2",
    );
}

#[test]
fn usage_errors_exit_2_on_one_line() {
    assert_usage_error(&run(&["sign"]), "unrecognized subcommand 'sign'");
    assert_usage_error(&run(&["headers"]), "<URL>");
    assert_usage_error(&run(&["headers", "--signed-form", "raw", "Customers"]), "raw");
    assert_usage_error(&run(&["headers", "--format", "yaml", "Customers"]), "yaml");
    // With no command at all, the whole help goes to stderr (not one line), and still exit code 2.
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let help = stderr(&output);
    assert!(help.contains("Usage: unleashed-sign") && help.contains("Commands:"), "{help}");
    assert!(!help.starts_with("unleashed-sign: error: "), "{help}");
}

#[test]
fn a_plus_in_the_query_gets_a_note_on_stderr() {
    let note = "unleashed-sign: note: '+' in the query is signed as a plus sign; write a space as %20\n";
    for command in ["headers", "curl"] {
        let output = run(&[command, "Customers?customerName=Acme+Sons"]);
        assert_eq!(output.status.code(), Some(0), "{command}: {}", stderr(&output));
        assert_eq!(stderr(&output), note, "{command}");
        let output = run(&[command, "Customers?customerName=Acme%20Sons"]);
        assert_eq!(stderr(&output), "", "{command}: no '+', no note");
    }
}

#[test]
fn every_command_has_help_with_an_example() {
    for command in ["headers", "curl", "build", "verify", "completions", "man"] {
        let output = run(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let text = stdout(&output);
        assert!(text.contains("Example:"), "{command}: {text}");
        assert!(text.contains("--signed-form"), "{command}: {text}");
        assert!(text.contains("--key-file"), "{command}: {text}");
        assert!(!text.contains("--key <"), "the hidden --key stays hidden: {text}");
    }
    let top = run(&["--help"]);
    assert_eq!(top.status.code(), Some(0));
    assert!(stdout(&top).contains("UNLEASHED_API_KEY"));
    assert!(stdout(&top).contains("Exit codes"));
    assert!(run(&["--version"]).status.success());
}
