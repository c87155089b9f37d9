//! The C ABI, called from Rust exactly as C calls it: a sequence of calls with arbitrary lengths, NULLs,
//! misaligned or uninitialised storage, too-small buffers and arbitrary enum numbers.
//!
//! Checked on every call: no panic reaches the boundary (`UNLEASHED_PANIC` is never returned); nothing is written
//! outside the buffers given (canary bytes after each, and AddressSanitizer); outputs are written only on success;
//! a call with exactly one bad argument returns that argument's status, and one with several returns one of theirs;
//! a call with none returns what the Rust API gives (signatures equal to the `hmac` crate's); a query built in a C
//! buffer equals the oracle's encoding, stays NUL-terminated and reports the exact size it needs.
//!
//! Input: a sequence of operations, decoded with `arbitrary::Unstructured` (see `Op`).
#![no_main]

use std::ffi::{CStr, c_char};

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use unleashed_signer::{
    ApiId, ClientType, DecodeError, HeaderError, KeyError, KeyFormat, SignedForm, SigningHeaders, SigningKey,
    VerifyError,
};
use unleashed_signer_ffi::unleashed_status::{self, *};
use unleashed_signer_ffi::*;
use unleashed_signer_fuzz::{base64_decode_strict, hmac_signature, percent_encode};

const CANARY: u8 = 0xA5;
const GUARD: usize = 16;
const KEY_WORDS: usize = 17;
const QUERY_WORDS: usize = 5;

fuzz_target!(|data: &[u8]| {
    assert!(unleashed_key_size() <= (KEY_WORDS - 1) * 8 && unleashed_query_size() <= (QUERY_WORDS - 1) * 8);
    let mut u = Unstructured::new(data);
    let mut world = World::new();
    for _ in 0..64 {
        if u.is_empty() || world.step(&mut u).is_err() {
            break;
        }
    }
    world.check_query_buffer();
    // SAFETY: the live key storage is valid and aligned.
    unsafe { unleashed_key_clear(world.key_ptr()) };
    assert!(world.key_words.iter().all(|&w| w == 0), "unleashed_key_clear left bytes behind");
});

/// An input argument: a pointer and a length.
enum Input<'a> {
    Bytes(&'a [u8]),
    /// NULL with length 0: the empty input.
    NullEmpty,
    /// NULL with a non-zero length: `UNLEASHED_NULL_POINTER`.
    NullWithLength(usize),
    /// A real pointer with a length no object can have: `UNLEASHED_INVALID_LENGTH`, checked before any read.
    Huge(usize),
}

impl<'a> Input<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=9)? {
            0 => Self::NullEmpty,
            1 => Self::NullWithLength(u.int_in_range(1..=usize::MAX)?),
            2 => Self::Huge(u.int_in_range(isize::MAX as usize + 1..=usize::MAX)?),
            _ => {
                let len = u.int_in_range(0..=u.len().min(300))?;
                Self::Bytes(u.bytes(len)?)
            }
        })
    }

    fn raw(&self) -> (*const c_char, usize) {
        match *self {
            Self::Bytes(bytes) => (bytes.as_ptr().cast(), bytes.len()),
            Self::NullEmpty => (std::ptr::null(), 0),
            Self::NullWithLength(len) => (std::ptr::null(), len),
            Self::Huge(len) => (c"x".as_ptr(), len),
        }
    }

    fn problem(&self) -> Option<unleashed_status> {
        match self {
            Self::NullWithLength(_) => Some(UNLEASHED_NULL_POINTER),
            Self::Huge(_) => Some(UNLEASHED_INVALID_LENGTH),
            Self::Bytes(_) | Self::NullEmpty => None,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        match *self {
            Self::Bytes(bytes) => bytes,
            _ => &[],
        }
    }
}

/// An output buffer for a signature, followed by canary bytes.
struct Out {
    buf: Vec<u8>,
    len: usize,
    null: bool,
}

