//! A SHA-256 state over `sha2`'s compression function that wipes every buffer it owns.
//!
//! The `hmac` crate keys through `Digest` types whose temporaries are left on the stack (RustCrypto/MACs
//! issue 255). Keeping the chaining value and the partial block here lets the key module wipe every copy of
//! key-derived material, and lets HMAC start from precomputed inner and outer states.

use sha2::block_api::compress256;
use zeroize::Zeroize;

/// SHA-256's block size in bytes; also HMAC-SHA256's key block size.
pub(crate) const BLOCK_LEN: usize = 64;
/// SHA-256's digest size in bytes.
pub(crate) const DIGEST_LEN: usize = 32;

/// FIPS 180-4 initial hash value.
const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// A SHA-256 chaining value after a whole number of blocks: what HMAC precomputes per key.
#[derive(Clone)]
pub(crate) struct ChainingValue {
    words: [u32; 8],
    /// Bytes absorbed so far, always a multiple of [`BLOCK_LEN`].
    absorbed: u64,
}

impl ChainingValue {
    /// The state of a fresh hash.
    pub(crate) const fn initial() -> Self {
        Self { words: IV, absorbed: 0 }
    }

    /// A state with every word zero and nothing absorbed: what an empty key holds.
    pub(crate) const fn zero() -> Self {
        Self { words: [0; 8], absorbed: 0 }
    }

    /// Whether nothing was absorbed: a [`zero`](Self::zero) or wiped state, never one of a prepared key.
    pub(crate) fn is_zero(&self) -> bool {
        self.absorbed == 0
    }

    /// Starts a fresh hash in place and absorbs `block` as its first block, with no copy of the result elsewhere.
    pub(crate) fn restart_with(&mut self, block: &[u8; BLOCK_LEN]) {
        self.words = IV;
        self.absorbed = 0;
        self.absorb_block(block);
    }

    /// Absorbs exactly one block.
    pub(crate) fn absorb_block(&mut self, block: &[u8; BLOCK_LEN]) {
        compress256(&mut self.words, core::slice::from_ref(block));
        self.absorbed += BLOCK_LEN as u64;
    }

    /// Hashes `message` as the rest of the input and writes the digest into `out`, without buffering state:
    /// whole blocks are read straight from `message` and only the padded tail is copied, into one local block.
    /// The one-shot path of signing (the inner hash of a whole query, and HMAC's outer hash of the inner
    /// digest). Wipes its copies of the chaining value and of the tail.
    pub(crate) fn finish(&self, message: &[u8], out: &mut [u8; DIGEST_LEN]) {
        let mut words = self.words;
        let (blocks, tail) = message.as_chunks::<BLOCK_LEN>();
        if !blocks.is_empty() {
            compress256(&mut words, blocks);
        }
        let bit_len = (self.absorbed + message.len() as u64) * 8;
        let mut block = [0u8; BLOCK_LEN];
        block[..tail.len()].copy_from_slice(tail);
        block[tail.len()] = 0x80;
        if tail.len() >= BLOCK_LEN - 8 {
            compress256(&mut words, core::slice::from_ref(&block));
            block[..].zeroize();
        }
        block[BLOCK_LEN - 8..].copy_from_slice(&bit_len.to_be_bytes());
        compress256(&mut words, core::slice::from_ref(&block));
        write_digest(&words, out);
        // Wiped as slices: zeroize fills a slice at once, but an array byte by byte.
        words[..].zeroize();
        block[..].zeroize();
    }
}

/// Compresses a public block, so that the SHA-256 registers (the SHA-NI and SIMD vector registers, which nothing
/// else clears) hold only public values after keying rather than the last key-derived state. Left there, the next
/// call that saves vector registers (a lazily bound symbol's resolver, a signal handler) spills it to the stack.
#[inline(never)]
pub(crate) fn flush_registers() {
    let mut words = IV;
    compress256(&mut words, core::slice::from_ref(&[0u8; BLOCK_LEN]));
    core::hint::black_box(&mut words);
}

