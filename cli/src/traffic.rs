//! `verify` over captured traffic: every request that carries `api-auth-signature`, checked and reported.

use serde::Serialize;
use unleashed_signer::{ApiId, ClientType, SignedForm};

use crate::capture::CapturedRequest;
use crate::diagnose::{self, Verdict};
use crate::target::Target;

/// What was found in one capture.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The signed requests, in capture order.
    pub requests: Vec<Checked>,
    /// The counts.
    pub summary: Summary,
}

/// The counts of a report.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Requests that carry `api-auth-signature`.
    pub signed: usize,
    /// Signed requests without a problem.
    pub ok: usize,
    /// Signed requests with at least one problem.
    pub mismatch: usize,
    /// Requests without `api-auth-signature`, not checked.
    pub skipped: usize,
}

/// One signed request and what is wrong with it.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// Where it is in the capture, e.g. `entry 3`.
    pub location: String,
    /// The method.
    pub method: String,
    /// The path and query as sent (without scheme and host).
    pub target: String,
    /// Whether there is no problem.
    pub ok: bool,
    /// The bytes that should have been signed (as UTF-8, any invalid bytes replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub should_sign: Option<String>,
    /// The signature the key makes for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The signature the request carried.
    pub given: String,
    /// Each problem found, signature first.
    pub problems: Vec<Problem>,
}

/// One thing wrong with a request.
#[derive(Debug, Serialize)]
pub struct Problem {
    /// The header (or `url`) it is about.
    pub header: &'static str,
    /// What is wrong, one sentence.
    pub cause: String,
    /// What to do about it.
    pub fix: String,
}

impl Problem {
    fn new(header: &'static str, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { header, cause: cause.into(), fix: fix.into() }
    }
}

/// What a request is checked against: the key, the signed form and, when known, the account's API id.
pub struct Expected<'a> {
    /// The API key text.
    pub key_text: &'a str,
    /// Which bytes are signed.
    pub form: SignedForm,
    /// `UNLEASHED_API_ID`, or `None` when not set (then api-auth-id is only checked for its shape).
    pub api_id: Option<ApiId>,
    /// Where the key came from, for messages.
    pub key_source: &'a str,
}

/// Checks every request of a capture that carries `api-auth-signature`.
pub fn check(requests: &[CapturedRequest], expected: &Expected<'_>) -> Report {
    let checked: Vec<Checked> = requests.iter().filter_map(|request| check_one(request, expected)).collect();
    let ok = checked.iter().filter(|c| c.ok).count();
    let summary =
        Summary { signed: checked.len(), ok, mismatch: checked.len() - ok, skipped: requests.len() - checked.len() };
    Report { requests: checked, summary }
}

fn check_one(request: &CapturedRequest, expected: &Expected<'_>) -> Option<Checked> {
    let given = request.header("api-auth-signature")?.to_owned();
    let mut problems = Vec::new();
    let (mut should_sign, mut expected_signature) = (None, None);
    let target = match Target::parse(&request.url) {
        Ok(target) => {
            match diagnose::verify(expected.key_text, &target, expected.form, &given) {
                Ok(Verdict::Match { .. }) => {}
                Ok(Verdict::Mismatch { message, expected: signature, found, tried }) => {
                    should_sign = Some(String::from_utf8_lossy(&message).into_owned());
                    expected_signature = Some(signature);
                    problems.push(match found {
                        Some(found) => Problem::new("api-auth-signature", found.cause, found.fix),
                        None => Problem::new(
                            "api-auth-signature",
                            format!("no known mistake reproduces it ({tried} signatures tried)"),
                            format!(
                                "What is left: another key (is {} the key of the account whose api-auth-id was \
                                 sent?), or a query changed after it was signed.",
                                expected.key_source
                            ),
                        ),
                    });
                }
                Err(e) => problems.push(Problem::new("api-auth-signature", e, "Send the value the signer made.")),
            }
            target.path_and_query()
        }
        Err(e) => {
            problems.push(Problem::new("url", format!("the captured URL cannot be checked: {e}"), "Capture it again."));
            "<unreadable URL>".to_owned()
        }
    };
    problems.extend(check_api_id(request.header("api-auth-id"), expected.api_id));
    problems.extend(check_client_type(request.header("client-type")));
    Some(Checked {
        location: request.location.clone(),
        method: request.method.clone(),
        target,
        ok: problems.is_empty(),
        should_sign,
        expected: expected_signature,
        given,
        problems,
    })
}

fn check_api_id(sent: Option<&str>, ours: Option<ApiId>) -> Option<Problem> {
    const FIX: &str = "Send the API id and the API key of one account, both from its API Access page: Unleashed \
                       checks the signature with the key of the account the id names.";
    let Some(sent) = sent else {
        return Some(Problem::new("api-auth-id", "api-auth-id is missing", FIX));
    };
    match ApiId::parse(sent) {
        Err(e) => Some(Problem::new("api-auth-id", format!("api-auth-id is malformed: {e}"), FIX)),
        Ok(id) => match ours {
            Some(ours) if ours != id => Some(Problem::new(
                "api-auth-id",
                format!("api-auth-id {id} is another account's id: UNLEASHED_API_ID is {ours}"),
                FIX,
            )),
            _ => None,
        },
    }
}

