//! The server: accepting connections with header, size and idle limits, answering each request (refusal, health,
//! one forwarded request or every page), passing upstream answers back, and draining on shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body as HttpBody, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use unleashed_signer::MediaType;

use crate::config::Config;
use crate::credentials::Credentials;
use crate::gate::{self, Policy, Refusal, Route};
use crate::logline::Stats;
use crate::pages;
use crate::stream::{Body, IdleTimeout, Logged, full};
use crate::upstream::{Upstream, UpstreamError};

/// The largest request head (request line and headers) read, in bytes: hyper answers more with an error.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// How long in-flight requests may take to finish after a shutdown signal.
pub const DRAIN_TIME: Duration = Duration::from_secs(30);

/// The header carrying the hint on a 403 from upstream.
pub const HINT_HEADER: &str = "x-unleashed-gateway-hint";
/// What a 403 from Unleashed means when the gateway signed the request, and where to look.
pub const FORBIDDEN_HINT: &str = "Unleashed answered 403: it refused the signature. Check that UNLEASHED_API_ID \
                                  and the key are of the same account, and try the other --form; unleashed-sign \
                                  verify explains a mismatch (unleashed-sign verify --help)";

/// The running gateway's state, shared by every connection.
pub struct Gateway {
    config: Config,
    upstream: Upstream,
}

impl Gateway {
    /// A gateway for `config` signing with `credentials`.
    pub fn new(mut config: Config, credentials: Credentials) -> Result<Arc<Self>, rustls::Error> {
        let upstream =
            Upstream::new(config.upstream.clone(), credentials, config.form, config.retry, config.upstream_timeout)?;
        config.upstream_timeout = upstream.timeout();
        Ok(Arc::new(Self { config, upstream }))
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The upstream client.
    #[must_use]
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// Answers one request; its log line is written when the response body ends.
    pub async fn handle(self: Arc<Self>, request: Request<Incoming>) -> Response<Body> {
        let method = request.method().clone();
        let target = request.uri().path_and_query().map_or_else(|| request.uri().to_string(), |pq| pq.to_string());
        let stats = Arc::new(Stats::default());
        let policy = Policy { token: self.config.token.as_ref(), allow_writes: self.config.allow_writes };
        let response = match gate::admit(policy, request.method(), request.uri(), request.headers()) {
            Err(refusal) => {
                stats.note(format!("refused: {refusal:?}"));
                refused(&refusal)
            }
            Ok(Route::Health) => text(StatusCode::OK, "ok\n"),
            Ok(Route::Forward) => self.forward(request, &target, &stats).await,
            Ok(Route::AllPages { endpoint }) => {
                let query = request.uri().query().map(str::to_owned);
                pages::all(self.clone(), &endpoint, query.as_deref(), media_type(request.headers()), stats.clone())
                    .await
            }
        };
        let (parts, body) = response.into_parts();
        let logged =
            Logged::new(body, method.to_string(), target, parts.status.as_u16(), stats, self.config.log_format);
        Response::from_parts(parts, BodyExt::boxed(logged))
    }

    async fn forward(&self, request: Request<Incoming>, target: &str, stats: &Stats) -> Response<Body> {
        let (parts, body) = request.into_parts();
        let media = media_type(&parts.headers);
        let body = if parts.method == Method::GET || parts.method == Method::HEAD {
            // A read's body is never forwarded: Unleashed reads none, and a body must not ride along unchecked.
            drop(body);
            Bytes::new()
        } else {
            match self.read_body(body).await {
                Ok(bytes) => bytes,
                Err(response) => return response,
            }
        };
        match self.upstream.send(&parts.method, target, body, media, stats).await {
            Ok(response) => self.pass_back(response, stats),
            Err(e) => upstream_failure(&e, stats),
        }
    }

    /// The request body, at most `--max-body` bytes, within the upstream timeout.
    async fn read_body(&self, body: Incoming) -> Result<Bytes, Response<Body>> {
        let limited = Limited::new(body, self.config.max_body);
        match tokio::time::timeout(self.config.upstream_timeout, limited.collect()).await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(text(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the request body is larger than --max-body ({} bytes)\n", self.config.max_body),
            )),
            Ok(Err(_)) => Err(text(StatusCode::BAD_REQUEST, "the request body could not be read\n")),
            Err(_) => Err(text(StatusCode::REQUEST_TIMEOUT, "the request body did not arrive in time\n")),
        }
    }

