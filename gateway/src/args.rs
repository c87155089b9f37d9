//! The command line: `unleashed-gateway [--listen ADDR] [--upstream URL] [--form decoded|wire] [--allow-writes]
//! [--token-file FILE]` and the limits, timeouts and retry settings users may need to change.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// A signing gateway for the Unleashed API: tools that cannot sign (Power BI, Excel, Klipfolio) call it on
/// loopback, it adds the signed headers and forwards the request to Unleashed.
///
/// Credentials come from the environment, as for unleashed-sign: UNLEASHED_API_ID, UNLEASHED_API_KEY (or
/// --key-file) and UNLEASHED_CLIENT_TYPE.
#[derive(Debug, Parser)]
#[command(name = "unleashed-gateway", version)]
pub struct Args {
    /// Address to listen on. Anything but loopback needs --token-file (and TLS in front of it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: String,

    /// The Unleashed API origin. Plain http:// is accepted only for a loopback host (tests).
    #[arg(long, value_name = "URL", default_value = "https://api.unleashedsoftware.com")]
    pub upstream: String,

    /// Which bytes of the query are signed: the decoded query (Unleashed's reading) or the query as received.
    #[arg(long, value_enum, default_value_t = Form::Decoded)]
    pub form: Form,

    /// Forward POST, PUT and DELETE (bodies intact). Without it, only GET and HEAD are forwarded.
    #[arg(long)]
    pub allow_writes: bool,

    /// A file holding a bearer token: every request must then carry `Authorization: Bearer <token>`.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Read the API key from FILE instead of UNLEASHED_API_KEY.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Format of the one log line per request on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// How many pages of an /_all/ list are fetched at once (1 to 8). 1 is the polite default.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub page_concurrency: usize,

    /// How often a GET is retried after 429 or 503 with Retry-After (0 turns retries off). Writes never are.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,

    /// The longest Retry-After honoured, in seconds; a longer one is passed back to the client.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub retry_max_wait: u64,

    /// Seconds to wait for Unleashed's response headers, and between two pieces of its body.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub upstream_timeout: u64,

    /// Seconds a client has to send its request headers; also how long an idle connection is kept.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub header_timeout: u64,

    /// The largest request body forwarded with --allow-writes, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body: usize,
}

/// The `--form` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Form {
    /// Sign the percent-decoded query (the default, as Unleashed checks it).
    Decoded,
    /// Sign the query exactly as received.
    Wire,
}

/// The `--log-format` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `GET /Customers 200 upstream_ms=12.5 bytes=1234`.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}
