//! `verify`'s search: when a signature does not match, re-create the known mistakes and name the one that fits.

use unleashed_signer::{SignedForm, SigningKey};
use zeroize::Zeroizing;

use crate::target::{Target, decode};

/// More parameters than this are tried only sorted and reversed, not in every order.
const MAX_PERMUTED_PARAMS: usize = 6;

/// What `verify` found.
#[derive(Debug)]
pub enum Verdict {
    /// The signature is the key's signature of the query in the asked form.
    Match {
        /// The bytes signed.
        message: Vec<u8>,
        /// Whether the other form is the same bytes, so either server reading accepts it.
        forms_agree: bool,
    },
    /// It is not.
    Mismatch {
        /// The bytes that should have been signed.
        message: Vec<u8>,
        /// The signature they give.
        expected: String,
        /// The mistake that reproduces the given signature, if one does.
        found: Option<Found>,
        /// How many candidate signatures were computed.
        tried: usize,
    },
}

/// A mistake that reproduces the given signature.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    /// What was done wrong, as one sentence.
    pub cause: String,
    /// What to do about it.
    pub fix: String,
    /// The bytes that were signed.
    pub message: Vec<u8>,
}

/// A way of making the key from its text: right, or one of the known mistakes.
struct KeyVariant {
    cause: Option<(String, String)>,
    key: SigningKey,
}

/// A message some client might have signed instead of the right one.
struct Candidate {
    cause: String,
    fix: String,
    message: Vec<u8>,
}

/// Checks `given` against the query of `target` signed with `key_text` in `form`; on a mismatch, searches.
pub fn verify(key_text: &str, target: &Target, form: SignedForm, given: &str) -> Result<Verdict, String> {
    let key = SigningKey::from_text(key_text).map_err(|e| e.to_string())?;
    let wire = target.query().as_bytes().to_vec();
    let decoded = decode(&wire).map_err(|e| e.to_string())?;
    let message = match form {
        SignedForm::Decoded => decoded.clone(),
        SignedForm::Wire => wire.clone(),
    };
    let expected = key.sign(&message);
    let (normalized, encoding_mistake) = normalize_signature(given)?;
    if expected.as_str() == normalized && encoding_mistake.is_none() {
        return Ok(Verdict::Match { message, forms_agree: wire == decoded });
    }

    let mut tried = 1;
    let found = if expected.as_str() == normalized {
        encoding_mistake.clone().map(|(cause, fix)| Found { cause, fix, message: message.clone() })
    } else {
        let candidates = candidates(target, form, &wire, &decoded);
        let keys = key_variants(key_text, key);
        let mut found = None;
        'search: for variant in &keys {
            for candidate in &candidates {
                if variant.cause.is_none() && candidate.message == message {
                    continue;
                }
                tried += 1;
                if variant.key.sign(&candidate.message).as_str() == normalized {
                    found = Some(combine(&encoding_mistake, &variant.cause, candidate));
                    break 'search;
                }
            }
        }
        found
    };
    Ok(Verdict::Mismatch { message, expected: expected.to_string(), found, tried })
}

/// Joins the causes that together reproduce the signature.
fn combine(encoding: &Option<(String, String)>, key: &Option<(String, String)>, candidate: &Candidate) -> Found {
    let (mut causes, mut fixes) = (Vec::new(), Vec::new());
    for (cause, fix) in [encoding, key].into_iter().flatten() {
        causes.push(cause.clone());
        fixes.push(fix.clone());
    }
    if !candidate.cause.is_empty() {
        causes.push(candidate.cause.clone());
        fixes.push(candidate.fix.clone());
    }
    Found { cause: causes.join("; and "), fix: fixes.join(" "), message: candidate.message.clone() }
}

/// The right key, then the key text with the whitespace that pasting, `echo` and Windows files add, then the key
/// base64-decoded (some clients of other APIs decode their secret).
fn key_variants(key_text: &str, key: SigningKey) -> Vec<KeyVariant> {
    let mut variants = vec![KeyVariant { cause: None, key }];
    let whitespace = [
        ("", "\n", "a trailing newline (\\n)"),
        ("", "\r\n", "a trailing Windows line ending (\\r\\n)"),
        ("", "\r", "a trailing carriage return (\\r)"),
        ("", " ", "a trailing space"),
        ("", "\t", "a trailing tab"),
        ("\n", "", "a leading newline (\\n)"),
        (" ", "", "a leading space"),
        (" ", " ", "a space on each side"),
        ("\n", "\n", "a newline on each side"),
    ];
    for (before, after, what) in whitespace {
        let mut bytes = Zeroizing::new(Vec::with_capacity(key_text.len() + 4));
        bytes.extend_from_slice(before.as_bytes());
        bytes.extend_from_slice(key_text.as_bytes());
        bytes.extend_from_slice(after.as_bytes());
        let key = SigningKey::from_bytes(&bytes).expect("not empty");
        let cause = format!("the signature was made with the API key plus {what}");
        let fix = "The key was read with the whitespace still on it (a file written by echo, a copied line, a .env \
                   file with Windows line endings): strip it where that client reads the key, then sign again."
            .to_owned();
        variants.push(KeyVariant { cause: Some((cause, fix)), key });
    }
    if let Ok(key) = SigningKey::from_base64(key_text) {
        let cause = "the signature was made with the API key base64-decoded".to_owned();
        let fix =
            "Unleashed uses the key's text as the HMAC key: pass the key string's bytes, never decode it.".to_owned();
        variants.push(KeyVariant { cause: Some((cause, fix)), key });
    }
    variants
}

