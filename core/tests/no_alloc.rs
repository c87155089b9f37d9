//! Every operation of the core runs without touching the heap: a counting global allocator sees zero allocations.
//!
//! The count is kept per thread, so allocations made by the test harness on its own threads cannot interfere.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;

use unleashed_signer::{
    ApiId, BuildError, ClientType, KeyFormat, MediaType, QueryBuilder, RequestHeaders, SignedForm, SigningKey,
    VerifyError,
};

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct CountingAllocator;

fn count_one() {
    // `try_with`: a thread being torn down may still allocate after its thread-locals are gone.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards its arguments unchanged to `System`, so `System`'s guarantees are the ones given;
// counting only touches a const-initialised thread-local `Cell`, which never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System` underneath.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System` underneath.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Runs `f` (dropping what it returns inside the measurement) and asserts that it did not allocate.
fn assert_no_alloc<T>(what: &str, f: impl FnOnce() -> T) {
    let before = allocations();
    drop(black_box(f()));
    let made = allocations() - before;
    assert_eq!(made, 0, "{what} made {made} heap allocation(s)");
}

/// A `fmt::Write` into a fixed stack buffer, to show that error messages and signatures format without a heap.
struct StackText {
    buf: [u8; 512],
    len: usize,
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
const BASE64_KEY: &str = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";

// One test function, so nothing else in this binary runs on the measured thread while it counts.
#[test]
fn no_operation_of_the_core_allocates() {
    // The counter must see allocations, or every assertion below would pass vacuously.
    let before = allocations();
    drop(black_box(vec![0u8; 16]));
    assert_eq!(allocations() - before, 1, "the counting allocator does not count");

    let long_secret = [0xA5u8; 131];
    let long_message = [b'x'; 2000];
    assert_no_alloc("SigningKey::from_text", || SigningKey::from_text(black_box(KEY)).unwrap());
    assert_no_alloc("SigningKey::from_base64", || SigningKey::from_base64(black_box(BASE64_KEY)).unwrap());
    assert_no_alloc("SigningKey::from_bytes (short)", || SigningKey::from_bytes(black_box(b"k")).unwrap());
    assert_no_alloc("SigningKey::from_bytes (131 bytes)", || SigningKey::from_bytes(&long_secret).unwrap());
    for format in [KeyFormat::Text, KeyFormat::Base64, KeyFormat::Raw] {
        let secret = if format == KeyFormat::Base64 { BASE64_KEY } else { KEY };
        assert_no_alloc("SigningKey::new", || SigningKey::new(black_box(secret.as_bytes()), format).unwrap());
    }
    assert_no_alloc("a rejected key and its message", || {
        let error = SigningKey::from_text(black_box("abc\n")).unwrap_err();
        let mut text = StackText { buf: [0; 512], len: 0 };
        write!(text, "{error} {error:?}").unwrap();
        text.len
    });

    let key = SigningKey::from_text(KEY).unwrap();
    assert_no_alloc("sign (short)", || key.sign(black_box(b"customerCode=ACME")));
    assert_no_alloc("sign (2000 bytes)", || key.sign(&long_message));
    assert_no_alloc("streaming signer", || {
        let mut signer = key.signer();
        signer.update(b"customerCode=");
        signer.update(&long_message);
        signer.finalize()
    });
    let url =
        "https://api.unleashedsoftware.com/Customers?customerName=Acme%20%26%20Sons&modifiedSince=2024-01-01T00:00:00";
    for form in [SignedForm::Decoded, SignedForm::Wire] {
        assert_no_alloc("sign_url", || key.sign_url(black_box(url), form).unwrap());
        assert_no_alloc("sign_query", || key.sign_query(black_box(b"a=%C3%A9&b=c%2Bd"), form).unwrap());
        assert_no_alloc("a malformed escape", || key.sign_url(black_box("/P?discount=50%"), form).is_ok());
    }
    assert_no_alloc("key.clone() and drop (which wipes)", || key.clone());

    for form in [SignedForm::Decoded, SignedForm::Wire] {
        assert_no_alloc("building and signing a query", || {
            let mut buf = [0u8; 256];
            let mut query = QueryBuilder::new(&mut buf);
            query
                .push("orderStatus", "Completed,Backordered")
                .unwrap()
                .push("customerName", "Acme & Sons, caf\u{e9} \u{65e5}\u{672c}")
                .unwrap()
                .push(b"bytes".as_slice(), [0u8, 0xff, b'%', b'+'].as_slice())
                .unwrap();
            let signed = query.sign(&key, form);
            (signed.signature, signed.query.len())
        });
    }
    assert_no_alloc("a query that does not fit", || {
        let mut buf = [0u8; 8];
        let mut query = QueryBuilder::new(&mut buf);
        matches!(query.push("name", "value too long"), Err(BuildError::BufferTooSmall { .. }))
    });

    let signature = key.sign(b"customerCode=ACME");
    let wrong = key.sign(b"customerCode=ACMF");
    assert_no_alloc("verify", || key.verify(b"customerCode=ACME", signature.as_bytes()).unwrap());
    assert_no_alloc("verify (mismatch)", || {
        assert_eq!(key.verify(b"customerCode=ACME", wrong.as_bytes()), Err(VerifyError::Mismatch));
    });
    assert_no_alloc("verify_query", || {
        key.verify_query(b"customerCode=ACME", SignedForm::Decoded, signature.as_bytes()).unwrap();
    });
    assert_no_alloc("verify_url", || {
        key.verify_url("/Customers?customerCode=ACME#top", SignedForm::Wire, signature.as_bytes()).unwrap();
    });
    assert_no_alloc("signature formatting", || {
        let mut text = StackText { buf: [0; 512], len: 0 };
        write!(text, "{signature} {signature:?} {key:?}").unwrap();
        text.len
    });

    assert_no_alloc("headers", || {
        let id = ApiId::parse(black_box("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D")).unwrap();
        let client = ClientType::parse(black_box("acme/orderautomation")).unwrap();
        let headers = RequestHeaders::for_url(&key, &id, client, "Customers?customerCode=ACME", SignedForm::Decoded)
            .unwrap()
            .with_media_type(MediaType::Xml);
        let plain = RequestHeaders::new(&id, client, signature);
        let total: usize = headers.pairs().iter().chain(&plain.pairs()).map(|(n, v)| n.len() + v.len()).sum();
        total
    });
}
