//! `curl -v` and `curl --trace-ascii` output: the request heads curl sent, read back from its trace.

use super::raw::{self, NOT_A_HEADER, REQUEST_LINE, header_line, request_line};
use super::{CapturedRequest, Line, Stop, lines};

/// How to make a trace, for messages.
const HOW: &str = "save one with `curl -v URL 2> trace.txt` or `curl --trace-ascii trace.txt URL`";

/// Reads a `--trace-ascii` file when it has `=> Send header` blocks, otherwise `curl -v` output.
pub(super) fn parse(bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    let requests = if lines(bytes).any(|line| line.text.starts_with(b"=> Send header")) {
        trace_ascii(bytes)?
    } else {
        verbose(bytes)?
    };
    if requests.is_empty() {
        let last = lines(bytes).last().map_or(1, |line| line.number);
        return Err(Stop::line(
            last,
            format!("the file ends without a request curl sent (no `> GET /path HTTP/1.1` line): {HOW}"),
        ));
    }
    Ok(requests)
}

/// `curl -v`: the request head is the run of lines starting with `> `, ended by a lone `>`.
fn verbose(bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    let mut requests = Vec::new();
    let mut open: Option<CapturedRequest> = None;
    for line in lines(bytes) {
        let Some(rest) = line.text.strip_prefix(b">") else {
            requests.extend(open.take());
            continue;
        };
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        if rest.is_empty() {
            requests.extend(open.take());
        } else if let Some(request) = &mut open {
            request.headers.push(header_line(rest).ok_or_else(|| Stop::line(line.number, NOT_A_HEADER))?);
        } else {
            let (method, url) = request_line(rest).ok_or_else(|| {
                Stop::line(line.number, format!("expected `> ` and {REQUEST_LINE}: is this `curl -v` output?"))
            })?;
            open =
                Some(CapturedRequest { location: format!("line {}", line.number), method, url, headers: Vec::new() });
        }
    }
    requests.extend(open);
    Ok(requests)
}

/// `curl --trace-ascii`: each `=> Send header, N bytes` block holds one request head, cut into lines of at most
/// 64 characters at hex offsets; a gap of two bytes between offsets is the `\r\n` curl left out.
fn trace_ascii(bytes: &[u8]) -> Result<Vec<CapturedRequest>, Stop> {
    let mut requests = Vec::new();
    let mut lines = lines(bytes).peekable();
    while let Some(line) = lines.next() {
        let Some(size) = line.text.strip_prefix(b"=> Send header, ") else { continue };
        let size = std::str::from_utf8(size).ok().and_then(|s| s.split(' ').next()?.parse::<usize>().ok());
        let size = size.ok_or_else(|| Stop::line(line.number, "a `=> Send header` line without its byte count"))?;
        let mut head = Vec::with_capacity(size);
        while let Some((offset, data)) = lines.peek().and_then(|next| data_line(*next)) {
            let gap = offset.checked_sub(head.len()).filter(|gap| [0, 2].contains(gap));
            let gap = gap.ok_or_else(|| {
                let number = lines.peek().map_or(0, |l| l.number);
                Stop::line(
                    number,
                    format!("this line's offset does not follow the line before: the trace was edited; {HOW}"),
                )
            })?;
            if gap == 2 {
                head.extend_from_slice(b"\r\n");
            }
            head.extend_from_slice(data);
            lines.next();
        }
        if size.checked_sub(head.len()) == Some(2) {
            head.extend_from_slice(b"\r\n");
        }
        if head.len() != size {
            return Err(Stop::line(
                line.number,
                format!(
                    "this header block holds {} of the {size} bytes curl sent: the trace is cut short; {HOW}",
                    head.len()
                ),
            ));
        }
        let request = raw::parse_head(&head).map_err(|stop| Stop {
            at: format!("line {}", line.number),
            what: format!(
                "the header block starting here does not read as a request ({}: {}); is this `--trace` hex output? \
                 use --trace-ascii",
                stop.at, stop.what
            ),
        })?;
        requests
            .extend(request.map(|request| CapturedRequest { location: format!("line {}", line.number), ..request }));
    }
    Ok(requests)
}

