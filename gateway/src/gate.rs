//! What a request must pass before anything is signed: no proxy-style target, the token, a loopback `Host`, no
//! browser `Origin`, a clean path, an allowed method; and where it goes (health, one request, every page).

use hyper::header::{AUTHORIZATION, HOST, HeaderMap, ORIGIN};
use hyper::{Method, StatusCode, Uri};

use crate::config::{Token, is_loopback_host};

/// Where a request that passed goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// `/_gateway/health`: answered here, upstream not contacted.
    Health,
    /// Forwarded to the same path and query upstream.
    Forward,
    /// `/_all/<endpoint>`: every page of the list, merged.
    AllPages {
        /// The list's path without the leading `/`, e.g. `Customers`.
        endpoint: String,
    },
}

/// Why a request is refused. Each is answered with its status and a one-line body that says what to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `CONNECT`: the gateway is not a proxy.
    Connect,
    /// A request-target in absolute form (`GET http://host/...`): the gateway is not a proxy.
    AbsoluteForm,
    /// No `Authorization: Bearer <token>`, or another token.
    Unauthorized,
    /// Without a token, a `Host` that is not loopback: a DNS-rebinding web page, or a misdirected client.
    ForeignHost,
    /// Without a token, a request from a web page (it carries `Origin`).
    BrowserOrigin,
    /// A path with `.`/`..` segments, control characters or a broken `%` escape.
    BadPath(&'static str),
    /// A method other than GET and HEAD, without `--allow-writes` (or one never forwarded).
    MethodNotAllowed {
        /// Whether `--allow-writes` would let it through.
        writes_would_pass: bool,
    },
    /// A `/_gateway/` path that does not exist, or `/_all/` without a list name.
    NotFound,
    /// A query that cannot be signed in the decoded form (a `%` not followed by two hex digits).
    BadQuery,
}

impl Refusal {
    /// The status answered.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Connect | Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::AbsoluteForm | Self::ForeignHost | Self::BadPath(_) | Self::BadQuery => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BrowserOrigin => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
        }
    }

    /// The body answered: one line saying what to do.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::Connect | Self::AbsoluteForm => "unleashed-gateway is not a proxy: send GET /Endpoint?query to it, \
                                                   and it forwards to the one upstream it was started with"
                .to_owned(),
            Self::Unauthorized => "this gateway needs the header Authorization: Bearer <token> (the token in its \
                                   --token-file)"
                .to_owned(),
            Self::ForeignHost => "the Host header must name this machine (127.0.0.1 or localhost): requests for \
                                  other hosts are refused, so no web page can reach the gateway by DNS rebinding"
                .to_owned(),
            Self::BrowserOrigin => "requests from web pages (with an Origin header) are refused: a page you visit \
                                    must not read or write your Unleashed account through this gateway"
                .to_owned(),
            Self::BadPath(what) => format!("the path has {what}: send a plain path such as /Customers"),
            Self::MethodNotAllowed { writes_would_pass: true } => "this gateway is read-only: only GET and HEAD are \
                                                                   forwarded; start it with --allow-writes to forward \
                                                                   POST, PUT and DELETE"
                .to_owned(),
            Self::MethodNotAllowed { writes_would_pass: false } => "only GET and HEAD (and, with --allow-writes, \
                                                                    POST, PUT and DELETE) are forwarded"
                .to_owned(),
            Self::NotFound => "no such gateway path: /_gateway/health answers, /_all/<Endpoint>?query reads every \
                               page of a list, anything else is forwarded"
                .to_owned(),
            Self::BadQuery => "the query has a % not followed by two hex digits: encode a literal % as %25".to_owned(),
        }
    }
}

/// What the checks need from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    /// The bearer token, if any.
    pub token: Option<&'a Token>,
    /// `--allow-writes`.
    pub allow_writes: bool,
}

/// Checks a request and finds its route.
pub fn admit(policy: Policy<'_>, method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<Route, Refusal> {
    if method == Method::CONNECT {
        return Err(Refusal::Connect);
    }
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Err(Refusal::AbsoluteForm);
    }
    match policy.token {
        Some(token) => {
            if !headers.get(AUTHORIZATION).is_some_and(|value| token.accepts(value.as_bytes())) {
                return Err(Refusal::Unauthorized);
            }
        }
        None => {
            if headers.get(HOST).is_some_and(|host| !host_is_loopback(host.as_bytes())) {
                return Err(Refusal::ForeignHost);
            }
            if headers.contains_key(ORIGIN) {
                return Err(Refusal::BrowserOrigin);
            }
        }
    }
    let path = uri.path();
    check_path(path).map_err(Refusal::BadPath)?;
    let read = method == Method::GET || method == Method::HEAD;
    if let Some(rest) = path.strip_prefix("/_gateway/") {
        return match rest {
            "health" if read => Ok(Route::Health),
            "health" => Err(Refusal::MethodNotAllowed { writes_would_pass: false }),
            _ => Err(Refusal::NotFound),
        };
    }
    if let Some(rest) = path.strip_prefix("/_all/") {
        let endpoint = rest.trim_end_matches('/');
        if endpoint.is_empty() {
            return Err(Refusal::NotFound);
        }
        if method != Method::GET {
            return Err(Refusal::MethodNotAllowed { writes_would_pass: false });
        }
        return Ok(Route::AllPages { endpoint: endpoint.to_owned() });
    }
    let write = method == Method::POST || method == Method::PUT || method == Method::DELETE;
    if read || (write && policy.allow_writes) {
        Ok(Route::Forward)
    } else {
        Err(Refusal::MethodNotAllowed { writes_would_pass: write })
    }
}

