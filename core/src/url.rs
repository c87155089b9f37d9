//! Finding the signed part of a URL: the query after the first `?`, up to the fragment.

/// The query of a URL or path-and-query, without the `?`; empty when there is none.
///
/// The fragment (from the first `#`) is cut first, as RFC 3986 reads a URL, so a `?` inside a fragment is not a
/// query. Text with no `?` (`Customers`, or even `x=1`) has no query and signs as the empty message.
///
/// ```
/// use unleashed_signer::url::query;
/// assert_eq!(query("https://api.unleashedsoftware.com/Customers?customerCode=ACME#top"), "customerCode=ACME");
/// assert_eq!(query("/SalesOrders/3?pageSize=500"), "pageSize=500");
/// assert_eq!(query("Customers"), "");
/// ```
#[must_use]
pub fn query(url: &str) -> &str {
    let (start, end) = query_range(url.as_bytes());
    &url[start..end]
}

/// [`query`] over bytes, for URLs that are not known to be UTF-8.
#[must_use]
pub fn query_bytes(url: &[u8]) -> &[u8] {
    let (start, end) = query_range(url);
    &url[start..end]
}

fn query_range(url: &[u8]) -> (usize, usize) {
    let end = url.iter().position(|&b| b == b'#').unwrap_or(url.len());
    match url[..end].iter().position(|&b| b == b'?') {
        Some(question) => (question + 1, end),
        None => (end, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_documented_shape() {
        let cases = [
            ("https://host/Customers?x=1#frag", "x=1"),
            ("/Customers?x=1", "x=1"),
            ("Customers", ""),
            ("x=1", ""),
            ("?x=1", "x=1"),
            ("/a?b?c", "b?c"),
            ("/a#f?x=1", ""),
            ("/a?", ""),
            ("", ""),
        ];
        for (url, expected) in cases {
            assert_eq!(query(url), expected, "{url}");
            assert_eq!(query_bytes(url.as_bytes()), expected.as_bytes(), "{url}");
        }
    }
}
