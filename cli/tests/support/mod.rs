//! What the CLI's end-to-end tests share: the loopback mock of Unleashed (`testing/mock_unleashed.py`) and the
//! end-to-end cases every runtime sends (`testdata/e2e_cases.txt`).
// Each test crate that declares `mod support;` uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The mock server, checking signatures in `form` for the credentials it was started with; killed when dropped
/// (also when a test panics).
pub struct Mock {
    child: Child,
    port: u16,
}

impl Mock {
    /// Starts the mock; with `record`, it also appends every request it receives to that file, byte for byte.
    pub fn start(form: &str, api_id: &str, key: &str, record: Option<&Path>) -> Self {
        let mut command = Command::new("python3");
        command.arg(repo().join("testing/mock_unleashed.py")).args(["--form", form, "--lifetime", "300"]);
        if let Some(record) = record {
            command.arg("--record").arg(record);
        }
        let mut child = command
            .env("MOCK_UNLEASHED_API_ID", api_id)
            .env("MOCK_UNLEASHED_API_KEY", key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the mock Unleashed API: install python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).expect("the mock prints its port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the mock printed {line:?}, not a port"));
        Self { child, port }
    }

    /// Starts the mock with `--other-origin`: a second loopback listener, another origin, that records every
    /// request and the signing headers it carries. Returns the mock and that origin's base URL.
    pub fn start_with_other_origin(form: &str, api_id: &str, key: &str) -> (Self, String) {
        let mut child = Command::new("python3")
            .arg(repo().join("testing/mock_unleashed.py"))
            .args(["--form", form, "--lifetime", "300", "--other-origin"])
            .env("MOCK_UNLEASHED_API_ID", api_id)
            .env("MOCK_UNLEASHED_API_KEY", key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the mock Unleashed API: install python3");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut ports = [0u16; 2];
        for port in &mut ports {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("the mock prints its ports");
            *port = line.trim().parse().unwrap_or_else(|_| panic!("the mock printed {line:?}, not a port"));
        }
        (Self { child, port: ports[0] }, format!("http://127.0.0.1:{}", ports[1]))
    }

    /// `http://127.0.0.1:PORT`, without a trailing `/`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The queries of `testdata/e2e_cases.txt` (written by `scripts/gen_e2e_cases.py`), as (name, value) pairs.
pub fn e2e_cases() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(repo().join("testdata/e2e_cases.txt")).expect("read testdata/e2e_cases.txt");
    let unhex = |field: &str| {
        let bytes = (0..field.len()).step_by(2).map(|i| u8::from_str_radix(&field[i..i + 2], 16).expect("hex"));
        String::from_utf8(bytes.collect()).expect("the cases are UTF-8")
    };
    let cases: Vec<Vec<(String, String)>> = text
        .lines()
        .filter_map(|line| line.strip_prefix("case "))
        .map(|pairs| {
            pairs
                .split(',')
                .map(|pair| {
                    let (name, value) = pair.split_once(':').expect("namehex:valuehex");
                    (unhex(name), unhex(value))
                })
                .collect()
        })
        .collect();
    assert!(cases.len() >= 8, "testdata/e2e_cases.txt holds only {} cases", cases.len());
    cases
}

/// Borrows a case's pairs as the `&str` pairs the clients take.
pub fn borrowed(case: &[(String, String)]) -> Vec<(&str, &str)> {
    case.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
}
