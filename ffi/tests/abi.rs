//! The C ABI only grows within a soname: the shared library and the header against the committed list
//! `ffi/abi/<soname suffix>.txt` (`0.1.txt` for `libunleashed_signer.so.0.1`).
//!
//! - every listed function is still exported by the shared library, and every export is listed;
//! - every status of every list (all sonames: status numbers are frozen for ever) is still in the header with the
//!   same number, no number is used twice, and every status of the header is listed;
//! - every listed numeric constant keeps its value, and the caller-allocated types keep their sizes.
//!
//! A new function, status or constant fails until it is added to the list, which tells the exact line to add. A
//! line that must go away or change needs a new soname: see the list's opening comment.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use unleashed_signer_ffi::{
    unleashed_headers, unleashed_key, unleashed_key_size, unleashed_param, unleashed_query, unleashed_query_size,
};

fn ffi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `0.MINOR` while the major version is 0, else `MAJOR`: the part after `libunleashed_signer.so.` that
/// `ffi/build.rs` puts in the soname.
fn soname_suffix() -> String {
    match env!("CARGO_PKG_VERSION_MAJOR") {
        "0" => format!("0.{}", env!("CARGO_PKG_VERSION_MINOR")),
        major => major.to_string(),
    }
}

/// One committed list: `function`, `status`, `constant` and `size` lines.
#[derive(Default)]
struct AbiList {
    path: PathBuf,
    functions: Vec<String>,
    statuses: BTreeMap<String, u64>,
    constants: BTreeMap<String, u64>,
    sizes: BTreeMap<String, usize>,
}

fn read_list(path: &Path) -> AbiList {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut list = AbiList { path: path.to_path_buf(), ..AbiList::default() };
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = |value: &str| -> u64 {
            value.parse().unwrap_or_else(|_| panic!("{}:{}: {value:?} is not a number", path.display(), index + 1))
        };
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["function", name] => list.functions.push(name.to_string()),
            ["status", name, value] => _ = list.statuses.insert(name.to_string(), number(value)),
            ["constant", name, value] => _ = list.constants.insert(name.to_string(), number(value)),
            ["size", name, value] => {
                let size = usize::try_from(number(value)).expect("a size fits usize");
                list.sizes.insert(name.to_string(), size);
            }
            _ => panic!("{}:{}: cannot read {line:?}", path.display(), index + 1),
        }
    }
    list
}

/// The list for this version's soname; it must exist, since a new soname needs a reviewed list.
fn current_list() -> AbiList {
    let path = ffi_dir().join("abi").join(format!("{}.txt", soname_suffix()));
    assert!(
        path.is_file(),
        "{} is missing. The version in Cargo.toml gives the soname libunleashed_signer.so.{}: copy the previous \
         soname's list there, drop or change what this release breaks (never a status), and commit it.",
        path.display(),
        soname_suffix()
    );
    read_list(&path)
}

fn header() -> String {
    std::fs::read_to_string(ffi_dir().join("../include/unleashed_signer.h")).expect("read include/unleashed_signer.h")
}

/// `NAME = NUMBER,` lines inside `enum unleashed_status { ... };`, in order.
fn header_statuses(header: &str) -> Vec<(String, u64)> {
    let start = header.find("\nenum unleashed_status").expect("the header declares enum unleashed_status");
    let body = &header[start..];
    let body = &body[..body.find("\n};").expect("enum unleashed_status ends with };")];
    body.lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_suffix(',')?.split_once(" = ")?;
            Some((name.to_string(), value.parse().ok()?))
        })
        .collect()
}

/// `#define UNLEASHED_NAME NUMBER` lines.
fn header_constants(header: &str) -> BTreeMap<String, u64> {
    header
        .lines()
        .filter_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["#define", name, value] if name.starts_with("UNLEASHED_") => Some((name.into(), value.parse().ok()?)),
            _ => None,
        })
        .collect()
}

/// Lists the exports of the shared library built for this target (`support::libs`, as `consumers.rs` uses).
fn exported_functions() -> Vec<String> {
    let library = support::libs().join("libunleashed_signer_ffi.so");
    let nm = Command::new(support::tool("nm"))
        .args(["-D", "--defined-only"])
        .arg(&library)
        .output()
        .expect("run nm (binutils)");
    assert!(nm.status.success(), "nm -D {} failed: {}", library.display(), String::from_utf8_lossy(&nm.stderr));
    let mut exported: Vec<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "T", name] => Some(name.to_string()),
            _ => None,
        })
        .collect();
    exported.sort();
    exported
}

