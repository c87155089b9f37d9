//! The account's credentials, read as `unleashed-sign` reads them: `UNLEASHED_API_ID`, `UNLEASHED_API_KEY` or
//! `--key-file FILE` (with the same warning for a file others can read), and `UNLEASHED_CLIENT_TYPE`.
//!
//! The CLI's own module is not shared: the core is `no_std` (no files, no environment) and the CLI is a binary,
//! so the few lines of reading live here too, with the same variable names and messages.

use std::fmt;
use std::io::Read;
use std::path::Path;

use unleashed_signer::{ApiId, ClientType, KeyFormat, SigningKey};
use zeroize::Zeroizing;

/// Environment variable holding the API id.
pub const API_ID_VAR: &str = "UNLEASHED_API_ID";
/// Environment variable holding the API key.
pub const API_KEY_VAR: &str = "UNLEASHED_API_KEY";
/// Environment variable holding the client type.
pub const CLIENT_TYPE_VAR: &str = "UNLEASHED_CLIENT_TYPE";

/// The API id, the prepared key and the client type.
pub struct Credentials {
    /// The account's API id.
    pub api_id: ApiId,
    /// `partner_or_account/app_name`.
    pub client_type: ClientType<'static>,
    /// The prepared key, in its own heap storage: wiped when dropped.
    pub key: Box<SigningKey>,
}

/// Hand-written: the key is never shown.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_id", &self.api_id)
            .field("client_type", &self.client_type)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Reads the three from the environment, the key from `key_file` when given.
    pub fn load(key_file: Option<&Path>) -> Result<Self, String> {
        let api_id = ApiId::parse(env(API_ID_VAR, "the API id (a GUID) from Unleashed's API Access page")?.as_bytes())
            .map_err(|e| format!("{API_ID_VAR}: {e}"))?;
        let client_type = env(CLIENT_TYPE_VAR, "partner_or_account/app_name, e.g. acme/orderautomation")?;
        // Kept for the life of the process, as the configuration is.
        let client_type: &'static str = Box::leak(client_type.into_boxed_str());
        let client_type = ClientType::parse(client_type).map_err(|e| format!("{CLIENT_TYPE_VAR}: {e}"))?;
        let (text, source) = match key_file {
            Some(path) => (read_key_file(path)?, format!("the key file '{}'", path.display())),
            None => (
                Zeroizing::new(env(API_KEY_VAR, "the key from Unleashed's API Access page (or pass --key-file FILE)")?),
                API_KEY_VAR.to_owned(),
            ),
        };
        // Prepared where it stays: a key returned by value would leave a copy behind (the core's docs).
        let mut key = Box::new(SigningKey::empty());
        key.load(text.as_bytes(), KeyFormat::Text).map_err(|e| format!("{source}: {e}"))?;
        Ok(Self { api_id, client_type, key })
    }
}

fn env(var: &str, what: &str) -> Result<String, String> {
    std::env::var(var).map_err(|e| match e {
        std::env::VarError::NotPresent => format!("{var} is not set: export it as {what}"),
        std::env::VarError::NotUnicode(_) => format!("{var} is not valid UTF-8: set it to {what}"),
    })
}

/// The key file's text without one final line ending, after the CLI's warning if others can read it.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, String> {
    let source = format!("the key file '{}'", path.display());
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {source}: {e}"))?;
    if let Some(warning) = open_permissions_warning(path, &file) {
        eprintln!("unleashed-gateway: warning: {warning}");
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
    file.read_to_end(&mut bytes).map_err(|e| format!("cannot read {source}: {e}"))?;
    let len = bytes.len() - [&b"\r\n"[..], b"\n"].iter().find(|end| bytes.ends_with(end)).map_or(0, |end| end.len());
    // Wiped before cutting: truncate alone would leave the bytes in the spare capacity.
    bytes[len..].iter_mut().for_each(|b| *b = 0);
    bytes.truncate(len);
    let text = String::from_utf8(std::mem::take(&mut *bytes))
        .map_err(|e| format!("{source}: the API key is not valid UTF-8 from byte {}", e.utf8_error().valid_up_to()))?;
    Ok(Zeroizing::new(text))
}

/// The warning ssh gives for a private key that group or others can access, with the `chmod` that fixes it.
#[cfg(unix)]
fn open_permissions_warning(path: &Path, file: &std::fs::File) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = file.metadata().ok().filter(std::fs::Metadata::is_file)?;
    let mode = metadata.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "permissions {mode:04o} for the key file '{}' are too open: group or others can get at the API key. \
             Run: chmod 600 '{}'",
            path.display(),
            path.display().to_string().replace('\'', r"'\''")
        )
    })
}

#[cfg(not(unix))]
fn open_permissions_warning(_path: &Path, _file: &std::fs::File) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let mut key = Box::new(SigningKey::empty());
        key.load(b"made-up-key-for-the-debug-test", KeyFormat::Text).unwrap();
        let credentials = Credentials {
            api_id: ApiId::parse("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d").unwrap(),
            client_type: ClientType::parse("acme/powerbi").unwrap(),
            key,
        };
        let shown = format!("{credentials:?}");
        assert!(shown.starts_with("Credentials { api_id: ") && shown.ends_with(", .. }"), "{shown}");
        assert!(shown.contains("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d") && shown.contains("acme/powerbi"), "{shown}");
        assert!(!shown.contains("made-up"), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn key_files_lose_one_line_ending_and_warn_when_others_can_read_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("gateway-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("it's a key");
        for (content, expected) in [("abc\n", "abc"), ("abc\r\n", "abc"), ("abc\n\n", "abc\n"), ("abc", "abc")] {
            std::fs::write(&path, content).unwrap();
            assert_eq!(read_key_file(&path).unwrap().as_str(), expected, "{content:?}");
        }
        std::fs::write(&path, b"ab\xff").unwrap();
        assert!(read_key_file(&path).unwrap_err().ends_with("not valid UTF-8 from byte 2"));
        let warning = |mode: u32| {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            open_permissions_warning(&path, &std::fs::File::open(&path).unwrap())
        };
        let open = warning(0o644).expect("0644 is too open");
        assert!(open.starts_with("permissions 0644 for the key file"), "{open}");
        let quoted = format!("'{}'", path.display().to_string().replace('\'', r"'\''"));
        assert!(quoted.ends_with(r"it'\''s a key'"), "{quoted}");
        assert!(open.ends_with(&format!("Run: chmod 600 {quoted}")), "{open}");
        assert!(warning(0o640).unwrap().contains("0640"));
        assert!(warning(0o604).unwrap().contains("0604"));
        assert_eq!(warning(0o600), None);
        assert_eq!(warning(0o400), None);
        assert!(read_key_file(&dir.join("missing")).unwrap_err().starts_with("cannot read the key file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
