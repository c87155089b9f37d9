//! What the gateway's tests share: the loopback mock of Unleashed (`testing/mock_unleashed.py`), the gateway
//! binary started as a user starts it, a scripted upstream for misbehaviour (hangs, cuts, 429, redirects), a
//! canary that counts connections, and a raw HTTP/1.1 client for requests no real client would send.
//!
//! Every wait is bounded (generous, for a loaded two-core machine); every server is killed on drop.
// Each test crate uses only part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Made up, in the shape of a real key: 84 base64-alphabet characters and `==` (as in testdata/e2e_cases.txt).
pub const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
/// Another made-up key of the same shape, for "wrong key".
pub const OTHER_KEY: &str = "OtHeRkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY00==";
pub const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
pub const CLIENT: &str = "acme/orderautomation";
/// The longest any single step of a test may take on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh directory for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("unleashed-gateway-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The mock server; killed when dropped.
pub struct Mock {
    child: Child,
    port: u16,
}

impl Mock {
    /// Starts the mock checking `form` signatures for `KEY`; `extra` are more arguments (`--record`, `--list-items`).
    pub fn start(form: &str, extra: &[&str]) -> Self {
        let mut child = Command::new("python3")
            .arg(repo().join("testing/mock_unleashed.py"))
            .args(["--form", form, "--lifetime", "600"])
            .args(extra)
            .env("MOCK_UNLEASHED_API_ID", ID)
            .env("MOCK_UNLEASHED_API_KEY", KEY)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the mock Unleashed API: install python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("the mock prints its port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the mock printed {line:?}, not a port"));
        Self { child, port }
    }

    /// `http://127.0.0.1:PORT`.
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

/// The `unleashed-gateway` binary, started with the made-up credentials; killed when dropped.
pub struct Gateway {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: SocketAddr,
    stderr: PathBuf,
}

/// The gateway's command with the credentials in its environment (`key` as UNLEASHED_API_KEY).
pub fn gateway_command(key: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_unleashed-gateway"));
    command
        .args(args)
        .env("UNLEASHED_API_ID", ID)
        .env("UNLEASHED_API_KEY", key)
        .env("UNLEASHED_CLIENT_TYPE", CLIENT)
        .env_remove("RUST_LOG");
    command
}

impl Gateway {
    /// Starts the gateway on a free loopback port in front of `upstream`, signing with `key`.
    pub fn start(upstream: &str, key: &str, args: &[&str]) -> Self {
        let mut all = vec!["--listen", "127.0.0.1:0", "--upstream", upstream];
        all.extend_from_slice(args);
        Self::start_with(gateway_command(key, &all))
    }

    /// Starts a prepared command; its first line on stdout must be `listening on http://ADDR`.
    pub fn start_with(mut command: Command) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let stderr = std::env::temp_dir().join(format!(
            "unleashed-gateway-stderr-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("the gateway starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let Some(base) = line.trim_end().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("first line {line:?}; stderr: {}", std::fs::read_to_string(&stderr).unwrap_or_default());
        };
        let addr = base.strip_prefix("http://").unwrap().parse().unwrap();
        Self { child: Some(child), base: base.to_owned(), addr, stderr }
    }

    /// What the gateway wrote on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap()
    }

    /// Waits until stderr holds `lines` log lines for requests (lines that start with a method), at most
    /// [`PATIENCE`]: a line is written when its response body ends, which can be just after the client has it.
    pub fn wait_for_log_lines(&self, lines: usize) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.stderr();
            if request_lines(&text).len() >= lines || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for the exit, at most [`PATIENCE`].
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the gateway did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.stderr);
    }
}

/// The log lines of requests in a gateway's stderr.
pub fn request_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| !line.starts_with("unleashed-gateway:")).collect()
}

/// A response read off the wire.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// The head (status line and headers), lowercased names.
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value, or `None`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The value of one `name value` line of the mock's echo.
    pub fn field(&self, name: &str) -> String {
        self.text()
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")).map(str::to_owned))
            .unwrap_or_default()
    }
}

/// Sends `request` as it is on a new connection and reads until the server closes it. `None` when the connection
/// was closed or reset with no response at all.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let _ = stream.write_all(request);
    let mut data = Vec::new();
    let _ = stream.read_to_end(&mut data);
    parse_reply(&data)
}

