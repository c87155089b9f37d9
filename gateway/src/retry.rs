//! When a GET is tried again: after 429 Too Many Requests or 503 Service Unavailable with a `Retry-After` in
//! seconds, a bounded number of times, waiting no longer than configured. Writes are never retried.

use std::time::Duration;

use hyper::StatusCode;
use hyper::header::{HeaderMap, RETRY_AFTER};

/// How many times, and how long at most, a read is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub retries: u32,
    /// The longest `Retry-After` waited for; a longer one is passed back to the client as it came.
    pub max_wait: Duration,
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1` (`attempt` counts from 1) of a request answered `status`
    /// with `headers`, or `None` to pass the answer back. `idempotent` is false for writes, which are never retried.
    #[must_use]
    pub fn delay(&self, idempotent: bool, attempt: u32, status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
        if !idempotent || attempt > self.retries {
            return None;
        }
        if status != StatusCode::TOO_MANY_REQUESTS && status != StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        let seconds: u64 = headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
        let wait = Duration::from_secs(seconds);
        (wait <= self.max_wait).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, value.parse().unwrap());
        headers
    }

    #[test]
    fn retries_only_reads_answered_429_or_503_with_a_short_retry_after() {
        let policy = RetryPolicy { retries: 2, max_wait: Duration::from_secs(5) };
        let busy = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(policy.delay(true, 1, busy, &after("1")), Some(Duration::from_secs(1)));
        assert_eq!(policy.delay(true, 2, StatusCode::SERVICE_UNAVAILABLE, &after(" 5 ")), Some(Duration::from_secs(5)));
        assert_eq!(policy.delay(true, 3, busy, &after("1")), None, "two retries, then the answer goes back");
        assert_eq!(policy.delay(false, 1, busy, &after("1")), None, "writes are never retried");
        assert_eq!(policy.delay(true, 1, busy, &after("6")), None, "longer than --retry-max-wait");
        assert_eq!(policy.delay(true, 1, busy, &HeaderMap::new()), None, "no Retry-After");
        assert_eq!(policy.delay(true, 1, busy, &after("Wed, 21 Oct 2015 07:28:00 GMT")), None, "a date");
        assert_eq!(policy.delay(true, 1, StatusCode::BAD_GATEWAY, &after("1")), None);
        assert_eq!(policy.delay(true, 1, StatusCode::OK, &after("1")), None);
        let off = RetryPolicy { retries: 0, ..policy };
        assert_eq!(off.delay(true, 1, busy, &after("1")), None);
    }
}
