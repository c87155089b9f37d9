//! The checked configuration: where to listen, the one upstream origin, the token, limits and timeouts, and the
//! start-up refusals that keep the gateway from becoming an open signing oracle.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use unleashed_signer::SignedForm;
use zeroize::Zeroizing;

use crate::args::{Args, Form, LogFormat};
use crate::retry::RetryPolicy;

/// Why the gateway refuses to start. Each message says what to change.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `--listen` is not `IP:PORT`.
    ListenAddress {
        /// What was given.
        given: String,
    },
    /// A non-loopback `--listen` without `--token-file`: anyone who can reach it could sign as the account.
    NonLoopbackWithoutToken {
        /// The address.
        listen: SocketAddr,
    },
    /// `--upstream` is not an origin (`https://host[:port]`).
    UpstreamUrl {
        /// What was given.
        given: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A plain `http://` upstream for a host that is not loopback: the signatures would cross the network in clear.
    PlainHttpUpstream {
        /// The host.
        host: String,
    },
    /// The token file cannot be read.
    TokenFile {
        /// Its path.
        path: String,
        /// The I/O error.
        cause: String,
    },
    /// The token is too short, or holds something other than visible ASCII.
    BadToken {
        /// Its path.
        path: String,
    },
    /// `--page-concurrency` is out of range.
    PageConcurrency {
        /// What was given.
        given: usize,
    },
    /// The credentials are missing or malformed; the message names the variable or file, never the key.
    Credentials(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListenAddress { given } => {
                write!(f, "--listen {given:?} is not an IP address and port: use e.g. 127.0.0.1:8787")
            }
            Self::NonLoopbackWithoutToken { listen } => write!(
                f,
                "--listen {listen} is not a loopback address, and without --token-file anyone who can reach it \
                 could sign requests as your Unleashed account: listen on 127.0.0.1, or pass --token-file FILE \
                 (and put TLS in front of it)"
            ),
            Self::UpstreamUrl { given, reason } => {
                write!(f, "--upstream {given:?} {reason}: give an origin such as https://api.unleashedsoftware.com")
            }
            Self::PlainHttpUpstream { host } => write!(
                f,
                "--upstream http://{host} would send signatures unencrypted over the network: use https:// \
                 (plain http:// is accepted only for a loopback host, for tests)"
            ),
            Self::TokenFile { path, cause } => write!(f, "cannot read the token file '{path}': {cause}"),
            Self::BadToken { path } => write!(
                f,
                "the token in '{path}' must be at least {MIN_TOKEN_LEN} visible ASCII characters (no spaces): \
                 e.g. write one with: head -c 32 /dev/urandom | base64 > '{path}'"
            ),
            Self::PageConcurrency { given } => {
                write!(f, "--page-concurrency {given} is out of range: give 1 to {MAX_PAGE_CONCURRENCY}")
            }
            Self::Credentials(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The shortest bearer token accepted.
pub const MIN_TOKEN_LEN: usize = 16;
/// The most pages of one `/_all/` list fetched at once.
pub const MAX_PAGE_CONCURRENCY: usize = 8;

/// The upstream origin: scheme, host and port. The gateway contacts nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// `true` for `https`.
    pub https: bool,
    /// The host as written (lowercase), with brackets for IPv6.
    pub host: String,
    /// The port, explicit or the scheme's default.
    pub port: u16,
}

impl Origin {
    /// Parses `scheme://host[:port]` with an optional `/`; refuses paths, queries, user info and plain `http://`
    /// to anything but loopback.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let bad = |reason| ConfigError::UpstreamUrl { given: url.to_owned(), reason };
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(bad("does not start with https://"));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(bad("has a path, query or fragment"));
        }
        if authority.contains('@') {
            return Err(bad("has user info"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => {
                (host, port.parse::<u16>().ok().filter(|&p| p != 0).ok_or_else(|| bad("has a bad port"))?)
            }
            _ => (authority, if https { 443 } else { 80 }),
        };
        let valid_host = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            inner.parse::<std::net::Ipv6Addr>().is_ok()
        } else {
            !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        };
        if !valid_host {
            return Err(bad("has no valid host"));
        }
        let origin = Self { https, host: host.to_ascii_lowercase(), port };
        if !https && !origin.is_loopback() {
            return Err(ConfigError::PlainHttpUpstream { host: authority.to_owned() });
        }
        Ok(origin)
    }

    /// Whether the host is `localhost` or a loopback address.
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// `scheme://host:port`, the prefix of every upstream URL.
    #[must_use]
    pub fn base(&self) -> String {
        format!("{}://{}:{}", if self.https { "https" } else { "http" }, self.host, self.port)
    }
}

/// Whether `host` (a Host header's or URL's host, without port; IPv6 in brackets) names this machine's loopback.
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The bearer token, wiped on drop and never shown by `Debug`.
pub struct Token(Zeroizing<Vec<u8>>);

impl Token {
    /// Reads the token from `path`, removing one final line ending.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let mut bytes = Zeroizing::new(
            std::fs::read(path).map_err(|e| ConfigError::TokenFile { path: shown.clone(), cause: e.to_string() })?,
        );
        for ending in [&b"\r\n"[..], b"\n"] {
            if bytes.ends_with(ending) {
                let len = bytes.len() - ending.len();
                bytes[len..].iter_mut().for_each(|b| *b = 0);
                bytes.truncate(len);
                break;
            }
        }
        Self::new(bytes).ok_or(ConfigError::BadToken { path: shown })
    }

    /// A token of at least [`MIN_TOKEN_LEN`] visible ASCII bytes.
    #[must_use]
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Option<Self> {
        (bytes.len() >= MIN_TOKEN_LEN && bytes.iter().all(u8::is_ascii_graphic)).then_some(Self(bytes))
    }

    /// Whether an `Authorization` header value is `Bearer <this token>`, compared in constant time (only the
    /// length can show).
    #[must_use]
    pub fn accepts(&self, authorization: &[u8]) -> bool {
        let Some(given) = strip_bearer(authorization) else {
            return false;
        };
        if given.len() != self.0.len() {
            return false;
        }
        let diff = given.iter().zip(self.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(diff) == 0
    }
}