/// Parses a response (body as chunked or as it is).
pub fn parse_reply(data: &[u8]) -> Option<Reply> {
    let end = data.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = data[end + 4..].to_vec();
    if head.lines().any(|l| l.eq_ignore_ascii_case("transfer-encoding: chunked")) {
        body = dechunk(&body);
    }
    Some(Reply { status, head, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// A GET with `Connection: close` and extra header lines.
pub fn get(addr: SocketAddr, target: &str, headers: &[&str]) -> Reply {
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n", addr.port());
    for header in headers {
        request += header;
        request += "\r\n";
    }
    request += "\r\n";
    raw(addr, request.as_bytes()).unwrap_or_else(|| panic!("no response to GET {target}"))
}

/// Runs curl (the real one) with `args`, returning the status and body; `None` for a curl error (exit != 0).
pub fn curl(args: &[&str]) -> Option<(u16, String)> {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "120", "--globoff", "--write-out", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs: install curl");
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    Some((status.parse().unwrap(), body.to_owned()))
}

/// What the scripted upstream does with a request, chosen from the request-target.
pub type Script = dyn Fn(&str) -> Vec<Step> + Send + Sync;

/// One thing the scripted upstream does.
pub enum Step {
    /// Writes these bytes.
    Send(Vec<u8>),
    /// Waits.
    Sleep(Duration),
    /// Closes the connection (by returning).
    Close,
}

/// A loopback upstream that answers each request by a script; it records request heads and counts connections.
pub struct Scripted {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
    /// Connections that ended (the peer closed it, or the script did).
    pub closed: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    pub fn start(script: impl Fn(&str) -> Vec<Step> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let (count, ended, seen) = (connections.clone(), closed.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let (script, ended, seen) = (script.clone(), ended.clone(), seen.clone());
                std::thread::spawn(move || {
                    serve_scripted(stream, &*script, &seen);
                    ended.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        Self { addr, connections, closed, requests }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn heads(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve_scripted(stream: TcpStream, script: &Script, seen: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            head += &line;
        }
        let length: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let target = head.split(' ').nth(1).unwrap_or("").to_owned();
        seen.lock().unwrap().push(format!("{head}\r\n{}", String::from_utf8_lossy(&body)));
        for step in script(&target) {
            match step {
                Step::Send(bytes) => {
                    if writer.write_all(&bytes).is_err() {
                        return;
                    }
                }
                Step::Sleep(time) => std::thread::sleep(time),
                Step::Close => return,
            }
        }
    }
}

/// A complete response with a body and Content-Length.
pub fn response(status: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for header in headers {
        text += header;
        text += "\r\n";
    }
    text += "\r\n";
    text += body;
    text.into_bytes()
}

/// A list page in Unleashed's shape: items `from..to` (inclusive), of `pages` pages.
pub fn list_page(number: u64, pages: u64, from: u64, to: u64) -> String {
    let items: Vec<String> = (from..=to).map(|i| format!("{{\"Index\":{i}}}")).collect();
    format!(
        "{{\"Pagination\":{{\"NumberOfItems\":0,\"PageSize\":0,\"PageNumber\":{number},\"NumberOfPages\":{pages}}},\"Items\":[{}]}}",
        items.join(",")
    )
}

/// A listener that only counts the connections it gets: where nothing may connect.
pub struct Canary {
    listener: TcpListener,
    pub addr: SocketAddr,
}

impl Canary {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        Self { listener, addr }
    }

    /// Connections made to it so far.
    pub fn connections(&self) -> usize {
        let mut count = 0;
        while self.listener.accept().is_ok() {
            count += 1;
        }
        count
    }
}

/// The e2e queries of `testdata/e2e_cases.txt` (written by scripts/gen_e2e_cases.py), as (name, value) pairs.
pub fn e2e_cases() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(repo().join("testdata/e2e_cases.txt")).unwrap();
    let unhex = |field: &str| {
        let bytes: Vec<u8> =
            (0..field.len()).step_by(2).map(|i| u8::from_str_radix(&field[i..i + 2], 16).unwrap()).collect();
        String::from_utf8(bytes).unwrap()
    };
    let cases: Vec<Vec<(String, String)>> = text
        .lines()
        .filter_map(|line| line.strip_prefix("case "))
        .map(|pairs| {
            pairs
                .split(',')
                .map(|pair| {
                    let (name, value) = pair.split_once(':').unwrap();
                    (unhex(name), unhex(value))
                })
                .collect()
        })
        .collect();
    assert!(cases.len() >= 8, "testdata/e2e_cases.txt holds only {} cases", cases.len());
    cases
}