/// Messages a client might have signed instead of the query in `form`, most likely first.
fn candidates(target: &Target, form: SignedForm, wire: &[u8], decoded: &[u8]) -> Vec<Candidate> {
    let (form_name, other, other_name, other_flag) = match form {
        SignedForm::Decoded => ("decoded", wire, "wire", "wire"),
        SignedForm::Wire => ("wire", decoded, "decoded", "decoded"),
    };
    let in_form = |bytes: &[u8]| match form {
        SignedForm::Decoded => decode(bytes).unwrap_or_else(|_| bytes.to_vec()),
        SignedForm::Wire => bytes.to_vec(),
    };
    let this = in_form(wire);
    let mut out = Vec::new();
    let mut add = |cause: String, fix: String, message: Vec<u8>| {
        if !out.iter().any(|c: &Candidate| c.message == message) {
            out.push(Candidate { cause, fix, message });
        }
    };

    add(String::new(), String::new(), this.clone());
    add(
        format!("the {other_name} form of the query was signed, where the {form_name} form is checked"),
        format!(
            "Sign the {form_name} form ({}), or, if your account checks the {other_name} form, use \
             --signed-form {other_flag} here and SignedForm::{} when signing.",
            describe_form(form),
            if other_name == "wire" { "Wire" } else { "Decoded" }
        ),
        other.to_vec(),
    );

    let plus_fix = "Percent-encode a space as %20 (never +) and sign the same bytes you send; \
                    `unleashed-sign build` prints both."
        .to_owned();
    let wire_plus = replace(wire, b"%20", b"+");
    add("spaces were signed as '+' (form encoding) instead of %20".into(), plus_fix.clone(), in_form(&wire_plus));
    add("spaces were signed as '+' (form encoding) instead of %20".into(), plus_fix.clone(), wire_plus);
    let plus_as_space = decode(&replace(wire, b"+", b"%20")).unwrap_or_default();
    add("'+' in the query was signed as a space (form decoding)".into(), plus_fix.clone(), plus_as_space);
    add("spaces were signed as '+' in the decoded query".into(), plus_fix, replace(decoded, b" ", b"+"));

    for (name, bytes) in [(form_name, &this), (other_name, &other.to_vec())] {
        add(
            format!("a leading '?' was signed with the {name} form of the query"),
            "Sign only the query, without its '?'.".into(),
            [b"?".as_slice(), bytes].concat(),
        );
    }

    let path_fix = "Sign only the query: the part after '?', without path or host.".to_owned();
    let path_and_query = target.path_and_query();
    let mut paths = vec![path_and_query.clone(), format!("/{}", path_and_query.trim_start_matches('/'))];
    paths.push(path_and_query.trim_start_matches('/').to_owned());
    if let Some(origin) = &target.origin {
        paths.push(format!("{origin}{path_and_query}"));
    }
    for path in paths {
        let (path_part, query_part) = path.split_once('?').unwrap_or((&path, ""));
        for (name, query) in [(form_name, in_form(query_part.as_bytes())), (other_name, other.to_vec())] {
            let message = [path_part.as_bytes(), b"?", &query].concat();
            add(
                format!("the path was signed with the {name} form of the query: {}", show(&message)),
                path_fix.clone(),
                message,
            );
        }
    }

    add(
        "an empty query was signed (the client signed before adding the query, or signed the body)".into(),
        "Sign the query that is sent; only a request without a query signs the empty string.".into(),
        Vec::new(),
    );

    for order in other_orders(wire) {
        let order_fix = "Sign the query in the order it is sent: build it once and use that one string for both.";
        let joined = order.join(&b'&');
        add(
            format!("the parameters were signed in another order: {}", show(&in_form(&joined))),
            order_fix.into(),
            in_form(&joined),
        );
        add(
            format!("the parameters were signed in another order, in the {other_name} form: {}", show(&joined)),
            order_fix.into(),
            if form == SignedForm::Decoded { joined.clone() } else { decode(&joined).unwrap_or_default() },
        );
    }
    out
}

