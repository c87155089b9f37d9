//! Every error's message, exactly: what a user reads in a log or a terminal must say what went wrong, where, and
//! what to do about it.

use unleashed_signer::{
    ApiId, ApiIdError, BuildError, ClientType, ClientTypeError, DecodeError, KeyError, KeyFormat, Place, QueryBuilder,
    SignedForm, SigningHeaders, SigningKey, VerifyError, WhitespaceKind,
};

fn key_error(secret: &[u8], format: KeyFormat) -> KeyError {
    SigningKey::new(secret, format).expect_err("the key must be refused")
}

#[test]
fn key_errors_name_the_problem_and_its_place_and_say_what_to_do() {
    let again = ": copy the key again without it (Unleashed keys never contain whitespace)";
    let cases = [
        (key_error(b"", KeyFormat::Text), "the API key is empty: set it to the key from Unleashed's API Access page"),
        (key_error(b"abc\n", KeyFormat::Text), &format!("the API key has a trailing newline{again}")),
        (key_error(b" abc", KeyFormat::Text), &format!("the API key has a leading space{again}")),
        (key_error(b"ab\tc", KeyFormat::Text), &format!("the API key has a tab at byte 2{again}")),
        (key_error(b"abc\r", KeyFormat::Text), &format!("the API key has a trailing carriage return{again}")),
        (
            key_error("a\u{a0}bc".as_bytes(), KeyFormat::Text),
            &format!("the API key has a whitespace character at byte 1{again}"),
        ),
        (
            key_error(b"ab\x07c", KeyFormat::Text),
            "the API key has a control character at byte 2: copy the key again as plain text",
        ),
        (
            key_error(b"ab\xffc", KeyFormat::Text),
            "the API key is not valid UTF-8 from byte 2: pass the key text exactly as Unleashed shows it",
        ),
        (
            key_error(b"abc", KeyFormat::Base64),
            "the key is not valid padded base64; Unleashed keys are used as text, so use the text key format",
        ),
        (
            key_error(&[b'A'; 260], KeyFormat::Base64),
            "the base64 key is longer than 256 characters: use the raw bytes key format for longer secrets",
        ),
    ];
    for (error, expected) in cases {
        assert_eq!(error.to_string(), expected, "{error:?}");
    }
    assert_eq!(
        key_error(b"abc\n", KeyFormat::Text),
        KeyError::Whitespace { place: Place::End, kind: WhitespaceKind::Newline }
    );
}

#[test]
fn decode_and_verify_errors_say_what_to_do() {
    let decode = "the query has a '%' at byte 2 that is not followed by two hex digits: write a literal '%' as %25, \
                  or sign the wire form";
    let key = SigningKey::from_text("made-up-key").unwrap();
    let error = key.sign_query(b"a=%zz", SignedForm::Decoded).unwrap_err();
    assert_eq!(error, DecodeError::MalformedEscape { offset: 2 });
    assert_eq!(error.to_string(), decode);
    let error = key.verify_query(b"a=%zz", SignedForm::Decoded, &[b'A'; 44]).unwrap_err();
    assert_eq!(error.to_string(), decode, "a decode error during verify reads as the decode error");
    let error = key.verify(b"a=1", &[b'A'; 44]).unwrap_err();
    assert_eq!(error, VerifyError::Mismatch);
    assert_eq!(
        error.to_string(),
        "the signature does not match: check the key, the signed form (decoded or wire) and that only the query is \
         signed"
    );
}

#[test]
fn build_errors_say_what_to_do() {
    let mut buf = [0u8; 4];
    let mut query = QueryBuilder::new(&mut buf);
    assert_eq!(
        query.push("name", "value").unwrap_err().to_string(),
        "the query buffer is too small: it needs 10 bytes"
    );
    assert_eq!(
        query.push("", "value").unwrap_err().to_string(),
        "a query parameter has an empty name: give every parameter a name"
    );
    assert_eq!(
        BuildError::BufferTooSmall { needed: 10 }.to_string(),
        "the query buffer is too small: it needs 10 bytes"
    );
}

#[test]
fn api_id_and_client_type_errors_say_what_to_do() {
    let hint = "copy the API id (a GUID like 01234567-89ab-cdef-0123-456789abcdef) from Unleashed's API Access page";
    let good = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    let cases = [
        (ApiId::parse("abc").unwrap_err(), format!("the API id is 3 characters long, not 36: {hint}")),
        (
            ApiId::parse(good.replacen('a', "g", 1)).unwrap_err(),
            format!("the API id has a non-hex character at byte 1: {hint}"),
        ),
        (ApiId::parse(good.replace('-', "x")).unwrap_err(), format!("the API id needs a '-' at byte 8: {hint}")),
    ];
    for (error, expected) in cases {
        assert_eq!(error.to_string(), expected);
    }
    assert_eq!(ApiId::parse("abc").unwrap_err(), ApiIdError::Length { len: 3 });

    let hint = "use the form partner_or_account/app_name, for example acme/orderautomation";
    let long = "a/".repeat(40);
    let cases = [
        (ClientType::parse("").unwrap_err(), format!("the client type is empty: {hint}")),
        (
            ClientType::parse(&long).unwrap_err(),
            format!("the client type is 80 bytes long, over the 64 allowed: {hint}"),
        ),
        (
            ClientType::parse("a/ b").unwrap_err(),
            format!("the client type has a space, control or non-ASCII character at byte 2: {hint}"),
        ),
        (ClientType::parse("acme").unwrap_err(), format!("the client type is not two names joined by one '/': {hint}")),
    ];
    for (error, expected) in cases {
        assert_eq!(error.to_string(), expected);
    }
    assert_eq!(ClientType::parse("").unwrap_err(), ClientTypeError::Empty);
}

#[test]
fn header_errors_read_as_the_value_they_are_about() {
    let key = SigningKey::from_text("made-up-key").unwrap();
    let id = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    let form = SignedForm::Decoded;
    let cases = [
        (SigningHeaders::for_url(&key, "abc", "a/b", "", form), ApiId::parse("abc").unwrap_err().to_string()),
        (SigningHeaders::for_url(&key, id, "acme", "", form), ClientType::parse("acme").unwrap_err().to_string()),
        (
            SigningHeaders::for_url(&key, id, "a/b", "?a=%zz", form),
            key.sign_query(b"a=%zz", form).unwrap_err().to_string(),
        ),
    ];
    for (result, expected) in cases {
        assert_eq!(result.unwrap_err().to_string(), expected);
    }
}
