//! The signing commands: each reads its inputs, calls the core, and returns what to print.

use unleashed_signer::{ClientType, MediaType, RequestHeaders, SignedForm};

use crate::args::{BuildArgs, CurlArgs, Format, Global, HeadersArgs, Identity, VerifyArgs};
use crate::capture;
use crate::credentials::{self, KeyText};
use crate::diagnose::{self, Verdict};
use crate::shell;
use crate::target::Target;
use crate::traffic;

/// What a command printed, and whether a signature matched.
pub struct Outcome {
    /// Text for stdout.
    pub stdout: String,
    /// `false` only for `verify` on a mismatch (exit code 1).
    pub matched: bool,
}

impl Outcome {
    /// Output of a command that succeeded.
    pub fn ok(stdout: String) -> Self {
        Self { stdout, matched: true }
    }
}

/// `headers`: the five headers for a URL.
pub fn headers(global: &Global, args: &HeadersArgs) -> Result<Outcome, String> {
    let target = Target::parse(&args.url)?;
    note_plus(&target);
    let form = SignedForm::from(global.signed_form);
    let signed = SignedHeaders::new(global, &args.identity, &target, form)?;
    let pairs = signed.pairs();
    let stdout = match args.format {
        Format::Text => pairs.iter().map(|(name, value)| format!("{name}: {value}\n")).collect(),
        Format::Json => json_object(&pairs.iter().map(|(name, value)| (*name, value.as_str())).collect::<Vec<_>>()),
    };
    Ok(Outcome::ok(stdout))
}

/// `curl`: one shell-quoted curl command line for the request.
pub fn curl(global: &Global, args: &CurlArgs) -> Result<Outcome, String> {
    let mut target = Target::parse(&args.url)?;
    note_plus(&target);
    target.append_params(&args.params)?;
    let url = target.absolute(&args.base_url)?;
    let method = match (&args.method, &args.data) {
        (Some(method), _) => checked_method(method)?,
        (None, Some(_)) => "POST".to_owned(),
        (None, None) => "GET".to_owned(),
    };
    let form = SignedForm::from(global.signed_form);
    let signed = SignedHeaders::new(global, &args.identity, &target, form)?;

    let mut words = vec!["curl".to_owned()];
    if method != "GET" {
        words.extend(["-X".to_owned(), method]);
    }
    for (name, value) in signed.pairs() {
        words.extend(["-H".to_owned(), format!("{name}: {value}")]);
    }
    // --max-redirs 0: curl sends every -H header to whatever host a redirect names, --location-trusted or not, so a
    // `-L` added to this line must not follow anything (docs/http-contract.md: redirects from a signed request).
    words.extend(["--max-redirs".to_owned(), "0".to_owned()]);
    if let Some(data) = &args.data {
        // --data-binary sends the body byte for byte; plain --data would strip newlines from an @file.
        words.extend(["--data-binary".to_owned(), data.clone()]);
    }
    // --globoff: curl must not read [ ] { } in the URL as its own patterns.
    words.extend(["--globoff".to_owned(), url]);
    Ok(Outcome::ok(shell::join(&words) + "\n"))
}

/// `build`: the encoded path-and-query and its signature.
pub fn build(global: &Global, args: &BuildArgs) -> Result<Outcome, String> {
    let mut target = Target::parse(&args.path)?;
    target.append_params(&args.params)?;
    let form = SignedForm::from(global.signed_form);
    let key = KeyText::load(global.key_file.as_deref())?.signing_key()?;
    let signature = key.sign_query(target.query().as_bytes(), form).map_err(|e| e.to_string())?;
    let path_and_query = target.path_and_query();
    let stdout = match args.format {
        Format::Text => format!("{path_and_query}\napi-auth-signature: {signature}\n"),
        Format::Json => json_object(&[
            ("path_and_query", path_and_query.as_str()),
            ("query", target.query()),
            ("signed_form", form_name(form)),
            ("api-auth-signature", signature.as_str()),
        ]),
    };
    Ok(Outcome::ok(stdout))
}

/// `verify`: whether the signature matches, and if not, which known mistake made it; or the same for every
/// signed request in a capture.
pub fn verify(global: &Global, args: &VerifyArgs) -> Result<Outcome, String> {
    let (url, signature) = match (&args.url, &args.signature) {
        (Some(url), Some(signature)) => (url, signature),
        _ => return verify_capture(global, args),
    };
    let target = Target::parse(url)?;
    let form = SignedForm::from(global.signed_form);
    let key = KeyText::load(global.key_file.as_deref())?;
    key.signing_key()?;
    let verdict = diagnose::verify(&key.text, &target, form, signature)?;
    let name = form_name(form);
    let mut out = String::new();
    let matched = match verdict {
        Verdict::Match { message, forms_agree } => {
            out += &format!("OK: the signature matches the {name} form of the query.\n");
            out += &format!("  signed: {}\n", diagnose::show(&message));
            if forms_agree {
                out += "  The decoded and wire forms are the same bytes here, so either server reading accepts it.\n";
            }
            out += "If Unleashed still answers 403: check that api-auth-id belongs to the same account as this key, \
                    and that the request carries exactly this URL and signature.\n";
            true
        }
        Verdict::Mismatch { message, expected, found, tried } => {
            out += &format!("MISMATCH: this is not the signature this key makes for the {name} form of the query.\n");
            out += &format!("  should sign: {}\n", diagnose::show(&message));
            out += &format!("  expected:    {expected}\n");
            out += &format!("  given:       {}\n", signature.trim());
            match found {
                Some(found) => {
                    out += &format!("Cause: {}.\n", found.cause);
                    out += &format!("  which signs: {}\n", diagnose::show(&found.message));
                    out += &format!("Fix: {}\n", found.fix);
                }
                None => {
                    out += &format!(
                        "No known mistake reproduces it ({tried} signatures tried: the other signed form, the key \
                         with surrounding whitespace, '+' for spaces, other parameter orders, the path included, a \
                         leading '?', an empty query, a base64-decoded key).\n"
                    );
                    out += &format!(
                        "Left: a different key (is {} the key of the account whose api-auth-id was sent?), or a \
                         different query (give the URL exactly as the client sent it, after its HTTP library \
                         encoded it).\n",
                        key.source
                    );
                }
            }
            false
        }
    };
    Ok(Outcome { stdout: out, matched })
}