fn describe_form(form: SignedForm) -> &'static str {
    match form {
        SignedForm::Decoded => "the query percent-decoded, as a person writes it",
        SignedForm::Wire => "the query exactly as sent",
    }
}

/// Every other order of the `&`-separated parameters, or for many parameters only sorted and reversed.
fn other_orders(wire: &[u8]) -> Vec<Vec<&[u8]>> {
    let params: Vec<&[u8]> = wire.split(|&b| b == b'&').collect();
    if params.len() < 2 {
        return Vec::new();
    }
    let mut orders = Vec::new();
    if params.len() <= MAX_PERMUTED_PARAMS {
        permute(&mut params.clone(), 0, &mut orders);
    } else {
        let mut sorted = params.clone();
        sorted.sort();
        orders.push(sorted);
        orders.push(params.iter().rev().copied().collect());
    }
    orders.retain(|order| *order != params);
    orders
}

fn permute<'a>(items: &mut Vec<&'a [u8]>, from: usize, out: &mut Vec<Vec<&'a [u8]>>) {
    if from == items.len() {
        out.push(items.clone());
        return;
    }
    for i in from..items.len() {
        items.swap(from, i);
        permute(items, from + 1, out);
        items.swap(from, i);
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// Bytes shown quoted, with anything unprintable escaped.
pub fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// Reads the given signature leniently, so that a right HMAC in the wrong encoding is named as such.
///
/// Returns the standard base64 text and, when the given text was not that, the mistake and its fix.
fn normalize_signature(given: &str) -> Result<(String, Option<(String, String)>), String> {
    let trimmed = given.trim();
    if trimmed.is_empty() {
        return Err("the signature is empty: pass the api-auth-signature value the client sent".into());
    }
    let mistake = |cause: &str| {
        Some((cause.to_owned(), "Send base64 (standard alphabet, with '=' padding, 44 characters) of the MAC.".into()))
    };
    if trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        let bytes: Vec<u8> =
            (0..32).map(|i| u8::from_str_radix(&trimmed[2 * i..2 * i + 2], 16).expect("hex")).collect();
        return Ok((base64(&bytes), mistake("the signature is written in hex instead of base64")));
    }
    let is_base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    let body = trimmed.trim_end_matches('=');
    if body.len() != 43 || !body.bytes().all(is_base64) || trimmed.len() - body.len() > 1 {
        return Err(format!(
            "the signature is not the shape of one: an api-auth-signature is 44 characters of base64 ending in '=', \
             this is {} characters",
            trimmed.chars().count()
        ));
    }
    let standard = format!("{}=", body.replace('-', "+").replace('_', "/"));
    let cause = if body.contains(['-', '_']) {
        mistake("the signature uses the URL-safe base64 alphabet ('-' and '_') instead of the standard one")
    } else if trimmed.len() == 43 {
        mistake("the signature is missing its final '=' padding")
    } else {
        None
    };
    Ok((standard, cause))
}

