//! The one upstream: a pooled HTTP/1.1 client (rustls with Mozilla's roots for https), requests signed for their
//! own query, the upstream timeout, and retries of reads after 429/503.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, USER_AGENT};
use hyper::{Method, Request, Response};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use unleashed_signer::{MediaType, RequestHeaders, SignedForm};

use crate::config::Origin;
use crate::credentials::Credentials;
use crate::logline::Stats;
use crate::retry::RetryPolicy;

/// Why an upstream call gave no response.
#[derive(Debug)]
pub enum UpstreamError {
    /// No response headers within the upstream timeout.
    Timeout(Duration),
    /// No connection, or it broke before the response headers.
    Unreachable(String),
    /// The query cannot be signed in the decoded form.
    BadQuery,
}

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout(after) => write!(
                f,
                "the upstream did not answer within {} s (--upstream-timeout): try again later, or a smaller pageSize",
                after.as_secs()
            ),
            Self::Unreachable(cause) => {
                write!(f, "the upstream could not be reached ({cause}): check the network and --upstream")
            }
            Self::BadQuery => {
                f.write_str("the query has a % not followed by two hex digits: encode a literal % as %25")
            }
        }
    }
}

impl std::error::Error for UpstreamError {}

/// The upstream client with everything a call needs.
pub struct Upstream {
    client: LegacyClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    /// `scheme://host:port` of the one origin contacted.
    base: String,
    credentials: Credentials,
    form: SignedForm,
    retry: RetryPolicy,
    timeout: Duration,
}

const USER_AGENT_VALUE: &str = concat!("unleashed-gateway/", env!("CARGO_PKG_VERSION"));

impl Upstream {
    /// A client for `origin` only: https with Mozilla's roots (webpki-roots), or plain http for a loopback origin.
    pub fn new(
        origin: Origin,
        credentials: Credentials,
        form: SignedForm,
        retry: RetryPolicy,
        timeout: Duration,
    ) -> Result<Self, rustls::Error> {
        // ring rather than aws-lc-rs (which needs cmake and clang to build); rustls deprecates ring's provider only
        // because it lacks post-quantum key exchange, which Unleashed's API does not offer either way.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_provider_and_webpki_roots(provider)?;
        let connector = if origin.https { builder.https_only() } else { builder.https_or_http() };
        let client = LegacyClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(50))
            .pool_max_idle_per_host(64)
            .build(connector.enable_http1().build());
        Ok(Self { client, base: origin.base(), credentials, form, retry, timeout })
    }

    /// Sends `method target` (path and query, as received) signed for its query, with `body`; retries a read on
    /// 429/503 with a short `Retry-After`. Each call's time to its headers goes to `stats`.
    pub async fn send(
        &self,
        method: &Method,
        target: &str,
        body: Bytes,
        media: MediaType,
        stats: &Stats,
    ) -> Result<Response<Incoming>, UpstreamError> {
        let Credentials { api_id, client_type, key } = &self.credentials;
        let headers = RequestHeaders::for_url(key, api_id, *client_type, target, self.form)
            .map_err(|_| UpstreamError::BadQuery)?
            .with_media_type(media);
        let idempotent = method == Method::GET || method == Method::HEAD;
        let uri = format!("{}{target}", self.base);
        let mut attempt = 1;
        loop {
            let mut request = Request::builder().method(method.clone()).uri(&uri);
            for (name, value) in headers.pairs() {
                request = request.header(name, value);
            }
            let request = request
                .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
                .body(Full::new(body.clone()))
                .map_err(|e| UpstreamError::Unreachable(format!("bad request-target: {e}")))?;
            let started = Instant::now();
            let response = tokio::time::timeout(self.timeout, self.client.request(request))
                .await
                .map_err(|_| UpstreamError::Timeout(self.timeout))?
                .map_err(|e| UpstreamError::Unreachable(error_chain(&e)))?;
            stats.add_upstream(started.elapsed());
            match self.retry.delay(idempotent, attempt, response.status(), response.headers()) {
                Some(wait) => {
                    stats.note(format!("retried after {} (Retry-After: {} s)", response.status(), wait.as_secs()));
                    drop(response);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Ok(response),
            }
        }
    }

    /// The upstream timeout, also the idle timeout inside upstream bodies.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// An error and its sources, `: `-joined (hyper's own text is only "client error (Connect)").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
