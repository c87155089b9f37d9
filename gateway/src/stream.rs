//! Response bodies as they stream: the boxed body type, a body that logs its request's line when it ends, an idle
//! timeout for upstream bodies, and the channel body `/_all/` writes its merged document into.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep};

use crate::args::LogFormat;
use crate::logline::{Record, Stats};

/// An error while a body streams; its text goes to the log line, never a secret in it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every response body the gateway sends.
pub type Body = BoxBody<Bytes, BoxError>;

/// A whole body from bytes.
#[must_use]
pub fn full(bytes: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

/// Writes its request's log line once: when the body ends, fails, or is dropped unfinished (client gone).
pub struct Logged {
    inner: Body,
    bytes: u64,
    line: Option<(String, String, u16)>,
    stats: Arc<Stats>,
    format: LogFormat,
}

impl Logged {
    /// Wraps `inner`, the body of a `status` response to `method path`.
    #[must_use]
    pub fn new(inner: Body, method: String, path: String, status: u16, stats: Arc<Stats>, format: LogFormat) -> Self {
        Self { inner, bytes: 0, line: Some((method, path, status)), stats, format }
    }

    fn emit(&mut self) {
        if let Some((method, path, status)) = self.line.take() {
            Record::finish(method, path, status, self.bytes, &self.stats).emit(self.format);
        }
    }
}

impl HttpBody for Logged {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                self.bytes += frame.data_ref().map_or(0, |data| data.len() as u64);
                if self.inner.is_end_stream() {
                    self.emit();
                }
            }
            Poll::Ready(Some(Err(e))) => {
                self.stats.note(format!("response cut short: {e}"));
                self.emit();
            }
            Poll::Ready(None) => self.emit(),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        if self.line.is_some() && !self.inner.is_end_stream() {
            self.stats.note("the client went away before the response ended");
        }
        self.emit();
    }
}

/// The upstream sent nothing for the idle timeout in the middle of a body.
#[derive(Debug)]
pub struct IdleTimeoutError(pub Duration);

impl std::fmt::Display for IdleTimeoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the upstream sent nothing for {} s in the middle of its body", self.0.as_secs())
    }
}

impl std::error::Error for IdleTimeoutError {}

/// Fails a body that sends nothing for `idle`.
pub struct IdleTimeout<B> {
    inner: B,
    idle: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl<B> IdleTimeout<B> {
    /// Wraps `inner`.
    pub fn new(inner: B, idle: Duration) -> Self {
        Self { inner, idle, sleep: Box::pin(tokio::time::sleep(idle)) }
    }
}

impl<B> HttpBody for IdleTimeout<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let deadline = Instant::now() + self.idle;
                self.sleep.as_mut().reset(deadline);
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => match self.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(IdleTimeoutError(self.idle).into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A body fed through a channel by a task: `Err` ends it as failed (the client sees the response cut short).
pub struct Channel {
    rx: mpsc::Receiver<Result<Bytes, BoxError>>,
}

impl Channel {
    /// A body and the sender that feeds it, with room for `capacity` pieces in flight.
    #[must_use]
    pub fn new(capacity: usize) -> (mpsc::Sender<Result<Bytes, BoxError>>, Self) {
        let (tx, rx) = mpsc::channel(capacity);
        (tx, Self { rx })
    }
}

impl HttpBody for Channel {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.rx.poll_recv(cx).map(|piece| piece.map(|piece| piece.map(Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_timeout_fails_a_body_that_stalls() {
        let (tx, body) = Channel::new(2);
        let mut body = IdleTimeout::new(body, Duration::from_millis(50));
        tx.send(Ok(Bytes::from_static(b"a"))).await.unwrap();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first, "a");
        let stalled = body.frame().await.unwrap().unwrap_err();
        assert_eq!(stalled.to_string(), "the upstream sent nothing for 0 s in the middle of its body");
        drop(tx);
    }

    #[tokio::test]
    async fn idle_timeout_restarts_with_each_piece() {
        let (tx, body) = Channel::new(8);
        let body = IdleTimeout::new(body, Duration::from_millis(600));
        let feeder = tokio::spawn(async move {
            for _ in 0..4 {
                tokio::time::sleep(Duration::from_millis(250)).await;
                tx.send(Ok(Bytes::from_static(b"x"))).await.unwrap();
            }
        });
        // 1 s in all, more than the idle timeout, but never 600 ms without a piece.
        let collected = body.collect().await.unwrap().to_bytes();
        assert_eq!(collected, "xxxx");
        feeder.await.unwrap();
    }
}