#[test]
fn exported_functions_only_grow_within_the_soname() {
    let list = current_list();
    let exported = exported_functions();
    let removed: Vec<&String> = list.functions.iter().filter(|f| !exported.contains(f)).collect();
    assert!(
        removed.is_empty(),
        "libunleashed_signer.so.{} no longer exports {removed:?}, listed in {}. Programs linked against an \
         earlier 0.{}.z release call them: keep them, or change the soname (a new minor version while the major is \
         0) and start a new list.",
        soname_suffix(),
        list.path.display(),
        env!("CARGO_PKG_VERSION_MINOR"),
    );
    let added: Vec<String> =
        exported.iter().filter(|f| !list.functions.contains(f)).map(|f| format!("function {f}")).collect();
    assert!(
        added.is_empty(),
        "new exports: add these lines to {} (and a CHANGELOG entry), so that they are kept from now on:\n{}",
        list.path.display(),
        added.join("\n")
    );
}

#[test]
fn status_numbers_never_change_and_are_never_reused() {
    let header = header();
    let statuses = header_statuses(&header);
    assert!(statuses.len() >= 20, "found only {statuses:?} in the header");
    let mut by_number = BTreeMap::new();
    for (name, number) in &statuses {
        if let Some(other) = by_number.insert(*number, name) {
            panic!("{name} and {other} both have the number {number}: a status number means one thing");
        }
    }
    let in_header: BTreeMap<String, u64> = statuses.iter().cloned().collect();
    // Every soname's list: numbers are frozen across sonames too.
    let mut lists: Vec<PathBuf> = std::fs::read_dir(ffi_dir().join("abi"))
        .expect("read ffi/abi")
        .map(|entry| entry.expect("ffi/abi entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    lists.sort();
    for list in lists.iter().map(|path| read_list(path)) {
        for (name, number) in &list.statuses {
            match in_header.get(name) {
                Some(now) => assert_eq!(
                    now,
                    number,
                    "{name} is {number} in {}, {now} in the header: status numbers never change",
                    list.path.display()
                ),
                None => assert!(
                    !by_number.contains_key(number),
                    "status {number} was {name} ({}) and is now {}: a retired number is never reused",
                    list.path.display(),
                    by_number[number]
                ),
            }
        }
    }
    let current = current_list();
    let unlisted: Vec<String> = statuses
        .iter()
        .filter(|(name, _)| !current.statuses.contains_key(name))
        .map(|(name, number)| format!("status {name} {number}"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "new statuses: add these lines to {}, which freezes their numbers:\n{}",
        current.path.display(),
        unlisted.join("\n")
    );
}

#[test]
fn constants_keep_their_values() {
    let list = current_list();
    let in_header = header_constants(&header());
    for (name, value) in &list.constants {
        assert_eq!(
            in_header.get(name),
            Some(value),
            "{name} is {value} in {} but {:?} in the header: C programs compiled with the old value pass it to \
             the new library",
            list.path.display(),
            in_header.get(name)
        );
    }
    // The version macros change with every release; every other numeric constant is listed.
    let unlisted: Vec<String> = in_header
        .iter()
        .filter(|(name, _)| !name.starts_with("UNLEASHED_VERSION_") && !list.constants.contains_key(*name))
        .map(|(name, value)| format!("constant {name} {value}"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "new constants: add these lines to {}, which freezes their values:\n{}",
        list.path.display(),
        unlisted.join("\n")
    );
}

/// Programs compiled against the header embed `sizeof(unleashed_key)`; bindings allocate `unleashed_key_size()`.
/// Either way a library with a larger key would write past the storage, so sizes change only with the soname.
#[test]
fn caller_allocated_types_keep_their_sizes() {
    let list = current_list();
    // The header values are only `char` arrays: alignment 1, so a runtime may pass any 147-byte buffer.
    let mut actual = vec![
        ("unleashed_key", size_of::<unleashed_key>(), align_of::<unleashed_key>(), 8),
        ("unleashed_query", size_of::<unleashed_query>(), align_of::<unleashed_query>(), 8),
        ("unleashed_headers", size_of::<unleashed_headers>(), align_of::<unleashed_headers>(), 1),
    ];
    if cfg!(target_pointer_width = "64") {
        actual.push(("unleashed_param", size_of::<unleashed_param>(), align_of::<unleashed_param>(), 8));
    }
    for (name, size, align, expected_align) in actual {
        let listed =
            list.sizes.get(name).unwrap_or_else(|| panic!("{} has no `size {name}` line", list.path.display()));
        assert_eq!(
            size,
            *listed,
            "{name} is {size} bytes, {listed} in {}: a new size needs a new soname",
            list.path.display()
        );
        assert_eq!(align, expected_align, "{name} must stay aligned to {expected_align} bytes");
    }
    assert_eq!(unleashed_key_size(), list.sizes["unleashed_key"], "unleashed_key_size()");
    assert_eq!(unleashed_query_size(), list.sizes["unleashed_query"], "unleashed_query_size()");
}
