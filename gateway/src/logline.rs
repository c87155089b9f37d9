//! The one log line per request on stderr: method, path, status, upstream latency and bytes, as text or JSON.
//! Built only from these fields, so no header (a key, a signature, a token) can ever reach it.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use crate::args::LogFormat;

/// Upstream time and pages of one request, added to while its response streams.
#[derive(Debug, Default)]
pub struct Stats {
    upstream_micros: AtomicU64,
    upstream_calls: AtomicU32,
    note: Mutex<Option<String>>,
}

impl Stats {
    /// Counts one upstream call that took `elapsed` (to its response headers, or its whole body for a page).
    pub fn add_upstream(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.upstream_micros.fetch_add(micros, Ordering::Relaxed);
        self.upstream_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds the time spent reading an upstream body, already counted as a call.
    pub fn add_body_time(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.upstream_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Notes what went wrong or what to do (the first note is kept).
    pub fn note(&self, note: impl Into<String>) {
        let mut slot = self.note.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(note.into());
        }
    }

    fn note_text(&self) -> Option<String> {
        self.note.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// One request's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The method.
    pub method: String,
    /// The request-target as received (path and query).
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// Upstream calls made (pages for `/_all/`, retries included).
    pub upstream_calls: u32,
    /// Their time, in milliseconds, summed.
    pub upstream_ms: f64,
    /// Body bytes sent to the client.
    pub bytes: u64,
    /// What went wrong or what to do, if anything.
    pub note: Option<String>,
}

impl Record {
    /// The record of a finished request, with what `stats` gathered.
    #[must_use]
    pub fn finish(method: String, path: String, status: u16, bytes: u64, stats: &Stats) -> Self {
        let micros = stats.upstream_micros.load(Ordering::Relaxed);
        Self {
            method,
            path,
            status,
            upstream_calls: stats.upstream_calls.load(Ordering::Relaxed),
            // Microseconds to milliseconds: exact enough for a log (f64 holds 2^53 microseconds).
            #[allow(clippy::cast_precision_loss)]
            upstream_ms: micros as f64 / 1000.0,
            bytes,
            note: stats.note_text(),
        }
    }

    /// `GET /Customers 200 upstream_calls=1 upstream_ms=12.345 bytes=1234 note="..."`.
    #[must_use]
    pub fn text(&self) -> String {
        let mut line = format!(
            "{} {} {} upstream_calls={} upstream_ms={:.3} bytes={}",
            self.method, self.path, self.status, self.upstream_calls, self.upstream_ms, self.bytes
        );
        if let Some(note) = &self.note {
            write!(line, " note={}", serde_json::Value::from(note.as_str())).expect("writing to a String");
        }
        line
    }

    /// One JSON object.
    #[must_use]
    pub fn json(&self) -> String {
        let mut object = serde_json::json!({
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "upstream_calls": self.upstream_calls,
            "upstream_ms": (self.upstream_ms * 1000.0).round() / 1000.0,
            "bytes": self.bytes,
        });
        if let Some(note) = &self.note {
            object["note"] = note.as_str().into();
        }
        object.to_string()
    }

    /// Writes the line to stderr in `format`, in one write so that lines of concurrent requests never mix.
    pub fn emit(&self, format: LogFormat) {
        let mut line = match format {
            LogFormat::Text => self.text(),
            LogFormat::Json => self.json(),
        };
        line.push('\n');
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_carry_every_field() {
        let stats = Stats::default();
        stats.add_upstream(Duration::from_micros(1500));
        stats.add_upstream(Duration::from_micros(250));
        stats.note("first");
        stats.note("second");
        let record = Record::finish("GET".into(), "/_all/Customers?a=\"b\"".into(), 200, 42, &stats);
        assert_eq!(
            record.text(),
            "GET /_all/Customers?a=\"b\" 200 upstream_calls=2 upstream_ms=1.750 bytes=42 note=\"first\""
        );
        assert_eq!(
            record.json(),
            r#"{"bytes":42,"method":"GET","note":"first","path":"/_all/Customers?a=\"b\"","status":200,"upstream_calls":2,"upstream_ms":1.75}"#
        );
        stats.add_body_time(Duration::from_micros(250));
        let record = Record::finish("GET".into(), "/x".into(), 200, 0, &stats);
        assert_eq!((record.upstream_calls, record.upstream_ms), (2, 2.0), "body time adds time, not a call");
        let quiet = Record::finish("HEAD".into(), "/x".into(), 405, 0, &Stats::default());
        assert_eq!(quiet.text(), "HEAD /x 405 upstream_calls=0 upstream_ms=0.000 bytes=0");
        assert!(!quiet.json().contains("note"));
    }
}
