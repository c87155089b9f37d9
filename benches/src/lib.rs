//! Support for the `signing` benchmark: reading the medians criterion wrote during this run and printing the
//! ratios the project's performance targets are stated in.
//!
//! Every target is a ratio between two figures of the same run, so that a slow or busy machine moves both sides
//! together. The table only reports; benchmarks never fail on timings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Benchmark ids (criterion's `group/function[/parameter]`, as its output folders are named) used in the ratios.
pub mod id {
    /// Two SHA-256 compressions over two blocks plus base64 of 32 bytes: the least a short query can cost.
    pub const FLOOR: &str = "floor/two_compressions_and_base64";
    /// HMAC-SHA256 written straight over the compression function with prepared states, one block built on the
    /// stack, no wiping, no checks: what a minimal implementation pays above the floor.
    pub const PLAIN_HMAC_24: &str = "floor/plain_hmac_no_wipe_24";
    /// `SigningKey::sign` of a message of the given length.
    pub fn sign(len: usize) -> String {
        format!("sign/{len}")
    }
    /// Raw SHA-256 of 4 KiB through the `sha2` crate.
    pub const SHA256_4K: &str = "sha256/4096";
    /// The 24-byte query signed by each implementation.
    pub const OURS_24: &str = "peers/unleashed_signer";
    /// The `hmac` crate keyed afresh for each request, as public clients do.
    pub const HMAC_REKEYED: &str = "peers/hmac_crate_rekeyed";
    /// OpenSSL's one-shot `HMAC()`.
    pub const OPENSSL_ONESHOT: &str = "peers/openssl_hmac_oneshot";
    /// OpenSSL's reused `HMAC_CTX` (re-initialised from the stored key).
    pub const OPENSSL_CTX_REUSED: &str = "peers/openssl_hmac_ctx_reused";
    /// OpenSSL 3's `EVP_MAC_CTX_dup` of a keyed context.
    pub const OPENSSL_MAC_DUP: &str = "peers/openssl_evp_mac_ctx_dup";
    /// Building the typical five-parameter query and signing it.
    pub const BUILD_AND_SIGN: &str = "query/build_and_sign";
    /// Signing the same query, already built, in the same (decoded) form.
    pub const SIGN_FINISHED: &str = "query/sign_finished_decoded";
    /// Signing the built query's bytes as they are (no decoding pass): the stricter denominator.
    pub const SIGN_FINISHED_BYTES: &str = "query/sign_finished";
    /// `unleashed_sign` through the C ABI, 24-byte query.
    pub const FFI_SIGN: &str = "ffi/unleashed_sign";
    /// The Rust call the C ABI wraps, same key and query.
    pub const FFI_RUST: &str = "ffi/rust_sign";
}

/// Where criterion keeps its results for a bench binary at `exe`: `$CRITERION_HOME`, else `criterion/` in the
/// cargo target directory the binary was built into (`<target>/<profile>/deps/<bench>`), which honours
/// `CARGO_TARGET_DIR` without asking cargo.
pub fn criterion_dir(exe: &Path) -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let target = exe.ancestors().nth(3).map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    target.join("criterion")
}

/// The median point estimate, in nanoseconds, from a criterion `estimates.json`.
pub fn median_ns(estimates_json: &str) -> Option<f64> {
    let median = &estimates_json[estimates_json.find("\"median\":")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// The medians of every benchmark whose `new/estimates.json` under `dir` was written at or after `since`, keyed by
/// benchmark id. Results of earlier runs are left out, so every figure in a table comes from the same run.
pub fn medians_since(dir: &Path, since: SystemTime) -> BTreeMap<String, f64> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let is_new_estimate = path.file_name().is_some_and(|n| n == "estimates.json")
                && path.parent().and_then(Path::file_name).is_some_and(|n| n == "new");
            let fresh = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t >= since);
            if !(is_new_estimate && fresh) {
                continue;
            }
            let bench_dir = path.parent().and_then(Path::parent).expect("new/estimates.json has two parents");
            let Ok(id) = bench_dir.strip_prefix(dir) else { continue };
            let id = id.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if let Some(median) = std::fs::read_to_string(&path).ok().as_deref().and_then(median_ns) {
                found.insert(id, median);
            }
        }
    }
    found
}

/// How a measured ratio is compared with its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// The ratio must be at most this.
    AtMost(f64),
    /// The ratio must be at least this.
    AtLeast(f64),
    /// No target: shown to explain another figure.
    Info,
}

/// One line of the ratio table: `numerator / denominator`, read against `target`.
#[derive(Clone, Debug)]
pub struct Ratio {
    /// What the ratio says, in words.
    pub label: String,
    /// Benchmark id on top.
    pub numerator: String,
    /// Benchmark id below.
    pub denominator: String,
    /// The project's target for it.
    pub target: Target,
}