/// Hand-written: the token is a secret.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(** redacted **)")
    }
}

fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(rest)
}

/// Everything the gateway needs but the credentials.
#[derive(Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The one origin contacted.
    pub upstream: Origin,
    /// Which form of the query is signed.
    pub form: SignedForm,
    /// Whether POST, PUT and DELETE are forwarded.
    pub allow_writes: bool,
    /// The bearer token every request needs, if any.
    pub token: Option<Token>,
    /// Text or JSON log lines.
    pub log_format: LogFormat,
    /// Pages of one `/_all/` list fetched at once.
    pub page_concurrency: usize,
    /// Retries of GET on 429 and 503.
    pub retry: RetryPolicy,
    /// Wait for upstream response headers, and between two pieces of an upstream body.
    pub upstream_timeout: Duration,
    /// Time a client has to send its request headers; also the idle time a kept-alive connection is kept.
    pub header_timeout: Duration,
    /// The largest request body forwarded.
    pub max_body: usize,
}

impl Config {
    /// Checks the command line and reads the token file. Credentials are read separately
    /// ([`crate::credentials`]).
    pub fn from_args(args: &Args) -> Result<Self, ConfigError> {
        let listen: SocketAddr =
            args.listen.parse().map_err(|_| ConfigError::ListenAddress { given: args.listen.clone() })?;
        let upstream = Origin::parse(&args.upstream)?;
        let token = args.token_file.as_deref().map(Token::load).transpose()?;
        if !listen.ip().is_loopback() && token.is_none() {
            return Err(ConfigError::NonLoopbackWithoutToken { listen });
        }
        if !(1..=MAX_PAGE_CONCURRENCY).contains(&args.page_concurrency) {
            return Err(ConfigError::PageConcurrency { given: args.page_concurrency });
        }
        Ok(Self {
            listen,
            upstream,
            form: match args.form {
                Form::Decoded => SignedForm::Decoded,
                Form::Wire => SignedForm::Wire,
            },
            allow_writes: args.allow_writes,
            token,
            log_format: args.log_format,
            page_concurrency: args.page_concurrency,
            retry: RetryPolicy { retries: args.retries, max_wait: Duration::from_secs(args.retry_max_wait) },
            upstream_timeout: Duration::from_secs(args.upstream_timeout.max(1)),
            header_timeout: Duration::from_secs(args.header_timeout.max(1)),
            max_body: args.max_body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        Config::from_args(&Args::try_parse_from([&["unleashed-gateway"], args].concat()).unwrap())
    }

    #[test]
    fn origins() {
        let o = Origin::parse("https://api.unleashedsoftware.com").unwrap();
        assert_eq!((o.https, o.host.as_str(), o.port), (true, "api.unleashedsoftware.com", 443));
        assert_eq!(o.base(), "https://api.unleashedsoftware.com:443");
        assert_eq!(Origin::parse("https://API.example.com:8443/").unwrap().base(), "https://api.example.com:8443");
        assert_eq!(Origin::parse("http://127.0.0.1:9").unwrap().base(), "http://127.0.0.1:9");
        assert_eq!(Origin::parse("http://localhost").unwrap().base(), "http://localhost:80");
        assert_eq!(Origin::parse("http://[::1]:7/").unwrap().base(), "http://[::1]:7");
        assert_eq!(Origin::parse("https://[2001:db8::1]").unwrap().port, 443);
        let reason = |url: &str| match Origin::parse(url).unwrap_err() {
            ConfigError::UpstreamUrl { reason, .. } => reason,
            other => panic!("{url}: {other:?}"),
        };
        assert_eq!(reason("ftp://x"), "does not start with https://");
        assert_eq!(reason("api.unleashedsoftware.com"), "does not start with https://");
        assert_eq!(reason("https://h/v1"), "has a path, query or fragment");
        assert_eq!(reason("https://h?x"), "has a path, query or fragment");
        assert_eq!(reason("https://h#x"), "has a path, query or fragment");
        assert_eq!(reason("https://u@h"), "has user info");
        assert_eq!(reason("https://h:0"), "has a bad port");
        assert_eq!(reason("https://h:99999"), "has a bad port");
        assert_eq!(reason("https://h:x"), "has a bad port");
        assert_eq!(reason("https://"), "has no valid host");
        assert_eq!(reason("https://h_st"), "has no valid host");
        assert_eq!(reason("https://[zz]"), "has no valid host");
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for url in
            ["http://api.unleashedsoftware.com", "http://10.0.0.1:80", "http://[2001:db8::1]", "http://127.example"]
        {
            assert!(matches!(Origin::parse(url), Err(ConfigError::PlainHttpUpstream { .. })), "{url}");
        }
        for url in ["http://127.0.0.1", "http://127.1.2.3:5", "http://LOCALHOST", "http://[::1]"] {
            assert!(Origin::parse(url).is_ok(), "{url}");
        }
        let message = Origin::parse("http://api.example.com").unwrap_err().to_string();
        assert!(message.contains("unencrypted") && message.contains("use https://"), "{message}");
    }

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "[::1]", "::1"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["example.com", "10.0.0.1", "[::2]", "0.0.0.0", "localhost.example.com", ""] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn a_non_loopback_listen_address_needs_a_token() {
        for listen in ["0.0.0.0:8787", "192.168.1.5:80", "[::]:8787"] {
            let err = parse(&["--listen", listen]).unwrap_err();
            assert!(matches!(err, ConfigError::NonLoopbackWithoutToken { .. }), "{listen}");
            assert!(err.to_string().contains("--token-file"), "{err}");
        }
        assert!(parse(&["--listen", "[::1]:0"]).is_ok());
        assert_eq!(parse(&[]).unwrap().listen, "127.0.0.1:8787".parse().unwrap());
        assert!(matches!(parse(&["--listen", "localhost:80"]), Err(ConfigError::ListenAddress { .. })));
    }

    #[test]
    fn settings_are_taken_from_the_flags() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.upstream.base(), "https://api.unleashedsoftware.com:443");
        assert_eq!((c.form, c.allow_writes, c.page_concurrency), (SignedForm::Decoded, false, 1));
        assert_eq!((c.retry.retries, c.retry.max_wait), (2, Duration::from_secs(30)));
        assert_eq!((c.upstream_timeout, c.header_timeout), (Duration::from_secs(60), Duration::from_secs(10)));
        let c = parse(&["--form", "wire", "--allow-writes", "--page-concurrency", "8", "--upstream-timeout", "0"]);
        let c = c.unwrap();
        assert_eq!((c.form, c.allow_writes, c.page_concurrency), (SignedForm::Wire, true, 8));
        assert_eq!(c.upstream_timeout, Duration::from_secs(1), "a zero timeout would fail every request");
        for n in ["0", "9"] {
            assert!(matches!(parse(&["--page-concurrency", n]), Err(ConfigError::PageConcurrency { .. })), "{n}");
        }
    }