/// `verify --har | --raw | --curl-trace`: every signed request in the capture, checked.
fn verify_capture(global: &Global, args: &VerifyArgs) -> Result<Outcome, String> {
    let (format, path) = match (&args.har, &args.raw, &args.curl_trace) {
        (Some(path), _, _) => (capture::Format::Har, path),
        (_, Some(path), _) => (capture::Format::Raw, path),
        (_, _, Some(path)) => (capture::Format::CurlTrace, path),
        _ => unreachable!("clap requires a URL or a capture"),
    };
    if path.as_os_str() == "-" && global.key_file.as_deref().is_some_and(|key| key.as_os_str() == "-") {
        return Err("the capture and --key-file cannot both be read from stdin: give one of them as a file".into());
    }
    let form = SignedForm::from(global.signed_form);
    let key = KeyText::load(global.key_file.as_deref())?;
    key.signing_key()?;
    let api_id = credentials::optional_api_id(args.api_id.as_deref())?;
    if api_id.is_none() {
        eprintln!(
            "unleashed-sign: note: {} is not set: api-auth-id is checked only for its shape, not for its account",
            credentials::API_ID_VAR
        );
    }
    let requests = capture::read(format, path).map_err(|e| e.to_string())?;
    let expected = traffic::Expected { key_text: &key.text, form, api_id, key_source: &key.source };
    let report = traffic::check(&requests, &expected);
    let stdout = match args.format.unwrap_or(Format::Text) {
        Format::Text => report.text(form),
        Format::Json => report.json(),
    };
    Ok(Outcome { stdout, matched: report.all_ok() })
}

/// The headers of one request, with the client type text they borrow.
struct SignedHeaders {
    api_id: unleashed_signer::ApiId,
    client_type: String,
    signature: unleashed_signer::Signature,
    media_type: MediaType,
}

impl SignedHeaders {
    fn new(global: &Global, identity: &Identity, target: &Target, form: SignedForm) -> Result<Self, String> {
        let key = KeyText::load(global.key_file.as_deref())?.signing_key()?;
        let api_id = credentials::api_id(identity.api_id.as_deref())?;
        let client_type = credentials::client_type(identity.client_type.as_deref())?;
        let signature = key.sign_query(target.query().as_bytes(), form).map_err(|e| e.to_string())?;
        Ok(Self { api_id, client_type, signature, media_type: identity.media_type.into() })
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let client = ClientType::parse(&self.client_type).expect("checked when read");
        let headers = RequestHeaders::new(&self.api_id, client, self.signature).with_media_type(self.media_type);
        headers.pairs().iter().map(|&(name, value)| (name, value.to_owned())).collect()
    }
}

/// A `+` on the wire is a plus sign to the decoded form: say so, since form-encoding habits read it as a space.
fn note_plus(target: &Target) {
    if target.query().contains('+') {
        eprintln!("unleashed-sign: note: '+' in the query is signed as a plus sign; write a space as %20");
    }
}

fn checked_method(method: &str) -> Result<String, String> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!("--method '{method}' is not an HTTP method: use GET, POST, PUT or DELETE"));
    }
    Ok(method.to_ascii_uppercase())
}

fn form_name(form: SignedForm) -> &'static str {
    match form {
        SignedForm::Decoded => "decoded",
        SignedForm::Wire => "wire",
    }
}

/// One JSON object on one line, keys in the given order.
fn json_object(pairs: &[(&str, &str)]) -> String {
    let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{}:{}", json_string(k), json_string(v))).collect();
    format!("{{{}}}\n", fields.join(","))
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_quotes_backslashes_and_controls() {
        assert_eq!(json_object(&[("a", "x\"y\\z\n")]), "{\"a\":\"x\\\"y\\\\z\\u000a\"}\n");
        // Only controls (below U+0020) are escaped: a space and everything above it stay as they are.
        assert_eq!(json_object(&[("a b", "\u{1f} ~\u{7f}\u{e9}")]), "{\"a b\":\"\\u001f ~\u{7f}\u{e9}\"}\n");
    }

    #[test]
    fn methods_are_tokens() {
        assert_eq!(checked_method("put").unwrap(), "PUT");
        assert!(checked_method("GET /").is_err());
        assert!(checked_method("").is_err());
    }
}