/// Whether a `Host` header value (`host[:port]`) names loopback.
fn host_is_loopback(value: &[u8]) -> bool {
    let Ok(value) = std::str::from_utf8(value) else {
        return false;
    };
    let host = match value.rfind(':') {
        // `[::1]:8787` or `127.0.0.1:8787`; a bare `[::1]` has its last `:` inside the brackets.
        Some(colon) if !value[colon..].contains(']') => &value[..colon],
        _ => value,
    };
    is_loopback_host(host)
}

/// Refuses control characters, `.` and `..` segments (also percent-encoded) and broken `%` escapes in a path.
fn check_path(path: &str) -> Result<(), &'static str> {
    const CONTROL: &str = "a control character";
    let raw = path.as_bytes();
    if raw.iter().any(u8::is_ascii_control) {
        return Err(CONTROL);
    }
    let mut decoded = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        if raw[at] == b'%' {
            let hex = raw.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("a % not followed by two hex digits")?;
            decoded.push(byte);
            at += 3;
        } else {
            decoded.push(raw[at]);
            at += 1;
        }
    }
    if decoded.iter().any(u8::is_ascii_control) {
        return Err(CONTROL);
    }
    if decoded.split(|&b| b == b'/' || b == b'\\').any(|segment| segment == b"." || segment == b"..") {
        return Err("a . or .. segment");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs.iter().map(|&(name, value)| (name.parse().unwrap(), value.parse().unwrap())).collect()
    }

    fn admit_get(path: &str, pairs: &[(&'static str, &str)]) -> Result<Route, Refusal> {
        let policy = Policy { token: None, allow_writes: false };
        admit(policy, &Method::GET, &path.parse().unwrap(), &headers(pairs))
    }

    #[test]
    fn routes() {
        assert_eq!(admit_get("/_gateway/health", &[]), Ok(Route::Health));
        assert_eq!(admit_get("/Customers?x=1", &[]), Ok(Route::Forward));
        assert_eq!(admit_get("/", &[]), Ok(Route::Forward));
        assert_eq!(admit_get("/_all/Customers?x=1", &[]), Ok(Route::AllPages { endpoint: "Customers".into() }));
        assert_eq!(admit_get("/_all/Sales/Orders/", &[]), Ok(Route::AllPages { endpoint: "Sales/Orders".into() }));
        assert_eq!(admit_get("/_all/", &[]), Err(Refusal::NotFound));
        assert_eq!(admit_get("/_all//", &[]), Err(Refusal::NotFound));
        assert_eq!(admit_get("/_gateway/other", &[]), Err(Refusal::NotFound));
        let policy = Policy { token: None, allow_writes: true };
        let post = |path: &str| admit(policy, &Method::POST, &path.parse().unwrap(), &HeaderMap::new());
        assert_eq!(post("/_all/Customers"), Err(Refusal::MethodNotAllowed { writes_would_pass: false }));
        assert_eq!(post("/_gateway/health"), Err(Refusal::MethodNotAllowed { writes_would_pass: false }));
        let head = admit(policy, &Method::HEAD, &"/_gateway/health".parse().unwrap(), &HeaderMap::new());
        assert_eq!(head, Ok(Route::Health));
    }

    #[test]
    fn writes_need_the_flag_and_other_methods_never_pass() {
        for allow_writes in [false, true] {
            let policy = Policy { token: None, allow_writes };
            let uri: Uri = "/SalesOrders".parse().unwrap();
            for method in [Method::GET, Method::HEAD] {
                assert_eq!(admit(policy, &method, &uri, &HeaderMap::new()), Ok(Route::Forward));
            }
            for method in [Method::POST, Method::PUT, Method::DELETE] {
                let expected = if allow_writes {
                    Ok(Route::Forward)
                } else {
                    Err(Refusal::MethodNotAllowed { writes_would_pass: true })
                };
                assert_eq!(admit(policy, &method, &uri, &HeaderMap::new()), expected, "{method}");
            }
            for method in [Method::PATCH, Method::OPTIONS, Method::TRACE, Method::from_bytes(b"PROPFIND").unwrap()] {
                let refused = Err(Refusal::MethodNotAllowed { writes_would_pass: false });
                assert_eq!(admit(policy, &method, &uri, &HeaderMap::new()), refused, "{method}");
            }
        }
        assert!(Refusal::MethodNotAllowed { writes_would_pass: true }.message().contains("--allow-writes"));
        assert_eq!(Refusal::MethodNotAllowed { writes_would_pass: true }.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[test]
    fn proxy_requests_are_refused() {
        let policy = Policy { token: None, allow_writes: true };
        let connect = admit(policy, &Method::CONNECT, &"evil.example:443".parse().unwrap(), &HeaderMap::new());
        assert_eq!(connect, Err(Refusal::Connect));
        for target in ["http://evil.example/Customers", "https://127.0.0.1:1/x", "http://127.0.0.1/"] {
            let absolute = admit(policy, &Method::GET, &target.parse().unwrap(), &HeaderMap::new());
            assert_eq!(absolute, Err(Refusal::AbsoluteForm), "{target}");
        }
        let authority_form = admit(policy, &Method::GET, &"evil.example:443".parse().unwrap(), &HeaderMap::new());
        assert_eq!(authority_form, Err(Refusal::AbsoluteForm), "a GET in authority form");
        assert_eq!(Refusal::Connect.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(Refusal::AbsoluteForm.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn without_a_token_only_loopback_hosts_and_no_browser_origins() {
        for host in ["127.0.0.1:8787", "localhost:8787", "LOCALHOST", "[::1]:8787", "[::1]", "127.0.0.1"] {
            assert_eq!(admit_get("/C", &[("host", host)]), Ok(Route::Forward), "{host}");
        }
        for host in ["evil.example", "evil.example:8787", "10.0.0.1:8787", "127.0.0.1.evil.example", "[::2]:1", ""] {
            assert_eq!(admit_get("/C", &[("host", host)]), Err(Refusal::ForeignHost), "{host}");
        }
        assert_eq!(admit_get("/C", &[("origin", "https://evil.example")]), Err(Refusal::BrowserOrigin));
        assert_eq!(admit_get("/C", &[("origin", "null")]), Err(Refusal::BrowserOrigin));
        assert_eq!(Refusal::ForeignHost.status(), StatusCode::BAD_REQUEST);
        assert_eq!(Refusal::BrowserOrigin.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn a_token_is_required_on_every_request_and_then_any_host_may_be_used() {
        let token = Token::new(Zeroizing::new(b"0123456789abcdef".to_vec())).unwrap();
        let policy = Policy { token: Some(&token), allow_writes: false };
        let get = |path: &str, pairs: &[(&'static str, &str)]| {
            admit(policy, &Method::GET, &path.parse().unwrap(), &headers(pairs))
        };
        assert_eq!(get("/C", &[]), Err(Refusal::Unauthorized));
        assert_eq!(get("/_gateway/health", &[]), Err(Refusal::Unauthorized));
        assert_eq!(get("/C", &[("authorization", "Bearer 0123456789abcdeX")]), Err(Refusal::Unauthorized));
        let good = ("authorization", "Bearer 0123456789abcdef");
        assert_eq!(get("/C", &[good]), Ok(Route::Forward));
        assert_eq!(
            get("/C", &[good, ("host", "gateway.example:443"), ("origin", "https://app.example")]),
            Ok(Route::Forward)
        );
        assert_eq!(Refusal::Unauthorized.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn paths_with_dot_segments_or_control_characters_are_refused() {
        for path in
            ["/../etc/passwd", "/a/..", "/a/./b", "/%2e%2e/x", "/%2E%2e", "/a/.%2E/b", "/a%2f..%2fb", "/a\\..\\b"]
        {
            assert_eq!(check_path(path), Err("a . or .. segment"), "{path}");
        }
        for path in ["/a%00b", "/a%0d%0aSet-Cookie:x", "/a%7F", "/a\tb"] {
            assert_eq!(check_path(path), Err("a control character"), "{path}");
        }
        for path in ["/a%", "/a%4", "/a%zz", "/a%e9%"] {
            assert_eq!(check_path(path), Err("a % not followed by two hex digits"), "{path}");
        }
        for path in ["/Customers", "/a..b/c", "/.well", "/...", "/a%20b", "/%C3%A9", "/"] {
            assert_eq!(check_path(path), Ok(()), "{path}");
        }
        assert_eq!(admit_get("/%2e%2e/Customers", &[]), Err(Refusal::BadPath("a . or .. segment")));
        assert_eq!(Refusal::BadPath("x").status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn each_refusal_has_its_status_and_message() {
        assert_eq!(Refusal::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(Refusal::BadQuery.status(), StatusCode::BAD_REQUEST);
        assert!(Refusal::BadQuery.message().contains("%25"));
        assert!(Refusal::Unauthorized.message().contains("Authorization: Bearer"));
        assert!(Refusal::Connect.message().contains("not a proxy"));
        assert!(Refusal::BadPath("a . or .. segment").message().starts_with("the path has a . or .. segment"));
        assert!(!Refusal::MethodNotAllowed { writes_would_pass: false }.message().contains("start it with"));
    }
}
