//! `/_all/<Endpoint>?query`: every page of a list, each signed, fetched in order with bounded concurrency, and
//! streamed out as one JSON document. Only the pages in flight are held in memory.
//!
//! The first page decides: its `Pagination.NumberOfPages` is N, and if it fails, its status and body go back as
//! they came. A later page that fails cuts the streamed response short (no final chunk, so every HTTP client
//! reports an error) rather than ending a list with items missing; the log line names the page and its status.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Limited};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use unleashed_signer::MediaType;

use crate::logline::Stats;
use crate::server::{FORBIDDEN_HINT, Gateway, HINT_HEADER, text, upstream_failure};
use crate::stream::{BoxError, Channel, IdleTimeout, full};
use crate::upstream::UpstreamError;

/// The largest page body read, in bytes (1000 items of several kilobytes each fit).
pub const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;
/// The most pages followed: more is a broken `NumberOfPages`.
pub const MAX_PAGES: u64 = 100_000;

/// One page's items, ready to send: the items' JSON joined with `,`.
#[derive(Debug)]
struct PageItems {
    joined: Bytes,
    count: u64,
    number_of_pages: u64,
}

/// Why a page gave no items.
#[derive(Debug)]
enum PageError {
    /// Upstream answered something else than 200.
    Status { status: StatusCode, body: Bytes },
    /// No answer.
    Upstream(UpstreamError),
    /// The body broke off, stalled, or was too large.
    Body(String),
    /// The body is not a list page (`Items` and `Pagination.NumberOfPages`).
    NotAList(String),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status { status, .. } => write!(f, "upstream answered {status}"),
            Self::Upstream(e) => e.fmt(f),
            Self::Body(e) => write!(f, "the page's body could not be read: {e}"),
            Self::NotAList(e) => write!(f, "the page is not a list with Items and Pagination: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(rename = "Items", borrow)]
    items: Vec<&'a RawValue>,
    #[serde(rename = "Pagination")]
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    #[serde(rename = "NumberOfPages")]
    number_of_pages: u64,
}

/// Answers `/_all/<endpoint>?query`.
pub async fn all(
    gateway: Arc<Gateway>,
    endpoint: &str,
    query: Option<&str>,
    media: MediaType,
    stats: Arc<Stats>,
) -> Response<crate::stream::Body> {
    if media == MediaType::Xml {
        return text(StatusCode::NOT_ACCEPTABLE, "/_all/ merges JSON pages only: send Accept: application/json\n");
    }
    let target = move |page: u64| match query {
        Some(query) => format!("/{endpoint}/{page}?{query}"),
        None => format!("/{endpoint}/{page}"),
    };
    let first = match fetch(&gateway, target(1), &stats).await {
        Ok(first) => first,
        Err(PageError::Status { status, body }) => {
            stats.note(format!("page 1: upstream answered {status}"));
            let mut response = Response::new(full(if status == StatusCode::FORBIDDEN && body.is_empty() {
                Bytes::from(format!("{FORBIDDEN_HINT}\n"))
            } else {
                body
            }));
            *response.status_mut() = status;
            if status == StatusCode::FORBIDDEN {
                response.headers_mut().insert(HINT_HEADER, HeaderValue::from_static(FORBIDDEN_HINT));
            }
            return response;
        }
        Err(PageError::Upstream(e)) => return upstream_failure(&e, &stats),
        Err(e) => {
            stats.note(format!("page 1: {e}"));
            return text(StatusCode::BAD_GATEWAY, &format!("page 1 of /{endpoint}: {e}\n"));
        }
    };
    let pages = first.number_of_pages.clamp(1, MAX_PAGES);
    let (tx, body) = Channel::new(2);
    let concurrency = gateway.config().page_concurrency;
    let targets: Vec<String> = (2..=pages).map(target).collect();
    tokio::spawn(produce(gateway, first, targets, concurrency, tx, stats));
    let mut response = Response::new(body.boxed());
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

/// Aborts the page fetches still running when the merge stops (the client went away, or a page failed).
struct InFlight(VecDeque<(u64, JoinHandle<Result<PageItems, PageError>>)>);

impl Drop for InFlight {
    fn drop(&mut self) {
        for (_, task) in &self.0 {
            task.abort();
        }
    }
}

/// Writes the merged document into `tx`: the first page's items, then pages 2..N in order, at most
/// `concurrency` fetched at once, then the `Pagination` of the whole list.
async fn produce(
    gateway: Arc<Gateway>,
    first: PageItems,
    targets: Vec<String>,
    concurrency: usize,
    tx: mpsc::Sender<Result<Bytes, BoxError>>,
    stats: Arc<Stats>,
) {
    let mut total = first.count;
    let mut opening = BytesMut::from(&b"{\"Items\":["[..]);
    opening.extend_from_slice(&first.joined);
    if tx.send(Ok(opening.freeze())).await.is_err() {
        return;
    }
    let mut in_flight = InFlight(VecDeque::with_capacity(concurrency));
    let mut queued = targets.into_iter().zip(2u64..);
    loop {
        while in_flight.0.len() < concurrency {
            let Some((target, number)) = queued.next() else { break };
            let (gateway, stats) = (gateway.clone(), stats.clone());
            in_flight.0.push_back((number, tokio::spawn(async move { fetch(&gateway, target, &stats).await })));
        }
        let Some((number, task)) = in_flight.0.pop_front() else { break };
        let page = match task.await {
            Ok(Ok(page)) => page,
            Ok(Err(e)) => {
                let message = format!("page {number}: {e}");
                stats.note(message.clone());
                let _ = tx.send(Err(message.into())).await;
                return;
            }
            Err(e) => {
                let _ = tx.send(Err(format!("page {number}: {e}").into())).await;
                return;
            }
        };
        if page.count > 0 {
            let mut piece = BytesMut::with_capacity(page.joined.len() + 1);
            if total > 0 {
                piece.extend_from_slice(b",");
            }
            piece.extend_from_slice(&page.joined);
            total += page.count;
            if tx.send(Ok(piece.freeze())).await.is_err() {
                return;
            }
        }
    }
    let closing = format!(
        "],\"Pagination\":{{\"NumberOfItems\":{total},\"PageSize\":{total},\"PageNumber\":1,\"NumberOfPages\":1}}}}"
    );
    let _ = tx.send(Ok(Bytes::from(closing))).await;
}

/// Fetches one page, signed for its query, and joins its items.
async fn fetch(gateway: &Gateway, target: String, stats: &Stats) -> Result<PageItems, PageError> {
    let upstream = gateway.upstream();
    let started = Instant::now();
    let response = upstream
        .send(&Method::GET, &target, Bytes::new(), MediaType::Json, stats)
        .await
        .map_err(PageError::Upstream)?;
    let status = response.status();
    let body = Limited::new(IdleTimeout::new(response.into_body(), upstream.timeout()), MAX_PAGE_BYTES);
    let body = body.collect().await.map_err(|e| PageError::Body(e.to_string()))?.to_bytes();
    if status != StatusCode::OK {
        return Err(PageError::Status { status, body });
    }
    // `send` counted the time to the headers; the body's time counts too.
    stats.add_body_time(started.elapsed());
    join_items(&body)
}

/// A page's items, as they came, joined with `,`.
fn join_items(body: &[u8]) -> Result<PageItems, PageError> {
    let page: Page<'_> = serde_json::from_slice(body).map_err(|e| PageError::NotAList(e.to_string()))?;
    let mut joined = BytesMut::with_capacity(body.len());
    for (i, item) in page.items.iter().enumerate() {
        if i > 0 {
            joined.extend_from_slice(b",");
        }
        joined.extend_from_slice(item.get().as_bytes());
    }
    Ok(PageItems {
        joined: joined.freeze(),
        count: page.items.len() as u64,
        number_of_pages: page.pagination.number_of_pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_joined_as_they_came() {
        let page = join_items(br#"{"Pagination":{"NumberOfItems":3,"PageSize":2,"PageNumber":1,"NumberOfPages":2},"Items":[{"a": 1}, "x",[2]]}"#);
        let page = page.unwrap();
        assert_eq!((&page.joined[..], page.count, page.number_of_pages), (&br#"{"a": 1},"x",[2]"#[..], 3, 2));
        let empty = join_items(br#"{"Items":[],"Pagination":{"NumberOfPages":0}}"#).unwrap();
        assert_eq!((empty.joined.len(), empty.count, empty.number_of_pages), (0, 0, 0));
        for broken in [&br#"{"Items":[]}"#[..], br#"{"Pagination":{"NumberOfPages":1}}"#, b"<xml/>", br#"{"Items":[1,"#]
        {
            assert!(matches!(join_items(broken), Err(PageError::NotAList(_))), "{}", String::from_utf8_lossy(broken));
        }
    }
}
