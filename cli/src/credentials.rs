//! Reading the API id, key and client type from the environment or a key file, keeping the key text wiped.

use std::env;
use std::io::{IsTerminal, Read};
use std::path::Path;

use unleashed_signer::{ApiId, ClientType, SigningKey};
use zeroize::Zeroizing;

use crate::shell;

/// Environment variable holding the API id.
pub const API_ID_VAR: &str = "UNLEASHED_API_ID";
/// Environment variable holding the API key.
pub const API_KEY_VAR: &str = "UNLEASHED_API_KEY";
/// Environment variable holding the client type.
pub const CLIENT_TYPE_VAR: &str = "UNLEASHED_CLIENT_TYPE";

/// The API key text and where it came from, for messages that name the source but never the key.
pub struct KeyText {
    /// The key text, wiped on drop.
    pub text: Zeroizing<String>,
    /// `UNLEASHED_API_KEY`, `stdin` or the key file's path.
    pub source: String,
}

impl KeyText {
    /// Reads the key from `key_file` (`-` for stdin) when given, otherwise from `UNLEASHED_API_KEY`.
    pub fn load(key_file: Option<&Path>) -> Result<Self, String> {
        match key_file {
            Some(path) if path == Path::new("-") => {
                let mut stdin = std::io::stdin();
                if stdin.is_terminal() {
                    eprintln!("unleashed-sign: reading the API key from stdin; end it with Ctrl-D");
                }
                let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
                stdin.read_to_end(&mut bytes).map_err(|e| format!("cannot read the API key from stdin: {e}"))?;
                Self::from_file_bytes(bytes, "stdin".into())
            }
            Some(path) => {
                let source = format!("the key file '{}'", path.display());
                let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read {source}: {e}"))?;
                if let Some(warning) = open_permissions_warning(path, &file) {
                    eprintln!("unleashed-sign: warning: {warning}");
                }
                let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
                file.read_to_end(&mut bytes).map_err(|e| format!("cannot read {source}: {e}"))?;
                Self::from_file_bytes(bytes, source)
            }
            None => {
                let text = match env::var(API_KEY_VAR) {
                    Ok(text) => Zeroizing::new(text),
                    Err(env::VarError::NotPresent) => {
                        return Err(format!(
                            "{API_KEY_VAR} is not set: export it with the key from Unleashed's API Access page, \
                             or pass --key-file PATH (--key-file - reads stdin)"
                        ));
                    }
                    Err(env::VarError::NotUnicode(_)) => {
                        return Err(format!("{API_KEY_VAR} is not valid UTF-8: set it to the key text as shown"));
                    }
                };
                Ok(Self { text, source: API_KEY_VAR.into() })
            }
        }
    }

    /// Takes a file's bytes as the key, removing one final line ending (files and `echo` add one).
    fn from_file_bytes(mut bytes: Zeroizing<Vec<u8>>, source: String) -> Result<Self, String> {
        let ending = if bytes.ends_with(b"\r\n") {
            Some("line ending (\\r\\n)")
        } else if bytes.ends_with(b"\n") {
            Some("newline")
        } else {
            None
        };
        if let Some(ending) = ending {
            let len = bytes.len() - if bytes.ends_with(b"\r\n") { 2 } else { 1 };
            // Wipe the bytes cut off too: truncate alone would leave them in the spare capacity.
            bytes[len..].iter_mut().for_each(|b| *b = 0);
            bytes.truncate(len);
            eprintln!("unleashed-sign: note: removed one final {ending} from the API key read from {source}");
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            return Err(format!("{source}: the API key is not valid UTF-8 from byte {}", e.valid_up_to()));
        }
        let text = String::from_utf8(std::mem::take(&mut *bytes)).expect("checked to be UTF-8");
        Ok(Self { text: Zeroizing::new(text), source })
    }

    /// Prepares the key the Unleashed way, naming the source in the core's key-free error.
    pub fn signing_key(&self) -> Result<SigningKey, String> {
        SigningKey::from_text(&self.text).map_err(|e| format!("{}: {e}", self.source))
    }
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
             Run: chmod 600 {}",
            path.display(),
            shell::quote(&path.to_string_lossy())
        )
    })
}

#[cfg(not(unix))]
fn open_permissions_warning(_path: &Path, _file: &std::fs::File) -> Option<String> {
    None
}

/// The API id from `--api-id` or `UNLEASHED_API_ID`.
pub fn api_id(flag: Option<&str>) -> Result<ApiId, String> {
    let (value, source) =
        flag_or_env(flag, API_ID_VAR, "--api-id", "the API id (a GUID) from Unleashed's API Access page")?;
    ApiId::parse(value.as_bytes()).map_err(|e| format!("{source}: {e}"))
}

/// The client type text from `--client-type` or `UNLEASHED_CLIENT_TYPE`, checked.
pub fn client_type(flag: Option<&str>) -> Result<String, String> {
    let (value, source) =
        flag_or_env(flag, CLIENT_TYPE_VAR, "--client-type", "partner_or_account/app_name, e.g. acme/orderautomation")?;
    ClientType::parse(&value).map_err(|e| format!("{source}: {e}"))?;
    Ok(value)
}

/// The API id from `--api-id` or `UNLEASHED_API_ID`, or `None` when neither is given.
pub fn optional_api_id(flag: Option<&str>) -> Result<Option<ApiId>, String> {
    if flag.is_none() && env::var_os(API_ID_VAR).is_none() {
        return Ok(None);
    }
    api_id(flag).map(Some)
}

fn flag_or_env(flag: Option<&str>, var: &str, flag_name: &str, what: &str) -> Result<(String, String), String> {
    if let Some(value) = flag {
        return Ok((value.to_owned(), flag_name.to_owned()));
    }
    match env::var(var) {
        Ok(value) => Ok((value, var.to_owned())),
        Err(env::VarError::NotPresent) => Err(format!("{var} is not set: export it as {what}, or pass {flag_name}")),
        Err(env::VarError::NotUnicode(_)) => Err(format!("{var} is not valid UTF-8: set it to {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_bytes(bytes: &[u8]) -> Result<String, String> {
        KeyText::from_file_bytes(Zeroizing::new(bytes.to_vec()), "test".into()).map(|key| key.text.to_string())
    }

    #[cfg(unix)]
    #[test]
    fn warns_like_ssh_when_others_can_read_the_key_file() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("unleashed-sign key {}", std::process::id()));
        std::fs::write(&path, "k").unwrap();
        let warning = |mode: u32| {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            open_permissions_warning(&path, &std::fs::File::open(&path).unwrap())
        };
        let open = warning(0o644).expect("0644 is too open");
        assert!(open.starts_with("permissions 0644 for the key file"), "{open}");
        assert!(open.ends_with(&format!("Run: chmod 600 '{}'", path.display())), "{open}");
        assert!(warning(0o640).unwrap().contains("0640"));
        assert!(warning(0o604).unwrap().contains("0604"));
        assert_eq!(warning(0o600), None);
        assert_eq!(warning(0o400), None);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn one_final_line_ending_is_removed_and_no_more() {
        assert_eq!(from_bytes(b"abc\n").unwrap(), "abc");
        assert_eq!(from_bytes(b"abc\r\n").unwrap(), "abc");
        assert_eq!(from_bytes(b"abc\n\n").unwrap(), "abc\n");
        assert_eq!(from_bytes(b"abc ").unwrap(), "abc ");
        assert_eq!(from_bytes(b"abc").unwrap(), "abc");
        assert!(from_bytes(b"ab\xff").unwrap_err().contains("UTF-8 from byte 2"));
    }
}