/// The ratios of the project's performance targets (issue 4), each as `numerator median / denominator median`.
pub fn targets() -> Vec<Ratio> {
    let ratio = |label: &str, numerator: &str, denominator: &str, target| Ratio {
        label: label.to_owned(),
        numerator: numerator.to_owned(),
        denominator: denominator.to_owned(),
        target,
    };
    let mut all = Vec::new();
    for len in [0, 24, 55] {
        let label = format!("sign {len} B / floor (short query)");
        all.push(ratio(&label, &id::sign(len), id::FLOOR, Target::AtMost(1.25)));
    }
    all.push(ratio("plain HMAC, no wiping, 24 B / floor", id::PLAIN_HMAC_24, id::FLOOR, Target::Info));
    all.push(ratio("sign 24 B / plain HMAC, no wiping", &id::sign(24), id::PLAIN_HMAC_24, Target::Info));
    all.extend([
        ratio("OpenSSL HMAC_CTX reused / ours (24 B)", id::OPENSSL_CTX_REUSED, id::OURS_24, Target::AtLeast(1.3)),
        ratio("OpenSSL EVP_MAC_CTX_dup / ours (24 B)", id::OPENSSL_MAC_DUP, id::OURS_24, Target::AtLeast(1.3)),
        ratio("OpenSSL one-shot HMAC() / ours (24 B)", id::OPENSSL_ONESHOT, id::OURS_24, Target::AtLeast(8.0)),
        ratio("hmac crate re-keyed / ours (24 B)", id::HMAC_REKEYED, id::OURS_24, Target::AtLeast(2.0)),
        ratio("C ABI unleashed_sign / Rust sign (24 B)", id::FFI_SIGN, id::FFI_RUST, Target::AtMost(1.1)),
        ratio("4 KiB: raw SHA-256 time / sign time (= throughput ratio)", id::SHA256_4K, &id::sign(4096), {
            Target::AtLeast(0.9)
        }),
        ratio("build typical query + sign / sign it built (decoded)", id::BUILD_AND_SIGN, id::SIGN_FINISHED, {
            Target::AtMost(1.5)
        }),
        ratio("build typical query + sign / sign its bytes", id::BUILD_AND_SIGN, id::SIGN_FINISHED_BYTES, {
            Target::AtMost(1.5)
        }),
    ]);
    all
}

/// The medians as a table, then each target ratio with whether it was met; ratios whose figures are missing (a
/// filtered run, or a peer behind a feature that is off) are listed as not measured.
pub fn report(medians: &BTreeMap<String, f64>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{:<48} {:>12}", "benchmark (median of this run)", "ns");
    for (id, ns) in medians {
        let _ = writeln!(out, "{id:<48} {ns:>12.1}");
    }
    let _ = writeln!(out, "\n{:<58} {:>8} {:>10}  verdict", "ratio", "measured", "target");
    for ratio in targets() {
        let (Some(top), Some(bottom)) = (medians.get(&ratio.numerator), medians.get(&ratio.denominator)) else {
            let _ = writeln!(out, "{:<58} {:>8} {:>10}  not measured", ratio.label, "-", show(ratio.target));
            continue;
        };
        let value = top / bottom;
        let verdict = match ratio.target {
            Target::AtMost(limit) if value > limit => "MISSED",
            Target::AtLeast(limit) if value < limit => "MISSED",
            Target::AtMost(_) | Target::AtLeast(_) => "met",
            Target::Info => "(information)",
        };
        let _ = writeln!(out, "{:<58} {value:>8.3} {:>10}  {verdict}", ratio.label, show(ratio.target));
    }
    out
}

fn show(target: Target) -> String {
    match target {
        Target::AtMost(limit) => format!("<= {limit}"),
        Target::AtLeast(limit) => format!(">= {limit}"),
        Target::Info => "-".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":70.1,"upper_bound":71.2},"point_estimate":70.5,"standard_error":0.2},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":68.0,"upper_bound":69.0},"point_estimate":68.25,"standard_error":0.1},"median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":0.1,"upper_bound":0.3},"point_estimate":0.2,"standard_error":0.05},"slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.2}}"#;

    #[test]
    fn reads_the_median_not_the_mean() {
        assert_eq!(median_ns(SAMPLE), Some(68.25));
        assert_eq!(median_ns("{}"), None);
    }

    #[test]
    fn collects_only_fresh_estimates_and_names_them_by_folder() {
        let dir = std::env::temp_dir().join(format!("unleashed-bench-test-{}", std::process::id()));
        let write = |id: &str| {
            let folder = dir.join(id).join("new");
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("estimates.json"), SAMPLE).unwrap();
        };
        write("sign/24");
        write("floor/two_compressions_and_base64");
        let medians = medians_since(&dir, SystemTime::UNIX_EPOCH);
        let later = medians_since(&dir, SystemTime::now() + std::time::Duration::from_secs(60));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(medians.keys().collect::<Vec<_>>(), ["floor/two_compressions_and_base64", "sign/24"]);
        assert!(later.is_empty());
    }

    #[test]
    fn report_judges_each_target_and_marks_missing_figures() {
        let medians = BTreeMap::from([(id::sign(24), 50.0), (id::FLOOR.to_owned(), 45.0), (id::sign(0), 60.0)]);
        let text = report(&medians);
        let line = |start: &str| text.lines().find(|l| l.starts_with(start)).unwrap().to_owned();
        assert!(line("sign 24 B / floor").ends_with("met"), "{text}");
        assert!(line("sign 0 B / floor").ends_with("MISSED"), "{text}");
        assert!(line("sign 55 B / floor").ends_with("not measured"), "{text}");
    }
}