fn check_client_type(sent: Option<&str>) -> Option<Problem> {
    const FIX: &str = "Send client-type: partner_or_account/app_name (e.g. acme/orderautomation) with every request.";
    match sent.map(ClientType::parse) {
        None => Some(Problem::new("client-type", "client-type is missing", FIX)),
        Some(Err(e)) => Some(Problem::new("client-type", format!("client-type is malformed: {e}"), FIX)),
        Some(Ok(_)) => None,
    }
}

impl Report {
    /// Whether every request was checked and fine: `false` also when no request carries a signature.
    pub fn all_ok(&self) -> bool {
        self.summary.signed > 0 && self.summary.mismatch == 0
    }

    /// One JSON object on one line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("a report is plain data") + "\n"
    }

    /// The report for a person: one block per signed request, then a summary line.
    pub fn text(&self, form: SignedForm) -> String {
        let form = match form {
            SignedForm::Decoded => "decoded",
            SignedForm::Wire => "wire",
        };
        let mut out = String::new();
        for checked in &self.requests {
            let status = if checked.ok { "OK" } else { "MISMATCH" };
            out += &format!("{} {} ({}): {status}\n", checked.method, checked.target, checked.location);
            for problem in &checked.problems {
                out += &format!("  Cause: {}.\n", problem.cause);
                if problem.header == "api-auth-signature"
                    && let (Some(should_sign), Some(expected)) = (&checked.should_sign, &checked.expected)
                {
                    out += &format!("    should sign: {should_sign:?} ({form} form)\n");
                    out += &format!("    expected:    {expected}\n");
                    out += &format!("    given:       {}\n", checked.given);
                }
                out += &format!("    Fix: {}\n", problem.fix);
            }
        }
        let Summary { signed, ok, mismatch, skipped } = self.summary;
        let skipped = match skipped {
            1 => "1 request without api-auth-signature skipped".to_owned(),
            n => format!("{n} requests without api-auth-signature skipped"),
        };
        if signed == 0 {
            out += &format!(
                "No request in the capture carries api-auth-signature ({skipped}): nothing was checked. If your \
                 client's requests are in it, they were sent unsigned.\n"
            );
        } else {
            let requests = if signed == 1 { "request" } else { "requests" };
            out += &format!("Checked {signed} signed {requests}: {ok} OK, {mismatch} MISMATCH; {skipped}.\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
    const ID: &str = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    /// `customerCode=ACME`, from Python's hmac.
    const SIG_ACME: &str = "Lmr+WDwecTdchBME7udl6DiaogGW+Gj6HgP8U5JS9qQ=";

    fn request(url: &str, headers: &[(&str, &str)]) -> CapturedRequest {
        CapturedRequest {
            location: "line 1".into(),
            method: "GET".into(),
            url: url.into(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        }
    }

    fn expected() -> Expected<'static> {
        Expected { key_text: KEY, form: SignedForm::Decoded, api_id: ApiId::parse(ID).ok(), key_source: "the key" }
    }

    #[test]
    fn a_right_request_is_ok_and_an_unsigned_one_is_skipped() {
        let good = [("API-Auth-Id", ID), ("api-auth-signature", SIG_ACME), ("client-type", "acme/app")];
        let report = check(
            &[request("https://h/Customers?customerCode=ACME", &good), request("/other", &[("Cookie", "x")])],
            &expected(),
        );
        assert!(report.all_ok());
        assert_eq!((report.summary.signed, report.summary.ok, report.summary.skipped), (1, 1, 1));
        assert_eq!(report.requests[0].target, "/Customers?customerCode=ACME");
        assert_eq!(
            report.text(SignedForm::Decoded),
            "GET /Customers?customerCode=ACME (line 1): OK\n\
             Checked 1 signed request: 1 OK, 0 MISMATCH; 1 request without api-auth-signature skipped.\n"
        );
    }

    #[test]
    fn names_each_problem() {
        let other_id = "ffffffff-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
        let bad = [("api-auth-id", other_id), ("api-auth-signature", SIG_ACME)];
        let report = check(&[request("/Customers?customerCode=ACMF", &bad)], &expected());
        assert!(!report.all_ok());
        let causes: Vec<&str> = report.requests[0].problems.iter().map(|p| p.cause.as_str()).collect();
        assert_eq!(causes.len(), 3, "{causes:?}");
        assert!(causes[0].starts_with("no known mistake"), "{causes:?}");
        assert!(causes[1].contains("another account's id"), "{causes:?}");
        assert_eq!(causes[2], "client-type is missing");
        // Without UNLEASHED_API_ID the id is only checked for its shape.
        let report = check(&[request("/C", &bad)], &Expected { api_id: None, ..expected() });
        assert!(!report.requests[0].problems.iter().any(|p| p.header == "api-auth-id"));
        let malformed = [("api-auth-id", "x"), ("api-auth-signature", SIG_ACME), ("client-type", "a b")];
        let report = check(&[request("/C?customerCode=ACME", &malformed)], &expected());
        let headers: Vec<&str> = report.requests[0].problems.iter().map(|p| p.header).collect();
        assert_eq!(headers, ["api-auth-id", "client-type"]);
    }

    #[test]
    fn nothing_signed_is_not_ok() {
        let report = check(&[request("/a", &[])], &expected());
        assert!(!report.all_ok());
        assert!(report.text(SignedForm::Decoded).starts_with("No request in the capture carries api-auth-signature"));
        assert_eq!(
            report.json(),
            "{\"requests\":[],\"summary\":{\"signed\":0,\"ok\":0,\"mismatch\":0,\"skipped\":1}}\n"
        );
    }
}