fn write_digest(words: &[u32; 8], out: &mut [u8; DIGEST_LEN]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

impl Zeroize for ChainingValue {
    fn zeroize(&mut self) {
        let Self { words, absorbed } = self;
        words[..].zeroize();
        absorbed.zeroize();
    }
}

impl Drop for ChainingValue {
    fn drop(&mut self) {
        self.zeroize();
    }
}

/// An in-progress SHA-256 computation; wiped on drop and when finalized.
pub(crate) struct Sha256 {
    chain: ChainingValue,
    block: [u8; BLOCK_LEN],
    /// Bytes waiting in `block`, always below [`BLOCK_LEN`].
    pending: usize,
}

impl Sha256 {
    /// A hash that continues from `chain`.
    pub(crate) fn resume(chain: &ChainingValue) -> Self {
        Self { chain: chain.clone(), block: [0; BLOCK_LEN], pending: 0 }
    }

    /// A hash with an all-zero state, to be [`restart`](Self::restart)ed where it lives: a prepared state
    /// returned by value would leave its copy in the return slot or a stack temporary.
    pub(crate) const fn unstarted() -> Self {
        Self { chain: ChainingValue::zero(), block: [0; BLOCK_LEN], pending: 0 }
    }

    /// Starts over from `chain`, in place.
    pub(crate) fn restart(&mut self, chain: &ChainingValue) {
        self.chain.words = chain.words;
        self.chain.absorbed = chain.absorbed;
        self.block[..].zeroize();
        self.pending = 0;
    }

    /// A hash of the empty message so far.
    pub(crate) fn new() -> Self {
        Self::resume(&ChainingValue::initial())
    }

    /// Absorbs `data`.
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        if self.pending > 0 {
            let take = data.len().min(BLOCK_LEN - self.pending);
            self.block[self.pending..self.pending + take].copy_from_slice(&data[..take]);
            self.pending += take;
            data = &data[take..];
            if self.pending < BLOCK_LEN {
                return;
            }
            compress256(&mut self.chain.words, core::slice::from_ref(&self.block));
            self.chain.absorbed += BLOCK_LEN as u64;
            self.pending = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK_LEN>();
        if !blocks.is_empty() {
            compress256(&mut self.chain.words, blocks);
            self.chain.absorbed += (blocks.len() * BLOCK_LEN) as u64;
        }
        self.block[..rest.len()].copy_from_slice(rest);
        self.pending = rest.len();
    }

    /// Absorbs one byte.
    pub(crate) fn update_byte(&mut self, byte: u8) {
        self.block[self.pending] = byte;
        self.pending += 1;
        if self.pending == BLOCK_LEN {
            compress256(&mut self.chain.words, core::slice::from_ref(&self.block));
            self.chain.absorbed += BLOCK_LEN as u64;
            self.pending = 0;
        }
    }

    /// Pads, writes the digest into `out` and wipes the state.
    pub(crate) fn finalize_into(&mut self, out: &mut [u8; DIGEST_LEN]) {
        let bit_len = (self.chain.absorbed + self.pending as u64) * 8;
        self.block[self.pending] = 0x80;
        self.block[self.pending + 1..].fill(0);
        if self.pending + 1 > BLOCK_LEN - 8 {
            compress256(&mut self.chain.words, core::slice::from_ref(&self.block));
            self.block.fill(0);
        }
        self.block[BLOCK_LEN - 8..].copy_from_slice(&bit_len.to_be_bytes());
        compress256(&mut self.chain.words, core::slice::from_ref(&self.block));
        write_digest(&self.chain.words, out);
        self.zeroize();
    }
}

impl Zeroize for Sha256 {
    fn zeroize(&mut self) {
        let Self { chain, block, pending } = self;
        chain.zeroize();
        block[..].zeroize();
        pending.zeroize();
    }
}

impl Drop for Sha256 {
    fn drop(&mut self) {
        self.zeroize();
    }
}

#[cfg(test)]
impl ChainingValue {
    /// The chaining words, for tests that check wiping.
    pub(crate) fn words_for_test(&self) -> [u32; 8] {
        self.words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn ours(pieces: &[&[u8]]) -> [u8; DIGEST_LEN] {
        let mut state = Sha256::new();
        for piece in pieces {
            state.update(piece);
        }
        let mut out = [0; DIGEST_LEN];
        state.finalize_into(&mut out);
        out
    }

    #[test]
    fn matches_sha2_at_every_length_around_block_boundaries() {
        let data: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        for len in 0..data.len() {
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
            assert_eq!(ours(&[&data[..len]]), expected, "one piece, len {len}");
            let (a, b) = data[..len].split_at(len / 3);
            assert_eq!(ours(&[a, b]), expected, "two pieces, len {len}");
            let mut state = Sha256::new();
            data[..len].iter().for_each(|&byte| state.update_byte(byte));
            let mut out = [0; DIGEST_LEN];
            state.finalize_into(&mut out);
            assert_eq!(out, expected, "byte at a time, len {len}");
        }
    }

    #[test]
    fn finish_matches_sha2_after_zero_or_one_block_at_every_length() {
        let data: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        let mut after_one = ChainingValue::initial();
        after_one.absorb_block(&[0x5c; BLOCK_LEN]);
        for len in 0..data.len() {
            let mut out = [0; DIGEST_LEN];
            ChainingValue::initial().finish(&data[..len], &mut out);
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..len]).into();
            assert_eq!(out, expected, "from the start, len {len}");
            after_one.finish(&data[..len], &mut out);
            let mut streamed = Sha256::new();
            streamed.update(&[0x5c; BLOCK_LEN]);
            streamed.update(&data[..len]);
            let mut expected = [0; DIGEST_LEN];
            streamed.finalize_into(&mut expected);
            assert_eq!(out, expected, "after one block, len {len}");
        }
    }

    #[test]
    fn update_across_exact_block_boundaries_matches_sha2() {
        let data: [u8; 400] = core::array::from_fn(|i| (i * 13 + 5) as u8);
        // Pieces that end exactly on a block boundary, one byte before it and one after, from an empty or a
        // partly filled block, and empty pieces in between.
        let splits: [&[usize]; 12] = [
            &[64],
            &[64, 64],
            &[63, 1],
            &[63, 1, 64],
            &[1, 63],
            &[1, 63, 1],
            &[32, 32, 0, 64],
            &[0, 64, 0],
            &[65, 63],
            &[63, 2, 62],
            &[127, 1, 128],
            &[1, 127, 64, 64],
        ];
        for split in splits {
            let total: usize = split.iter().sum();
            let mut state = Sha256::new();
            let mut at = 0;
            for &len in split {
                state.update(&data[at..at + len]);
                at += len;
                assert_eq!(state.pending, at % BLOCK_LEN, "{split:?}: bytes waiting after {at}");
                assert_eq!(state.chain.absorbed, (at - at % BLOCK_LEN) as u64, "{split:?}: absorbed after {at}");
            }
            let mut out = [0; DIGEST_LEN];
            state.finalize_into(&mut out);
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..total]).into();
            assert_eq!(out, expected, "{split:?}");
        }
    }

    /// Reads every byte of `storage`.
    ///
    /// # Safety
    /// Every byte of `storage` must be initialised.
    #[allow(unsafe_code)]
    unsafe fn bytes_of<T>(storage: &core::mem::MaybeUninit<T>) -> [u8; 256] {
        assert!(size_of::<T>() <= 256);
        let mut bytes = [0u8; 256];
        let start = storage.as_ptr().cast::<u8>();
        for (i, byte) in bytes.iter_mut().enumerate().take(size_of::<T>()) {
            // SAFETY: the byte lies inside `storage` and is initialised (the caller's promise); volatile, so the
            // read is not reasoned away after a drop.
            *byte = unsafe { core::ptr::read_volatile(start.add(i)) };
        }
        bytes
    }

    /// Drops the value `make` returns in place and returns its bytes before and after.
    #[allow(unsafe_code)]
    fn bytes_before_and_after_drop<T>(make: impl FnOnce() -> T) -> ([u8; 256], [u8; 256]) {
        let mut storage = core::mem::MaybeUninit::<T>::zeroed();
        storage.write(make());
        // SAFETY: zero-initialised storage, now holding a `T` written over it.
        let before = unsafe { bytes_of(&storage) };
        // SAFETY: `storage` holds a valid `T` (written above), dropped exactly once, here, and never used again.
        unsafe { core::ptr::drop_in_place(storage.as_mut_ptr()) };
        // SAFETY: dropping does not de-initialise the bytes; it only runs the destructors.
        let after = unsafe { bytes_of(&storage) };
        (before, after)
    }

    #[test]
    fn dropping_a_chaining_value_wipes_it() {
        let (before, after) = bytes_before_and_after_drop(|| {
            let mut chain = ChainingValue::initial();
            chain.absorb_block(&[0x36; BLOCK_LEN]);
            chain
        });
        assert!(before.iter().filter(|&&b| b != 0).count() > 16, "the state is present before the drop");
        assert_eq!(after, [0; 256], "bytes left after drop");
    }

    #[test]
    fn dropping_an_unfinished_hash_wipes_its_state_and_pending_bytes() {
        let (before, after) = bytes_before_and_after_drop(|| {
            let mut state = Sha256::new();
            state.update(&[0xA5; BLOCK_LEN + 40]);
            state
        });
        assert!(before.windows(40).any(|w| w == [0xA5; 40]), "the pending bytes are present before the drop");
        assert_eq!(after, [0; 256], "bytes left after drop");
    }

    #[test]
    fn finalize_wipes_the_state() {
        let mut state = Sha256::new();
        state.update(b"secret-ish bytes");
        let mut out = [0; DIGEST_LEN];
        state.finalize_into(&mut out);
        assert_eq!(state.chain.words, [0; 8]);
        assert_eq!(state.block, [0; BLOCK_LEN]);
        assert_eq!((state.pending, state.chain.absorbed), (0, 0));
    }
}