fn base64(bytes: &[u8]) -> String {
    use base64ct::{Base64, Encoding};
    Base64::encode_string(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";

    fn found(url: &str, form: SignedForm, signature: &str) -> Found {
        let target = Target::parse(url).unwrap();
        match verify(KEY, &target, form, signature).unwrap() {
            Verdict::Mismatch { found: Some(found), .. } => found,
            other => panic!("{url}: {other:?}"),
        }
    }

    fn sign(key: &[u8], message: &str) -> String {
        SigningKey::from_bytes(key).unwrap().sign(message.as_bytes()).to_string()
    }

    #[test]
    fn base64_matches_the_cores_signature_encoding() {
        // Python: base64.b64encode(hmac.new(KEY, b"customerCode=ACME", hashlib.sha256).digest())
        assert_eq!(sign(KEY.as_bytes(), "customerCode=ACME"), "Lmr+WDwecTdchBME7udl6DiaogGW+Gj6HgP8U5JS9qQ=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn a_right_signature_matches() {
        let target = Target::parse("Customers?customerCode=ACME").unwrap();
        let sig = sign(KEY.as_bytes(), "customerCode=ACME");
        assert!(matches!(
            verify(KEY, &target, SignedForm::Decoded, &sig).unwrap(),
            Verdict::Match { forms_agree: true, .. }
        ));
    }

    #[test]
    fn names_each_known_cause() {
        let url = "/Customers?customerName=Acme%20Sons&page=2";
        let key_nl = [KEY.as_bytes(), b"\n"].concat();
        let cases = [
            (sign(KEY.as_bytes(), "customerName=Acme%20Sons&page=2"), "wire form"),
            (sign(&key_nl, "customerName=Acme Sons&page=2"), "trailing newline"),
            (sign(&[b" ", KEY.as_bytes()].concat(), "customerName=Acme Sons&page=2"), "leading space"),
            (sign(KEY.as_bytes(), "customerName=Acme+Sons&page=2"), "'+'"),
            (sign(KEY.as_bytes(), "page=2&customerName=Acme Sons"), "another order"),
            (sign(KEY.as_bytes(), "/Customers?customerName=Acme Sons&page=2"), "path was signed"),
            (sign(KEY.as_bytes(), "?customerName=Acme Sons&page=2"), "leading '?'"),
            (sign(KEY.as_bytes(), ""), "empty query"),
            (sign(&key_nl, "customerName=Acme%20Sons&page=2"), "trailing newline (\\n); and the wire form"),
        ];
        for (signature, cause) in cases {
            let found = found(url, SignedForm::Decoded, &signature);
            assert!(found.cause.contains(cause), "{cause}: {}", found.cause);
        }
        let wire = found(url, SignedForm::Wire, &sign(KEY.as_bytes(), "customerName=Acme Sons&page=2"));
        assert!(wire.cause.contains("decoded form"), "{}", wire.cause);
    }

    #[test]
    fn names_a_right_mac_in_the_wrong_encoding() {
        let sig = sign(KEY.as_bytes(), "customerCode=ACME");
        let url = "Customers?customerCode=ACME";
        assert!(found(url, SignedForm::Decoded, sig.trim_end_matches('=')).cause.contains("padding"));
        let url_safe = sig.replace('+', "-").replace('/', "_");
        assert!(found(url, SignedForm::Decoded, &url_safe).cause.contains("URL-safe"));
        // Python: hmac.new(KEY, b"customerCode=ACME", hashlib.sha256).hexdigest()
        let hex = "2e6afe583c1e71375c841304eee765e8389aa20196f868fa1e03fc539252f6a4";
        assert!(found(url, SignedForm::Decoded, hex).cause.contains("hex"));
        assert!(found(url, SignedForm::Decoded, &hex.to_uppercase()).cause.contains("hex"));
    }

    #[test]
    fn an_unknown_signature_is_a_mismatch_with_no_cause() {
        let target = Target::parse("Customers?a=1&b=2&c=3").unwrap();
        let other = sign(b"another key", "a=1&b=2&c=3");
        match verify(KEY, &target, SignedForm::Decoded, &other).unwrap() {
            Verdict::Mismatch { found: None, tried, .. } => assert!(tried > 50, "{tried}"),
            other => panic!("{other:?}"),
        }
        assert!(verify(KEY, &target, SignedForm::Decoded, "abc").unwrap_err().contains("44 characters"));
        let body = &other[..43];
        for shape in [format!("{}!=", &body[..42]), format!("{body}=="), format!("{body}===")] {
            let error = verify(KEY, &target, SignedForm::Decoded, &shape).unwrap_err();
            assert!(error.contains("44 characters"), "{shape}: {error}");
        }
    }

    #[test]
    fn names_another_order_in_either_form_among_many_orders() {
        // A rotation is neither the sorted nor the reversed order: only trying every order finds it.
        let rotated = found("Customers?a=1&b=2&c=3", SignedForm::Decoded, &sign(KEY.as_bytes(), "b=2&c=3&a=1"));
        assert!(rotated.cause.contains("another order"), "{}", rotated.cause);
        assert_eq!(rotated.message, b"b=2&c=3&a=1");
        let url = "/Customers?customerName=Acme%20Sons&page=2";
        let wire_order = found(url, SignedForm::Decoded, &sign(KEY.as_bytes(), "page=2&customerName=Acme%20Sons"));
        assert!(wire_order.cause.contains("another order, in the wire form"), "{}", wire_order.cause);
        let decoded_order = found(url, SignedForm::Wire, &sign(KEY.as_bytes(), "page=2&customerName=Acme Sons"));
        assert!(decoded_order.cause.contains("another order, in the decoded form"), "{}", decoded_order.cause);
    }

    #[test]
    fn the_fix_for_the_other_form_describes_the_form_to_sign() {
        let url = "/Customers?customerName=Acme%20Sons";
        let wire = found(url, SignedForm::Decoded, &sign(KEY.as_bytes(), "customerName=Acme%20Sons"));
        assert!(wire.fix.starts_with("Sign the decoded form (the query percent-decoded, as a person writes it)"));
        let decoded = found(url, SignedForm::Wire, &sign(KEY.as_bytes(), "customerName=Acme Sons"));
        assert!(decoded.fix.starts_with("Sign the wire form (the query exactly as sent)"), "{}", decoded.fix);
    }
}