impl Out {
    fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        let null = u.ratio(1, 12)?;
        let len = if u.ratio(3, 4)? { u.int_in_range(45..=60)? } else { u.int_in_range(0..=44)? };
        Ok(Self { buf: vec![CANARY; len + GUARD], len, null })
    }

    fn raw(&mut self) -> (*mut c_char, usize) {
        let ptr = if self.null { std::ptr::null_mut() } else { self.buf.as_mut_ptr().cast() };
        (ptr, self.len)
    }

    fn problem(&self) -> Option<unleashed_status> {
        if self.null {
            Some(UNLEASHED_NULL_POINTER)
        } else if self.len < UNLEASHED_SIGNATURE_BUFFER_LEN {
            Some(UNLEASHED_BUFFER_TOO_SMALL)
        } else {
            None
        }
    }

    /// On success the signature and a NUL, and nothing else; on failure nothing at all.
    fn check(&self, status: unleashed_status, expected: Option<&[u8]>) {
        let written = if status == UNLEASHED_OK {
            let expected = expected.expect("success only where the model expects a signature");
            assert_eq!(&self.buf[..44], expected, "wrong signature");
            assert_eq!(self.buf[44], 0, "signature not NUL-terminated");
            45
        } else {
            0
        };
        assert!(self.buf[written..].iter().all(|&b| b == CANARY), "{status:?}: bytes written past the output");
    }
}

/// Which storage a call gets for a key or a query.
#[derive(Clone, Copy, Debug)]
enum Storage {
    Live,
    Null,
    Misaligned,
    /// Zeroed storage never initialised.
    Zeroed,
    /// Storage full of a non-zero pattern, never initialised.
    Filled,
}

impl Storage {
    fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        Ok(match u.int_in_range(0u8..=11)? {
            0 => Self::Null,
            1 => Self::Misaligned,
            2 => Self::Zeroed,
            3 => Self::Filled,
            _ => Self::Live,
        })
    }
}

struct LiveKey {
    rust: SigningKey,
    /// The HMAC key bytes the secret stands for, for the `hmac`-crate oracle.
    hmac_key: Vec<u8>,
}

struct LiveQuery {
    /// The caller buffer (capacity `cap`, then canaries).
    buf: Vec<u8>,
    cap: usize,
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
}

struct World {
    key_words: Box<[u64; KEY_WORDS]>,
    spare_words: Box<[u64; KEY_WORDS]>,
    key: Option<LiveKey>,
    query_words: Box<[u64; QUERY_WORDS]>,
    query: Option<LiveQuery>,
}

/// Every status a call with these problems may return: the only one, or any of several; `None` when there is none.
fn expect(status: unleashed_status, problems: &[Option<unleashed_status>]) -> bool {
    assert_ne!(status, UNLEASHED_PANIC, "a panic reached the C boundary");
    let problems: Vec<unleashed_status> = problems.iter().flatten().copied().collect();
    if problems.is_empty() {
        return true;
    }
    assert!(problems.contains(&status), "got {status:?}, expected one of {problems:?}");
    false
}

fn form_of(number: u32) -> Option<SignedForm> {
    match number {
        UNLEASHED_SIGNED_FORM_DECODED => Some(SignedForm::Decoded),
        UNLEASHED_SIGNED_FORM_WIRE => Some(SignedForm::Wire),
        _ => None,
    }
}

fn arbitrary_enum(u: &mut Unstructured<'_>, known: u32) -> Result<u32> {
    if u.ratio(7, 8)? { u.int_in_range(0..=known - 1) } else { u.arbitrary() }
}

fn key_status(error: KeyError) -> unleashed_status {
    match error {
        KeyError::Empty => UNLEASHED_EMPTY_KEY,
        KeyError::Whitespace { .. } => UNLEASHED_KEY_WHITESPACE,
        KeyError::Control { .. } => UNLEASHED_KEY_CONTROL_CHARACTER,
        KeyError::NotUtf8 { .. } => UNLEASHED_KEY_NOT_UTF8,
        KeyError::InvalidBase64 => UNLEASHED_INVALID_BASE64,
        KeyError::Base64TooLong { .. } => UNLEASHED_BASE64_KEY_TOO_LONG,
        _ => UNLEASHED_INVALID_KEY,
    }
}

fn decode_status(error: DecodeError) -> unleashed_status {
    match error {
        DecodeError::MalformedEscape { .. } => UNLEASHED_MALFORMED_ESCAPE,
        _ => UNLEASHED_MALFORMED_ESCAPE,
    }
}

impl World {
    fn new() -> Self {
        Self {
            key_words: Box::new([0; KEY_WORDS]),
            spare_words: Box::new([0; KEY_WORDS]),
            key: None,
            query_words: Box::new([0; QUERY_WORDS]),
            query: None,
        }
    }

