//! The protocol shared by the residue programs and `residue/scan.py`: read the secret from stdin, run a path,
//! clear, wipe the program's own copy of the secret, print `ready`, and wait for the scan to finish.

use std::io::{Read, Write};

use zeroize::Zeroize;

/// How the secret on stdin is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The key text's bytes are the HMAC key.
    Text,
    /// The key is base64 and its decoded bytes are the HMAC key.
    Base64,
}

/// A secret read from stdin: `FORMAT LEN\n` and then `LEN` bytes. Wiped on drop.
pub struct Secret {
    /// How to read [`bytes`](Self::bytes).
    pub format: Format,
    /// The secret, in a buffer whose size never changes (so no reallocation leaves a copy behind).
    pub bytes: Box<[u8]>,
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// Reads the secret from stdin, unbuffered: `std::io::stdin()` would keep a copy in its buffer, which is the
/// program's own copy and not the library's to wipe, but would be counted.
pub fn read_secret() -> Secret {
    let mut stdin = std::fs::File::open("/dev/stdin").expect("stdin");
    let mut header = Vec::new();
    let mut byte = [0u8; 1];
    while stdin.read(&mut byte).expect("stdin") == 1 && byte[0] != b'\n' {
        header.push(byte[0]);
    }
    let header = String::from_utf8(header).expect("an ASCII header");
    let (format, len) = header.split_once(' ').expect("FORMAT LEN");
    let format = match format {
        "text" => Format::Text,
        "base64" => Format::Base64,
        other => panic!("unknown format {other}"),
    };
    let mut bytes = vec![0u8; len.parse().expect("a length")].into_boxed_slice();
    stdin.read_exact(&mut bytes).expect("the whole secret");
    Secret { format, bytes }
}

/// Says `ready` and blocks until the scanner writes a byte or closes stdin.
pub fn ready_then_wait() {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(b"ready\n").and_then(|()| stdout.flush()).expect("stdout");
    let _ = std::fs::File::open("/dev/stdin").and_then(|mut stdin| stdin.read(&mut [0u8; 1]));
}