    /// The upstream's status, headers (without hop-by-hop ones) and streamed body; a redirect is passed back as
    /// it is, never followed, and a 403 gets the hint.
    fn pass_back(&self, response: Response<Incoming>, stats: &Stats) -> Response<Body> {
        let (mut parts, body) = response.into_parts();
        // The client's connection is HTTP/1.1 whatever the upstream spoke (hyper answers a 1.0 client in 1.0).
        parts.version = hyper::Version::HTTP_11;
        strip_hop_by_hop(&mut parts.headers);
        if parts.status == StatusCode::FORBIDDEN {
            stats.note("upstream 403: check the credentials with unleashed-sign verify");
            parts.headers.insert(HINT_HEADER, HeaderValue::from_static(FORBIDDEN_HINT));
            if body.is_end_stream() {
                parts.headers.remove(CONTENT_LENGTH);
                parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
                return Response::from_parts(parts, full(format!("{FORBIDDEN_HINT}\n")));
            }
        }
        Response::from_parts(parts, IdleTimeout::new(body, self.config.upstream_timeout).boxed())
    }
}

/// JSON unless the client asks for XML only (Unleashed answers either).
fn media_type(headers: &HeaderMap) -> MediaType {
    let wants = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).unwrap_or("");
    let accept = wants(hyper::header::ACCEPT);
    let content = wants(CONTENT_TYPE);
    let xml = |v: &str| v.contains("application/xml") && !v.contains("application/json");
    if xml(accept) || (accept.is_empty() && xml(content)) { MediaType::Xml } else { MediaType::Json }
}

/// Headers that describe one connection, not the message (RFC 9110, 7.6.1).
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(hyper::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"] {
        headers.remove(name);
    }
}

/// A plain-text answer made here.
pub fn text(status: StatusCode, body: &str) -> Response<Body> {
    let mut response = Response::new(full(body.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn refused(refusal: &Refusal) -> Response<Body> {
    text(refusal.status(), &format!("{}\n", refusal.message()))
}

/// 504 for a timeout, 400 for an unsignable query, 502 otherwise; the reason goes to the log line too.
pub fn upstream_failure(error: &UpstreamError, stats: &Stats) -> Response<Body> {
    stats.note(error.to_string());
    let status = match error {
        UpstreamError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        UpstreamError::BadQuery => StatusCode::BAD_REQUEST,
        UpstreamError::Unreachable(_) => StatusCode::BAD_GATEWAY,
    };
    text(status, &format!("{error}\n"))
}

/// Serves `listener` until `shutdown` completes, then lets in-flight requests finish (up to [`DRAIN_TIME`]).
pub async fn serve(gateway: Arc<Gateway>, listener: TcpListener, shutdown: impl Future<Output = ()>) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Hyper starts this clock when it waits for a request head, also between two requests on one connection:
        // it bounds both a slow client (slowloris) and an idle kept-alive connection.
        .header_read_timeout(gateway.config.header_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors and the like: wait rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let gateway = gateway.clone();
                let service = service_fn(move |request| {
                    let gateway = gateway.clone();
                    async move { Ok::<_, Infallible>(gateway.handle(request).await) }
                });
                let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIME) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_are_not_passed_back() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("connection", "close, x-private"),
            ("x-private", "1"),
            ("keep-alive", "timeout=5"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "h2c"),
            ("te", "trailers"),
            ("trailer", "x"),
            ("proxy-connection", "x"),
            ("location", "https://elsewhere.example/"),
            ("content-type", "application/json"),
        ] {
            headers.append(HeaderName::from_static(name), value.parse().unwrap());
        }
        strip_hop_by_hop(&mut headers);
        let mut left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        left.sort_unstable();
        assert_eq!(left, ["content-type", "location"]);
    }

    #[test]
    fn xml_only_when_asked_for_and_json_is_not() {
        let with = |pairs: &[(&'static str, &str)]| -> MediaType {
            media_type(&pairs.iter().map(|&(n, v)| (HeaderName::from_static(n), v.parse().unwrap())).collect())
        };
        assert_eq!(with(&[]), MediaType::Json);
        assert_eq!(with(&[("accept", "application/xml")]), MediaType::Xml);
        assert_eq!(with(&[("accept", "application/json, application/xml")]), MediaType::Json);
        assert_eq!(with(&[("accept", "*/*")]), MediaType::Json);
        assert_eq!(with(&[("content-type", "application/xml")]), MediaType::Xml);
        assert_eq!(with(&[("accept", "*/*"), ("content-type", "application/xml")]), MediaType::Json);
    }

    #[test]
    fn upstream_failures_have_their_status() {
        let stats = Stats::default();
        let status = |e| upstream_failure(&e, &stats).status();
        assert_eq!(status(UpstreamError::Timeout(Duration::from_secs(3))), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(status(UpstreamError::BadQuery), StatusCode::BAD_REQUEST);
        assert_eq!(status(UpstreamError::Unreachable("refused".into())), StatusCode::BAD_GATEWAY);
    }
}