    fn key_ptr(&mut self) -> *mut unleashed_key {
        self.key_words.as_mut_ptr().cast()
    }

    /// A pointer for `storage`, and the problem it brings (for the live key: whether it is initialised).
    fn key_arg(&mut self, storage: Storage) -> (*mut unleashed_key, Option<unleashed_status>) {
        let live = (self.key_ptr(), self.key.is_none().then_some(UNLEASHED_KEY_NOT_INITIALISED));
        self.storage_arg(storage, live, UNLEASHED_KEY_NOT_INITIALISED)
    }

    /// As `key_arg`, for the query.
    fn query_arg(&mut self, storage: Storage) -> (*mut unleashed_query, Option<unleashed_status>) {
        let live =
            (self.query_words.as_mut_ptr().cast(), self.query.is_none().then_some(UNLEASHED_QUERY_NOT_INITIALISED));
        self.storage_arg(storage, live, UNLEASHED_QUERY_NOT_INITIALISED)
    }

    /// `live` for the live storage; otherwise NULL, a misaligned pointer, or spare storage zeroed or filled with
    /// garbage, which reads as `not_initialised`.
    fn storage_arg<T>(
        &mut self,
        storage: Storage,
        live: (*mut T, Option<unleashed_status>),
        not_initialised: unleashed_status,
    ) -> (*mut T, Option<unleashed_status>) {
        match storage {
            Storage::Live => live,
            Storage::Null => (std::ptr::null_mut(), Some(UNLEASHED_NULL_POINTER)),
            Storage::Misaligned => {
                let ptr = self.spare_words.as_mut_ptr().cast::<u8>().wrapping_add(1).cast();
                (ptr, Some(UNLEASHED_MISALIGNED_POINTER))
            }
            Storage::Zeroed | Storage::Filled => {
                let fill = if matches!(storage, Storage::Zeroed) { 0 } else { 0xA5A5_A5A5_A5A5_A5A5 };
                self.spare_words.fill(fill);
                (self.spare_words.as_mut_ptr().cast(), Some(not_initialised))
            }
        }
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0u8..=13)? {
            13 => self.headers_for_url(u),
            12 => self.build_query(u),
            0 => self.key_init(u),
            1 => self.key_clear(u),
            2 => self.sign(u),
            3 => self.sign_query_or_url(u, false),
            4 => self.sign_query_or_url(u, true),
            5 => self.verify(u),
            6 => self.query_init(u),
            7 | 8 => self.query_push(u),
            9 => self.query_sign(u),
            10 => {
                let number: u32 = u.arbitrary()?;
                let text = unleashed_status_str(number);
                assert!(!text.is_null());
                // SAFETY: the library returns a static NUL-terminated string.
                let text = unsafe { CStr::from_ptr(text) }.to_str().expect("messages are UTF-8");
                assert!(!text.is_empty());
                Ok(())
            }
            _ => self.header_values(u),
        }
    }

    fn key_init(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let secret = Input::arbitrary(u)?;
        let format = arbitrary_enum(u, 3)?;
        let (key, key_problem) = self.key_arg(storage);
        // An uninitialised live key is no problem for init.
        let key_problem =
            if matches!(storage, Storage::Live | Storage::Zeroed | Storage::Filled) { None } else { key_problem };
        let format_problem = (format > UNLEASHED_KEY_FORMAT_RAW).then_some(UNLEASHED_INVALID_KEY_FORMAT);
        let (ptr, len) = secret.raw();
        // SAFETY: every pointer is NULL, misaligned on purpose (rejected before use) or valid for its length.
        let status = unsafe { unleashed_key_init(key, ptr, len, format) };
        let clean = expect(status, &[key_problem, format_problem, secret.problem()]);
        if clean {
            let format = [KeyFormat::Text, KeyFormat::Base64, KeyFormat::Raw][format as usize];
            match SigningKey::new(secret.bytes(), format) {
                Ok(rust) => {
                    assert_eq!(status, UNLEASHED_OK);
                    if matches!(storage, Storage::Live) {
                        let hmac_key = match format {
                            KeyFormat::Base64 => base64_decode_strict(secret.bytes()).expect("accepted base64"),
                            _ => secret.bytes().to_vec(),
                        };
                        self.key = Some(LiveKey { rust, hmac_key });
                    }
                }
                Err(error) => assert_eq!(status, key_status(error)),
            }
        }
        if matches!(storage, Storage::Live) && status != UNLEASHED_OK {
            self.key = None;
            assert!(self.key_words.iter().all(|&w| w == 0), "a failed init left the key uncleared");
        }
        Ok(())
    }

    fn key_clear(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let before = *self.spare_words;
        let (key, _) = self.key_arg(storage);
        // SAFETY: NULL and misaligned pointers are no-ops; the others point to key storage.
        unsafe { unleashed_key_clear(key) };
        match storage {
            Storage::Live => {
                self.key = None;
                assert!(self.key_words.iter().all(|&w| w == 0));
            }
            Storage::Misaligned => assert_eq!(*self.spare_words, before, "a misaligned clear wrote"),
            Storage::Zeroed | Storage::Filled => {
                assert!(self.spare_words[..unleashed_key_size() / 8].iter().all(|&w| w == 0));
            }
            Storage::Null => {}
        }
        Ok(())
    }

    fn sign(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let message = Input::arbitrary(u)?;
        let mut out = Out::arbitrary(u)?;
        let (key, key_problem) = self.key_arg(storage);
        let (msg, msg_len) = message.raw();
        let (out_ptr, out_len) = out.raw();
        // SAFETY: as in `key_init`; `out` is NULL or valid for `out_len` bytes.
        let status = unsafe { unleashed_sign(key, msg, msg_len, out_ptr, out_len) };
        let clean = expect(status, &[key_problem, message.problem(), out.problem()]);
        let expected = clean.then(|| hmac_signature(&self.key.as_ref().unwrap().hmac_key, message.bytes()));
        if clean {
            assert_eq!(status, UNLEASHED_OK);
        }
        out.check(status, expected.as_deref());
        Ok(())
    }

    fn sign_query_or_url(&mut self, u: &mut Unstructured<'_>, url: bool) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let text = Input::arbitrary(u)?;
        let form = arbitrary_enum(u, 2)?;
        let mut out = Out::arbitrary(u)?;
        let (key, key_problem) = self.key_arg(storage);
        let form_problem = form_of(form).is_none().then_some(UNLEASHED_INVALID_SIGNED_FORM);
        let (ptr, len) = text.raw();
        let (out_ptr, out_len) = out.raw();
        // SAFETY: as in `sign`.
        let status = unsafe {
            if url {
                unleashed_sign_url(key, ptr, len, form, out_ptr, out_len)
            } else {
                unleashed_sign_query(key, ptr, len, form, out_ptr, out_len)
            }
        };
        let mut expected = None;
        if expect(status, &[key_problem, text.problem(), out.problem(), form_problem]) {
            let rust = &self.key.as_ref().unwrap().rust;
            let form = form_of(form).unwrap();
            let result = if url { rust.sign_url(text.bytes(), form) } else { rust.sign_query(text.bytes(), form) };
            match result {
                Ok(signature) => {
                    assert_eq!(status, UNLEASHED_OK);
                    expected = Some(signature.as_bytes().to_vec());
                }
                Err(error) => assert_eq!(status, decode_status(error)),
            }
        }
        out.check(status, expected.as_deref());
        Ok(())
    }

    fn verify(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let message = Input::arbitrary(u)?;
        let url_form = if u.arbitrary()? { Some(arbitrary_enum(u, 2)?) } else { None };
        let (key, key_problem) = self.key_arg(storage);
        // The right signature where there is one, sometimes with one bit flipped, or arbitrary bytes.
        let right = self.key.as_ref().map(|k| match url_form.and_then(form_of) {
            Some(form) => k.rust.sign_url(message.bytes(), form).map(|s| s.as_bytes().to_vec()).unwrap_or_default(),
            None => hmac_signature(&k.hmac_key, message.bytes()),
        });
        let owned: Vec<u8>;
        let signature = match (u.int_in_range(0u8..=3)?, right) {
            (0 | 1, Some(right)) => {
                owned = right;
                Input::Bytes(&owned)
            }
            (2, Some(mut right)) if !right.is_empty() => {
                let bit = u.int_in_range(0..=right.len() * 8 - 1)?;
                right[bit / 8] ^= 1 << (bit % 8);
                owned = right;
                Input::Bytes(&owned)
            }
            _ => Input::arbitrary(u)?,
        };
        let (msg, msg_len) = message.raw();
        let (sig, sig_len) = signature.raw();
        let form_problem = url_form.filter(|&f| form_of(f).is_none()).map(|_| UNLEASHED_INVALID_SIGNED_FORM);
        // SAFETY: as in `sign`.
        let status = unsafe {
            match url_form {
                Some(form) => unleashed_verify_url(key, msg, msg_len, form, sig, sig_len),
                None => unleashed_verify(key, msg, msg_len, sig, sig_len),
            }
        };
        if expect(status, &[key_problem, message.problem(), signature.problem(), form_problem]) {
            let rust = &self.key.as_ref().unwrap().rust;
            let result = match url_form.and_then(form_of) {
                Some(form) => rust.verify_url(message.bytes(), form, signature.bytes()),
                None => rust.verify(message.bytes(), signature.bytes()),
            };
            let wanted = match result {
                Ok(()) => UNLEASHED_OK,
                Err(VerifyError::Mismatch) => UNLEASHED_SIGNATURE_MISMATCH,
                Err(VerifyError::Decode(error)) => decode_status(error),
                Err(_) => UNLEASHED_SIGNATURE_MISMATCH,
            };
            assert_eq!(status, wanted);
        }
        Ok(())
    }

    fn query_init(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let null_buf = u.ratio(1, 12)?;
        let cap = if u.ratio(1, 10)? { 0 } else { u.int_in_range(1..=400)? };
        let (query, query_problem) = self.query_arg(storage);
        let query_problem =
            if matches!(storage, Storage::Live | Storage::Zeroed | Storage::Filled) { None } else { query_problem };
        let mut buf = vec![CANARY; cap + GUARD];
        let buf_ptr = if null_buf { std::ptr::null_mut() } else { buf.as_mut_ptr().cast() };
        let buf_problem = if null_buf {
            Some(UNLEASHED_NULL_POINTER)
        } else if cap == 0 {
            Some(UNLEASHED_BUFFER_TOO_SMALL)
        } else {
            None
        };
        // SAFETY: the buffer is NULL or valid for `cap` bytes, and is kept alive as long as the query uses it.
        let status = unsafe { unleashed_query_init(query, buf_ptr, cap) };
        if expect(status, &[query_problem, buf_problem]) {
            assert_eq!(status, UNLEASHED_OK);
        }
        if status == UNLEASHED_OK {
            assert_eq!(buf[0], 0);
            if matches!(storage, Storage::Live) {
                // The old buffer is dropped only now: until this init succeeded, the query still pointed at it.
                self.query = Some(LiveQuery { buf, cap, pairs: Vec::new() });
            }
        } else {
            assert!(buf.iter().all(|&b| b == CANARY), "a failed init wrote to the buffer");
        }
        self.check_query_buffer();
        Ok(())
    }

    fn query_push(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        let (query, query_problem) = self.query_arg(storage);
        // A name or value inside the query's own buffer must be refused, not read while being written.
        let alias = match (&self.query, u.ratio(1, 16)?) {
            (Some(live), true) => {
                let start = u.int_in_range(0..=live.cap - 1)?;
                let len = u.int_in_range(1..=live.cap - start)?;
                Some((live.buf[start..].as_ptr(), len))
            }
            _ => None,
        };
        let name = Input::arbitrary(u)?;
        let value = Input::arbitrary(u)?;
        let alias_name = alias.is_some() && u.arbitrary()?;
        let null_needed = u.ratio(1, 8)?;
        let (mut name_ptr, mut name_len) = name.raw();
        let (mut value_ptr, mut value_len) = value.raw();
        match alias {
            Some((ptr, len)) if alias_name => (name_ptr, name_len) = (ptr.cast(), len),
            Some((ptr, len)) => (value_ptr, value_len) = (ptr.cast(), len),
            None => {}
        }
        let alias_problem = alias.map(|_| UNLEASHED_OVERLAPPING_BUFFERS);
        let (name_problem, value_problem) = match alias {
            Some(_) if alias_name => (None, value.problem()),
            Some(_) => (name.problem(), None),
            None => (name.problem(), value.problem()),
        };
        let mut needed = usize::MAX;
        let needed_ptr = if null_needed { std::ptr::null_mut() } else { &raw mut needed };
        // SAFETY: every pointer is NULL, valid for its length, or (aliases) inside the live query buffer.
        let status = unsafe { unleashed_query_push(query, name_ptr, name_len, value_ptr, value_len, needed_ptr) };
        let mut problems = vec![query_problem, alias_problem, name_problem, value_problem];
        if alias.is_none() && name.problem().is_none() && name.bytes().is_empty() {
            problems.push(Some(UNLEASHED_EMPTY_PARAMETER_NAME));
        }
        if expect(status, &problems) {
            let live = self.query.as_mut().unwrap();
            let mut pairs = live.pairs.clone();
            pairs.push((name.bytes().to_vec(), value.bytes().to_vec()));
            let total = wire(&pairs).len() + 1;
            if total <= live.cap {
                assert_eq!(status, UNLEASHED_OK);
                live.pairs = pairs;
            } else {
                assert_eq!(status, UNLEASHED_BUFFER_TOO_SMALL);
            }
            if !null_needed {
                assert_eq!(needed, total, "the reported size is not the exact size needed");
            }
        } else if !null_needed {
            assert_eq!(needed, usize::MAX, "`needed` written on {status:?}");
        }
        self.check_query_buffer();
        Ok(())
    }

    fn query_sign(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let query_storage = Storage::arbitrary(u)?;
        let key_storage = Storage::arbitrary(u)?;
        let form = arbitrary_enum(u, 2)?;
        let mut out = Out::arbitrary(u)?;
        let (query, query_problem) = self.query_arg(query_storage);
        let (key, key_problem) = self.key_arg(key_storage);
        let form_problem = form_of(form).is_none().then_some(UNLEASHED_INVALID_SIGNED_FORM);
        let (out_ptr, out_len) = out.raw();
        // SAFETY: as in `sign`.
        let status = unsafe { unleashed_query_sign(query, key, form, out_ptr, out_len) };
        let mut expected = None;
        if expect(status, &[query_problem, key_problem, out.problem(), form_problem]) {
            assert_eq!(status, UNLEASHED_OK);
            let live = self.query.as_ref().unwrap();
            let key = self.key.as_ref().unwrap();
            let message = match form_of(form).unwrap() {
                SignedForm::Decoded => raw_joined(&live.pairs),
                SignedForm::Wire => wire(&live.pairs),
            };
            expected = Some(hmac_signature(&key.hmac_key, &message));
        }
        out.check(status, expected.as_deref());
        Ok(())
    }

    /// `unleashed_build_query`: arguments checked in order, then each parameter in turn; on success the query and
    /// signature equal the oracle's, and `needed` is the whole query's size whenever the query buffer is too small.
    fn build_query(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let key_storage = Storage::arbitrary(u)?;
        let count = u.int_in_range(0..=4usize)?;
        let inputs: Vec<(Input<'_>, Input<'_>)> =
            (0..count).map(|_| Ok((Input::arbitrary(u)?, Input::arbitrary(u)?))).collect::<Result<_>>()?;
        let params: Vec<unleashed_param> = inputs
            .iter()
            .map(|(name, value)| {
                let ((name, name_len), (value, value_len)) = (name.raw(), value.raw());
                unleashed_param { name, name_len, value, value_len }
            })
            .collect();
        let params_null = count > 0 && u.ratio(1, 16)?;
        let form = arbitrary_enum(u, 2)?;
        let query_null = u.ratio(1, 16)?;
        let cap = u.int_in_range(0..=120usize)?;
        let mut query_buf = vec![CANARY; cap + GUARD];
        let needed_null = u.ratio(1, 4)?;
        let mut needed = usize::MAX;
        let mut out = Out::arbitrary(u)?;
        let (key, key_problem) = self.key_arg(key_storage);
        let (out_ptr, out_len) = out.raw();
        let query_ptr = if query_null { std::ptr::null_mut() } else { query_buf.as_mut_ptr().cast() };
        let params_ptr = if params_null { std::ptr::null() } else { params.as_ptr() };
        let needed_ptr = if needed_null { std::ptr::null_mut() } else { &raw mut needed };
        // SAFETY: every pointer is NULL or valid for its length; the buffers do not overlap.
        let status = unsafe {
            unleashed_build_query(key, params_ptr, count, form, query_ptr, cap, needed_ptr, out_ptr, out_len)
        };
        // The arguments in declaration order, then the parameters one by one.
        let mut problems = vec![
            key_problem,
            params_null.then_some(UNLEASHED_NULL_POINTER),
            form_of(form).is_none().then_some(UNLEASHED_INVALID_SIGNED_FORM),
            query_null.then_some(UNLEASHED_NULL_POINTER),
            out.problem(),
        ];
        let first_problem = problems.iter().flatten().next().copied();
        for (name, value) in &inputs {
            problems.push(name.problem().or(value.problem()));
            if name.problem().is_none() && value.problem().is_none() && name.bytes().is_empty() {
                problems.push(Some(UNLEASHED_EMPTY_PARAMETER_NAME));
            }
        }
        let pairs: Vec<(Vec<u8>, Vec<u8>)> =
            inputs.iter().map(|(n, v)| (n.bytes().to_vec(), v.bytes().to_vec())).collect();
        let wire_query = wire(&pairs);
        if first_problem.is_none() && problems.iter().all(Option::is_none) && wire_query.len() + 1 > cap {
            problems.push(Some(UNLEASHED_BUFFER_TOO_SMALL));
        }
        let mut expected_signature = None;
        if expect(status, &problems) {
            assert_eq!(status, UNLEASHED_OK);
            let key = self.key.as_ref().unwrap();
            let message = match form_of(form).unwrap() {
                SignedForm::Decoded => raw_joined(&pairs),
                SignedForm::Wire => wire_query.clone(),
            };
            expected_signature = Some(hmac_signature(&key.hmac_key, &message));
            assert_eq!(&query_buf[..wire_query.len()], wire_query.as_slice(), "built query");
            assert_eq!(query_buf[wire_query.len()], 0, "query not NUL-terminated");
            assert!(query_buf[wire_query.len() + 1..].iter().all(|&b| b == CANARY), "written past the query");
        } else {
            assert!(query_buf.iter().all(|&b| b == CANARY), "{status:?}: query buffer written on failure");
        }
        out.check(status, expected_signature.as_deref());
        if !needed_null && matches!(status, UNLEASHED_OK | UNLEASHED_BUFFER_TOO_SMALL) && out.problem().is_none() {
            assert_eq!(needed, wire_query.len() + 1, "needed is the whole query's size");
        }
        Ok(())
    }

    fn header_values(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let input = Input::arbitrary(u)?;
        let (ptr, len) = input.raw();
        // SAFETY: NULL or valid for its length.
        let (id, client) = unsafe { (unleashed_api_id_validate(ptr, len), unleashed_client_type_validate(ptr, len)) };
        if expect(id, &[input.problem()]) {
            let wanted = if ApiId::parse(input.bytes()).is_ok() { UNLEASHED_OK } else { UNLEASHED_INVALID_API_ID };
            assert_eq!(id, wanted);
        }
        if expect(client, &[input.problem()]) {
            let valid = ClientType::parse(input.bytes()).is_ok();
            assert_eq!(client, if valid { UNLEASHED_OK } else { UNLEASHED_INVALID_CLIENT_TYPE });
        }
        Ok(())
    }

    /// `unleashed_headers_for_url`: arguments checked in order; on success the API id lowercased, the client type
    /// as given and the Rust API's signature of the URL, each at its field's offset with zeros after it, nothing
    /// past the struct; on failure nothing written, and the status of the value the Rust API rejects.
    fn headers_for_url(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let storage = Storage::arbitrary(u)?;
        // Mostly well-formed ids (hex of either case) and client types, so that signing is reached.
        let mut id = [b'-'; 36];
        for (offset, byte) in id.iter_mut().enumerate() {
            if ![8, 13, 18, 23].contains(&offset) {
                *byte = *u.choose(b"0123456789abcdefABCDEF")?;
            }
        }
        let client = *u.choose(&[&b"acme/orderautomation"[..], b"a/b", b"Acme/App-1.0"])?;
        let api_id = if u.ratio(3, 4)? { Input::Bytes(&id) } else { Input::arbitrary(u)? };
        let client_type = if u.ratio(3, 4)? { Input::Bytes(client) } else { Input::arbitrary(u)? };
        let url = Input::arbitrary(u)?;
        let form = arbitrary_enum(u, 2)?;
        let null_out = u.ratio(1, 12)?;
        let size = size_of::<unleashed_headers>();
        let out_len = if u.ratio(3, 4)? { u.int_in_range(size..=size + 20)? } else { u.int_in_range(0..=size - 1)? };
        let mut buf = vec![CANARY; out_len + GUARD];
        let (key, key_problem) = self.key_arg(storage);
        let out_ptr = if null_out { std::ptr::null_mut() } else { buf.as_mut_ptr().cast::<unleashed_headers>() };
        let ((id_ptr, id_len), (client_ptr, client_len), (url_ptr, url_len)) =
            (api_id.raw(), client_type.raw(), url.raw());
        // SAFETY: every pointer is NULL, misaligned on purpose (rejected before use) or valid for its length.
        let status = unsafe {
            unleashed_headers_for_url(
                key, id_ptr, id_len, client_ptr, client_len, url_ptr, url_len, form, out_ptr, out_len,
            )
        };
        let out_problem = if null_out {
            Some(UNLEASHED_NULL_POINTER)
        } else {
            (out_len < size).then_some(UNLEASHED_BUFFER_TOO_SMALL)
        };
        let form_problem = form_of(form).is_none().then_some(UNLEASHED_INVALID_SIGNED_FORM);
        let problems = [key_problem, api_id.problem(), client_type.problem(), url.problem(), form_problem, out_problem];
        if expect(status, &problems) {
            let rust = &self.key.as_ref().unwrap().rust;
            let form = form_of(form).unwrap();
            match SigningHeaders::for_url(rust, api_id.bytes(), client_type.bytes(), url.bytes(), form) {
                Ok(headers) => {
                    assert_eq!(status, UNLEASHED_OK);
                    let mut expected = vec![0u8; size];
                    expected[..36].copy_from_slice(&api_id.bytes().to_ascii_lowercase());
                    expected[37..81].copy_from_slice(rust.sign_url(url.bytes(), form).unwrap().as_bytes());
                    expected[82..82 + client_type.bytes().len()].copy_from_slice(client_type.bytes());
                    assert_eq!(&buf[..size], expected.as_slice(), "header values");
                    assert_eq!(headers.api_id().as_str().as_bytes(), &expected[..36]);
                    assert!(buf[size..].iter().all(|&b| b == CANARY), "written past unleashed_headers");
                    return Ok(());
                }
                Err(error) => {
                    let wanted = match error {
                        HeaderError::ApiId(_) => UNLEASHED_INVALID_API_ID,
                        HeaderError::ClientType(_) => UNLEASHED_INVALID_CLIENT_TYPE,
                        HeaderError::Decode(error) => decode_status(error),
                        _ => UNLEASHED_PANIC,
                    };
                    assert_eq!(status, wanted);
                }
            }
        }
        assert!(buf.iter().all(|&b| b == CANARY), "{status:?}: output written on failure");
        Ok(())
    }

    /// The live query's buffer holds exactly the oracle's wire query and a NUL; nothing after it was written.
    fn check_query_buffer(&mut self) {
        let ptr = self.query_words.as_ptr().cast::<unleashed_query>();
        let Some(live) = &self.query else {
            // SAFETY: the live storage is valid; never initialised, or left as it was by failed inits.
            let (text, len) = unsafe { (unleashed_query_str(ptr), unleashed_query_len(ptr)) };
            assert!(text.is_null() && len == 0);
            return;
        };
        let expected = wire(&live.pairs);
        assert_eq!(&live.buf[..expected.len()], expected.as_slice());
        assert_eq!(live.buf[expected.len()], 0);
        assert!(live.buf[expected.len() + 1..].iter().all(|&b| b == CANARY), "query buffer written past its end");
        // SAFETY: the live query is initialised and its buffer alive.
        let (text, len) = unsafe { (unleashed_query_str(ptr), unleashed_query_len(ptr)) };
        assert_eq!((text.cast::<u8>(), len), (live.buf.as_ptr(), expected.len()));
    }
}

fn wire(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = pairs.iter().map(|(n, v)| [percent_encode(n), percent_encode(v)].join(&b'=')).collect();
    parts.join(&b'&')
}

fn raw_joined(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = pairs.iter().map(|(n, v)| [n.as_slice(), v.as_slice()].join(&b'=')).collect();
    parts.join(&b'&')
}