/// `0040: text` (offset in hex), or `None` for any other line.
fn data_line(line: Line<'_>) -> Option<(usize, &[u8])> {
    let colon = line.text.iter().position(|&b| b == b':')?;
    let (offset, rest) = (&line.text[..colon], line.text[colon + 1..].strip_prefix(b" ")?);
    if offset.len() < 4 || !offset.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some((usize::from_str_radix(std::str::from_utf8(offset).ok()?, 16).ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERBOSE: &str = "*   Trying 127.0.0.1:45389...\n\
        > GET /Customers?customerCode=ACME HTTP/1.1\r\n> Host: 127.0.0.1:45389\r\n> api-auth-signature: abc\r\n> \r\n\
        < HTTP/1.0 403 Forbidden\r\n< \r\n* Closing connection 0\n\
        > POST /SalesOrders HTTP/2\r\n> content-length: 2\r\n>\n";

    /// Real `curl --trace-ascii` output (curl 7.88.1): the request line is cut at 64 characters.
    const TRACE: &str = "== Info:   Trying 127.0.0.1:45389...\n\
        => Send header, 259 bytes (0x103)\n\
        0000: POST /Customers?customerCode=ACME&aVeryLongParameterNameToWrapTh\n\
        0040: eLine=somethingsomethingsomethingxx HTTP/1.1\n\
        006e: Host: 127.0.0.1:45389\n\
        0085: User-Agent: curl/7.88.1\n\
        009e: Accept: */*\n\
        00ab: Cookie: s=secret\n\
        00bd: Content-Length: 5\n\
        00d0: Content-Type: application/x-www-form-urlencoded\n\
        0101: \n\
        => Send data, 5 bytes (0x5)\n\
        0000: hello\n\
        <= Recv header, 24 bytes (0x18)\n\
        0000: HTTP/1.0 403 Forbidden\n";

    #[test]
    fn reads_verbose_output() {
        let requests = parse(VERBOSE.as_bytes()).unwrap();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].location, "line 2");
        assert_eq!(requests[0].url, "/Customers?customerCode=ACME");
        assert_eq!(requests[0].header("api-auth-signature"), Some("abc"));
        assert_eq!((requests[1].method.as_str(), requests[1].headers.len()), ("POST", 1));
    }

    #[test]
    fn reads_trace_ascii_joining_cut_lines() {
        let requests = parse(TRACE.as_bytes()).unwrap();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.location, "line 2");
        assert_eq!(
            request.url,
            "/Customers?customerCode=ACME&aVeryLongParameterNameToWrapTheLine=somethingsomethingsomethingxx"
        );
        assert_eq!(request.header("cookie"), Some("s=secret"));
        assert_eq!(request.headers.len(), 6);
    }

    #[test]
    fn data_lines_start_with_a_hex_offset_of_four_digits_or_more() {
        let data = |text: &'static str| {
            data_line(Line { number: 1, start: 0, end: text.len(), text: text.as_bytes() })
                .map(|(o, d)| (o, d.to_vec()))
        };
        assert_eq!(data("0040: eLine=x"), Some((0x40, b"eLine=x".to_vec())));
        assert_eq!(data("10040: x"), Some((0x10040, b"x".to_vec())));
        assert_eq!(data("0101: "), Some((0x101, Vec::new())));
        assert_eq!(data("abc: x"), None, "three digits");
        assert_eq!(data("Host: x"), None);
        assert_eq!(data("0040:x"), None);
    }

    #[test]
    fn says_where_it_stopped() {
        let cut = &TRACE[..TRACE.find("00bd").unwrap()];
        let stop = parse(cut.as_bytes()).unwrap_err();
        assert_eq!(stop.at, "line 2");
        assert!(stop.what.contains("holds 187 of the 259 bytes"), "{}", stop.what);
        let stop = parse(b"* nothing sent\n* at all\n").unwrap_err();
        assert_eq!(stop.at, "line 2");
        assert!(stop.what.contains("without a request"), "{}", stop.what);
        assert_eq!(parse(b"> GET / HTTP/1.1\n> Host h\n").unwrap_err().at, "line 2");
        assert_eq!(parse(b"> Host: h\n").unwrap_err().at, "line 1");
        let skipped = parse(b"=> Send header, 20 bytes\n0000: GET / HTTP/1.1\n0020: Host: h\n").unwrap_err();
        assert_eq!(skipped.at, "line 3");
        assert!(skipped.what.contains("offset does not follow"), "{}", skipped.what);
    }
}
