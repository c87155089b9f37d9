//! Captured traffic: the requests in a HAR file, a raw HTTP request file or a `curl -v` trace.

mod curl_trace;
mod har;
mod raw;

use std::fmt;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// The formats a capture comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// HAR 1.2, as browsers' developer tools, Postman and Insomnia save it.
    Har,
    /// One or more HTTP/1.x requests as text, as mitmproxy, Fiddler, Charles and Burp save them.
    Raw,
    /// `curl -v` (stderr) or `curl --trace-ascii` output.
    CurlTrace,
}

/// One request from a capture: the parts `verify` needs, as they were captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedRequest {
    /// Where the request is in the capture, e.g. `line 12` or `entry 3`.
    pub location: String,
    /// The method, e.g. `GET`.
    pub method: String,
    /// The URL or request-target exactly as captured: `/path?query` or `https://host/path?query`.
    pub url: String,
    /// The headers in order, names as captured.
    pub headers: Vec<(String, String)>,
}

impl CapturedRequest {
    /// The value of the first header called `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Why a capture could not be read. Messages name the file and where reading stopped, never its contents.
#[derive(Debug)]
pub enum CaptureError {
    /// The file (or stdin) could not be read.
    Unreadable {
        /// The file as given.
        file: String,
        /// What the system said.
        error: std::io::Error,
    },
    /// The file was read but is not a capture of this format.
    Malformed {
        /// The file as given.
        file: String,
        /// Where reading stopped, e.g. `line 4` or `line 1 column 17`.
        at: String,
        /// What is wrong there and what to do, one sentence.
        what: String,
    },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { file, error } => {
                write!(f, "cannot read the capture {file}: {error}: check the path, or pass - to read stdin")
            }
            Self::Malformed { file, at, what } => write!(f, "{file}: {at}: {what}"),
        }
    }
}

/// Where reading a capture stopped, before the file name is known to the message.
#[derive(Debug, PartialEq, Eq)]
struct Stop {
    at: String,
    what: String,
}

impl Stop {
    fn line(line: usize, what: impl Into<String>) -> Self {
        Self { at: format!("line {line}"), what: what.into() }
    }
}

/// Reads the capture at `path` (`-` for stdin) in `format`.
pub fn read(format: Format, path: &Path) -> Result<Vec<CapturedRequest>, CaptureError> {
    let (file, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        let file = "stdin".to_owned();
        if std::io::stdin().is_terminal() {
            eprintln!("unleashed-sign: reading the capture from stdin; end it with Ctrl-D");
        }
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| CaptureError::Unreadable { file: file.clone(), error })?;
        (file, bytes)
    } else {
        let file = format!("'{}'", path.display());
        let bytes = std::fs::read(path).map_err(|error| CaptureError::Unreadable { file: file.clone(), error })?;
        (file, bytes)
    };
    parse(format, &bytes).map_err(|Stop { at, what }| CaptureError::Malformed { file, at, what })
}

fn parse(format: Format, bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    match format {
        Format::Har => har::parse(bytes),
        Format::Raw => raw::parse(bytes),
        Format::CurlTrace => curl_trace::parse(bytes),
    }
}

/// The bytes of a line as text: ISO-8859-1, as HTTP/1.1 header bytes are read, so that no byte fails.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The lines of `bytes` with their 1-based numbers and byte offsets, without the `\n` or `\r\n` ending.
fn lines(bytes: &[u8]) -> impl Iterator<Item = Line<'_>> {
    let mut offset = 0;
    bytes.split_inclusive(|&b| b == b'\n').enumerate().map(move |(index, raw)| {
        let start = offset;
        offset += raw.len();
        let text = raw.strip_suffix(b"\n").unwrap_or(raw);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        Line { number: index + 1, start, end: offset, text }
    })
}

/// One line of a text capture.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    /// 1-based.
    number: usize,
    /// Byte offset of its first byte.
    start: usize,
    /// Byte offset just after its line ending.
    end: usize,
    /// Without the line ending.
    text: &'a [u8],
}