    #[test]
    fn tokens() {
        let token = Token::new(Zeroizing::new(b"0123456789abcdef".to_vec())).unwrap();
        assert!(token.accepts(b"Bearer 0123456789abcdef"));
        assert!(token.accepts(b"bearer 0123456789abcdef"));
        assert!(!token.accepts(b"Bearer 0123456789abcdeF"));
        assert!(!token.accepts(b"Bearer 1023456789abcdef"), "two differences that cancel under XOR");
        assert!(!token.accepts(b"Bearer 0123456789abcde"));
        assert!(!token.accepts(b"Bearer 0123456789abcdef0"));
        assert!(!token.accepts(b"Basic 0123456789abcdef"));
        assert!(!token.accepts(b"0123456789abcdef"));
        assert!(!token.accepts(b"Bearer"));
        assert_eq!(format!("{token:?}"), "Token(** redacted **)");
        assert!(Token::new(Zeroizing::new(b"0123456789abcde".to_vec())).is_none(), "15 bytes");
        assert!(Token::new(Zeroizing::new(b"0123456789 abcdef".to_vec())).is_none(), "a space");

        let dir = std::env::temp_dir().join(format!("gateway-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "0123456789abcdef\r\n").unwrap();
        assert!(Token::load(&path).unwrap().accepts(b"Bearer 0123456789abcdef"));
        std::fs::write(&path, "0123456789abcdef\n").unwrap();
        assert!(Token::load(&path).unwrap().accepts(b"Bearer 0123456789abcdef"));
        std::fs::write(&path, "short\n").unwrap();
        assert!(matches!(Token::load(&path), Err(ConfigError::BadToken { .. })));
        assert!(matches!(Token::load(&dir.join("missing")), Err(ConfigError::TokenFile { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
